"""Market access (drc): a project with any eliminated item is forbidden, naming each rule."""

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from phaseout_shared.contracts.technology import AccessOutcome, Outcome
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.reference import District
from phaseout_technology.domain.market_access import ProposedProject, check_project

MODERN = {"kind": "blast_furnace", "volume_m3": 1200}
SMALL = {"kind": "blast_furnace", "volume_m3": 400}
CONVERTER = {"kind": "converter", "capacity_t": 20}


def project(*items: dict[str, Any], industry: str = "steel", name: str = "New mill") -> Any:
    return ProposedProject(name=name, industry=industry, district=District.GUANGMING, items=items)


def test_a_project_without_backward_equipment_is_permitted() -> None:
    check = check_project(project(MODERN, {"kind": "converter", "capacity_t": 120}))
    assert check.outcome is AccessOutcome.PERMITTED
    assert check.rules == ()
    assert [v.verdict for v in check.verdicts] == [Outcome.ALLOWED, Outcome.ALLOWED]
    assert "permitted" in check.basis


def test_any_eliminated_item_forbids_the_project_naming_each_rule() -> None:
    check = check_project(project(MODERN, SMALL, CONVERTER, SMALL))
    assert check.outcome is AccessOutcome.FORBIDDEN
    assert check.rules == ("T5-steel-blast-furnace", "T5-steel-converter")
    assert [v.verdict for v in check.verdicts] == [
        Outcome.ALLOWED,
        Outcome.ELIMINATE,
        Outcome.ELIMINATE,
        Outcome.ELIMINATE,
    ]
    assert "items[1] blast_furnace eliminated by T5-steel-blast-furnace" in check.basis
    assert "确保不新增落后产能" in check.basis


@pytest.mark.parametrize(
    ("proposal", "field"),
    [
        (project(MODERN, {"kind": "blast_furnace"}), "items[1].volume_m3"),
        (project(MODERN, {"kind": "blast_furnace", "volume_m3": True}), "items[1].volume_m3"),
        (project({"kind": "cement_mill", "diameter_m": 4}), "items[0].kind"),
        (project({"kind": "warp_drive"}), "items[0].kind"),
        (project(), "items"),
        (project(MODERN, name=" "), "name"),
        (project(MODERN, industry="toys"), "industry"),
    ],
)
def test_a_project_that_cannot_be_judged_is_refused(proposal: Any, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_project(proposal)
    assert refused.value.field == field


def test_the_check_is_recorded_as_an_event() -> None:
    check = check_project(project(MODERN, SMALL))
    event = check.recorded(
        check_id=UUID(int=5), effective_on=date(2019, 9, 2), uscc="91440300708461136T"
    )
    assert event.event_type == "phaseout.technology.project_check.recorded.v1"
    assert event.outcome is AccessOutcome.FORBIDDEN
    assert event.rules == ("T5-steel-blast-furnace",)
    assert [i.verdict for i in event.items] == [Outcome.ALLOWED, Outcome.ELIMINATE]
    assert (event.industry, event.district) == ("steel", District.GUANGMING)
    assert event.catalogue_version == "2019.1"


def test_a_recorded_check_refuses_a_bad_code() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_project(project(MODERN)).recorded(
            check_id=UUID(int=5), effective_on=date(2019, 9, 2), uscc="123"
        )
    assert refused.value.field == "uscc"
