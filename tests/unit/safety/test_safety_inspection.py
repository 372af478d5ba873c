"""An inspection's findings judged by the catalogue: hazards to rectify, conditions to suspend."""

from datetime import date
from decimal import Decimal
from itertools import count
from uuid import UUID

import pytest

from phaseout_safety.domain.acts import SuspensionOrder
from phaseout_safety.domain.catalogue import FIVE_IN_PLACE, SUSPEND, Catalogue, table4
from phaseout_safety.domain.inspection import Finding, Inspected, Subject, inspect, judge
from phaseout_shared.contracts.safety import (
    CaseState,
    HazardFound,
    HazardState,
    InspectionRecorded,
    Outcome,
    SuspensionOrdered,
)
from phaseout_shared.domain.errors import InvalidInput, NotApplicable
from phaseout_shared.reference import District, Industry

INSPECTION_ID = UUID("00000000-0000-4000-8000-000000000030")
SUBJECT = Subject(
    "91440300708461136T",
    District.PINGSHAN,
    Industry.LEAD_ACID_BATTERY,
    date(2019, 6, 3),
    "坪山区应急管理局执法队",
)
HAZARD = Finding(kind="hidden_hazard", description="酸雾吸收塔腐蚀")
BELOW = Finding(
    kind="conditions_below_industry_standard",
    description="铅烟车间无独立通风",
    reference="AQ 3013-2008 第 5.1 条",
)
ORDER = SuspensionOrder(
    item="极板车间",
    capacity_amount=Decimal("500000"),
    capacity_unit="KVAh/a",
    rectify_by=date(2019, 8, 3),
)


def run(
    findings: list[Finding],
    suspension: SuspensionOrder | None = None,
    catalogue: Catalogue | None = None,
) -> Inspected:
    numbers = count(1)
    return inspect(
        SUBJECT,
        findings,
        inspection_id=INSPECTION_ID,
        suspension=suspension,
        new_id=lambda: UUID(int=next(numbers)),
        catalogue=catalogue,
    )


@pytest.mark.parametrize("kind", [f.kind for f in table4().findings])
def test_every_finding_kind_is_judged_by_its_row(kind: str) -> None:
    (verdict,) = judge([Finding(kind=kind, description="现场发现", reference="GB 1 条")], table4())
    row = table4().finding(kind)
    assert (verdict.kind, verdict.outcome, verdict.rule) == (kind, row.outcome, row.rule)
    assert row.name_zh in verdict.basis and "二（四）2" in verdict.basis


def test_a_clean_inspection_opens_nothing() -> None:
    inspected = run([])
    (event,) = inspected.pull_events()
    assert isinstance(event, InspectionRecorded)
    assert (event.findings, event.hazard_case_ids, event.suspension_case_id) == ((), (), None)
    assert event.effective_on == SUBJECT.inspected_on and event.catalogue_version == "2019.1"


def test_each_hazard_opens_its_rectification() -> None:
    inspected = run([HAZARD, HAZARD.model_copy(update={"description": "消防通道堵塞"})])
    recorded, *found = inspected.pull_events()
    assert isinstance(recorded, InspectionRecorded)
    assert [type(e) for e in found] == [HazardFound, HazardFound]
    assert recorded.hazard_case_ids == (UUID(int=1), UUID(int=2))
    assert [h.state for h in inspected.hazards] == [HazardState.OPEN] * 2
    assert all(isinstance(e, HazardFound) and e.rule == FIVE_IN_PLACE for e in found)
    assert inspected.case is None


def test_conditions_below_the_standard_are_suspended_at_once_in_one_order() -> None:
    second = BELOW.model_copy(
        update={"kind": "conditions_below_law", "reference": "安全生产法第十七条"}
    )
    inspected = run([HAZARD, BELOW, second], ORDER)
    recorded, hazard, order = inspected.pull_events()
    assert isinstance(recorded, InspectionRecorded) and isinstance(hazard, HazardFound)
    assert isinstance(order, SuspensionOrdered)
    assert recorded.suspension_case_id == order.case_id == UUID(int=2)
    assert [g.kind for g in order.grounds] == [BELOW.kind, "conditions_below_law"]
    assert (order.state, order.deadline, order.rule) == (
        CaseState.SUSPENDED,
        ORDER.rectify_by,
        SUSPEND,
    )
    assert inspected.case is not None and inspected.case.inspection_id == INSPECTION_ID


@pytest.mark.parametrize(
    ("findings", "suspension", "field"),
    [
        ([BELOW], None, "suspension"),
        ([HAZARD], ORDER, "suspension"),
        ([], ORDER, "suspension"),
        ([HAZARD, Finding(kind="fire", description="x")], None, "findings.1.kind"),
        ([Finding(kind="hidden_hazard", description="  ")], None, "findings.0.description"),
        ([BELOW.model_copy(update={"reference": " "})], ORDER, "findings.0.reference"),
        (
            [BELOW],
            ORDER.model_copy(update={"rectify_by": date(2019, 6, 3)}),
            "suspension.rectify_by",
        ),
    ],
)
def test_what_cannot_be_judged_is_refused_naming_the_field(
    findings: list[Finding], suspension: SuspensionOrder | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        run(findings, suspension)
    assert error.value.field == field


def test_a_reference_is_optional_for_a_hazard() -> None:
    (verdict,) = judge([HAZARD], table4())
    assert verdict.reference is None and verdict.outcome is Outcome.RECTIFY_HAZARD


def test_the_inspectors_must_be_named() -> None:
    with pytest.raises(InvalidInput) as error:
        inspect(
            Subject(SUBJECT.uscc, SUBJECT.district, SUBJECT.industry, SUBJECT.inspected_on, " "),
            [],
            inspection_id=INSPECTION_ID,
            suspension=None,
            new_id=lambda: INSPECTION_ID,
        )
    assert error.value.field == "inspectors"


def test_an_industry_the_catalogue_does_not_cover_is_not_applicable() -> None:
    narrow = table4().model_copy(update={"industries": (Industry.STEEL,)})
    with pytest.raises(NotApplicable):
        run([HAZARD], catalogue=narrow)
