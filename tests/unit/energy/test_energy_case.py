from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from energy_examples import (
    ALUMINIUM,
    ALUMINIUM_LIMIT,
    CATALOGUE,
    USCC_A,
    USCC_B,
    inspection,
    open_case,
    reinspect,
)
from supersession_examples import CheckSupersession

from phaseout_energy.domain.case import (
    LIFECYCLE,
    EnergyCase,
    overdue_cases,
    refuse_second_case,
)
from phaseout_shared.contracts.energy import (
    CaseOpened,
    CaseOverdue,
    CaseRectified,
    CaseRevivalFound,
    CaseState,
    ExtensionGranted,
    ReinspectionFailed,
    ShutdownOrdered,
    ShutdownReason,
    ShutdownVerified,
)
from phaseout_shared.domain.errors import Conflict, InvalidInput, NotApplicable
from phaseout_shared.reference import Industry

OPENED = date(2019, 8, 31)
DUE = date(2020, 2, 29)


def test_an_over_limit_inspection_opens_a_case_due_in_six_months() -> None:
    case = open_case(OPENED)
    assert case.state is CaseState.RECTIFYING
    assert case.deadline.due_on == DUE == case.next_deadline
    [event] = case.pull_events()
    assert isinstance(event, CaseOpened)
    assert (event.case_id, event.uscc, event.deadline, event.effective_on) == (
        case.case_id,
        USCC_A,
        DUE,
        OPENED,
    )
    assert (event.standard, event.indicator_id, event.catalogue_version) == (
        "GB 21346-2013",
        ALUMINIUM,
        1,
    )
    assert (event.measured_value, event.limit, event.unit) == (
        Decimal("13800"),
        ALUMINIUM_LIMIT,
        "kWh/t",
    )
    assert (event.capacity_amount, event.capacity_unit) == (Decimal("120000"), "t/a")
    assert case.pull_events() == []


def test_an_inspection_within_the_limit_opens_no_case() -> None:
    found = inspection("13700")
    with pytest.raises(InvalidInput) as raised:
        EnergyCase.open(uuid4(), found, found.assess(CATALOGUE))
    assert raised.value.field == "measured_value"


def test_no_case_while_the_limit_awaits_the_agency() -> None:
    found = inspection(
        "130", indicator_id="gb16780.clinker_coal", industry=Industry.CEMENT, unit="kgce/t"
    )
    with pytest.raises(Conflict) as raised:
        EnergyCase.open(uuid4(), found, found.assess(CATALOGUE))
    assert raised.value.rule == "energy.catalogue.awaiting_agency"


@pytest.mark.parametrize("industry", [Industry.DYEING, Industry.LEAD_ACID_BATTERY])
def test_no_energy_case_for_industries_without_a_national_limit(industry: Industry) -> None:
    found = inspection("99", indicator_id="none", industry=industry, unit="kgce/t")
    with pytest.raises(NotApplicable) as raised:
        EnergyCase.open(uuid4(), found, found.assess(CATALOGUE))
    assert raised.value.field == "industry"
    assert "environment, quality, safety, technology" in raised.value.reason


def test_the_assessment_must_be_the_inspections_own() -> None:
    with pytest.raises(InvalidInput):
        EnergyCase.open(uuid4(), inspection("13900"), inspection("13800").assess(CATALOGUE))


def case_in(state: CaseState) -> EnergyCase:
    case = open_case(OPENED)
    if state is CaseState.RECTIFIED:
        reinspect(case, date(2020, 1, 10), "13500")
    if state in (CaseState.SHUTDOWN_REQUIRED,):
        reinspect(case, date(2020, 1, 10), "13900")
    if state in (CaseState.OVERDUE, CaseState.SHUTDOWN_ORDERED, CaseState.EXITED):
        case.mark_overdue(date(2020, 3, 1))
    if state in (CaseState.SHUTDOWN_ORDERED, CaseState.EXITED):
        case.order_shutdown(ordered_on=date(2020, 3, 5))
    if state is CaseState.EXITED:
        case.verify_shutdown(verified_on=date(2020, 4, 1))
    assert case.state is state
    case.pull_events()
    return case


def test_the_lifecycle_table() -> None:
    assert {s: LIFECYCLE.allowed_from(s) for s in CaseState} == {
        CaseState.RECTIFYING: [
            "grant_extension",
            "rectify",
            "fail_reinspection",
            "mark_overdue",
            "supersede",
        ],
        CaseState.RECTIFIED: [],
        CaseState.SHUTDOWN_REQUIRED: ["order_shutdown"],
        CaseState.OVERDUE: ["grant_extension", "order_shutdown"],
        CaseState.SHUTDOWN_ORDERED: ["verify_shutdown"],
        CaseState.EXITED: ["find_revival"],
    }


def test_extension_granted() -> None:
    case = case_in(CaseState.RECTIFYING)
    case.grant_extension(
        applied_on=date(2020, 2, 20), new_deadline=date(2020, 5, 29), granted_on=date(2020, 3, 2)
    )
    assert case.state is CaseState.RECTIFYING and case.next_deadline == date(2020, 5, 29)
    # applied for by the deadline, granted after it: overdue meanwhile, then rectifying again
    overdue, event = case.pull_events()
    assert isinstance(overdue, CaseOverdue) and overdue.effective_on == date(2020, 3, 1)
    assert isinstance(event, ExtensionGranted) and case.shutdown_reason is None
    assert (event.deadline, event.previous_deadline, event.applied_on, event.effective_on) == (
        date(2020, 5, 29),
        DUE,
        date(2020, 2, 20),
        date(2020, 3, 2),
    )


def test_extension_refusals_reach_the_case() -> None:
    case = case_in(CaseState.RECTIFYING)
    with pytest.raises(InvalidInput, match="more than 3 months"):
        case.grant_extension(
            applied_on=date(2020, 2, 1), new_deadline=date(2020, 5, 30), granted_on=date(2020, 2, 1)
        )
    with pytest.raises(Conflict, match="after the deadline"):
        case.grant_extension(
            applied_on=date(2020, 3, 1), new_deadline=date(2020, 4, 1), granted_on=date(2020, 3, 1)
        )
    with pytest.raises(InvalidInput) as raised:
        case.grant_extension(
            applied_on=date(2020, 2, 1), new_deadline=date(2020, 4, 1), granted_on=date(2020, 1, 1)
        )
    assert raised.value.field == "granted_on"
    case.grant_extension(
        applied_on=date(2020, 2, 1), new_deadline=date(2020, 4, 1), granted_on=date(2020, 2, 3)
    )
    with pytest.raises(Conflict, match="already extended once"):
        case.grant_extension(
            applied_on=date(2020, 3, 1), new_deadline=date(2020, 4, 2), granted_on=date(2020, 3, 1)
        )
    assert case.deadline.due_on == date(2020, 4, 1)
    assert [type(e) for e in case.pull_events()] == [ExtensionGranted]


@pytest.mark.parametrize("measured", ["13500", "13700"])
def test_reinspection_within_the_limit_rectifies(measured: str) -> None:
    case = case_in(CaseState.RECTIFYING)
    reinspect(case, DUE, measured)
    assert case.state is CaseState.RECTIFIED and case.next_deadline is None
    [event] = case.pull_events()
    assert isinstance(event, CaseRectified)
    assert (event.measured_value, event.limit, event.deadline, event.effective_on) == (
        Decimal(measured),
        ALUMINIUM_LIMIT,
        None,
        DUE,
    )
    assert not case.is_overdue(DUE + timedelta(days=400))


def test_still_over_the_limit_requires_a_shutdown() -> None:
    case = case_in(CaseState.RECTIFYING)
    reinspect(case, date(2020, 1, 10), "13701")
    assert case.state is CaseState.SHUTDOWN_REQUIRED
    assert case.shutdown_reason is ShutdownReason.REINSPECTION_FAILED
    [event] = case.pull_events()
    assert isinstance(event, ReinspectionFailed) and event.state is CaseState.SHUTDOWN_REQUIRED


def test_reinspection_after_the_deadline_is_refused() -> None:
    case = case_in(CaseState.RECTIFYING)
    with pytest.raises(Conflict) as raised:
        reinspect(case, DUE + timedelta(days=1), "13500")
    assert raised.value.field == "inspected_on"
    assert case.state is CaseState.RECTIFYING and case.pull_events() == []


def test_reinspection_within_an_extended_deadline() -> None:
    case = case_in(CaseState.RECTIFYING)
    case.grant_extension(applied_on=DUE, new_deadline=date(2020, 5, 29), granted_on=DUE)
    reinspect(case, date(2020, 5, 29), "13000")
    assert case.state is CaseState.RECTIFIED


def test_reinspection_must_measure_the_case() -> None:
    case = case_in(CaseState.RECTIFYING)
    other = inspection("13500", indicator_id="gb21346.aluminium_ingot_comprehensive_ac_power")
    with pytest.raises(InvalidInput) as raised:
        case.record_reinspection(inspected_on=date(2020, 1, 1), assessment=other.assess(CATALOGUE))
    assert raised.value.field == "indicator_id"
    with pytest.raises(Conflict) as raised:
        reinspect(case, date(2019, 8, 30), "13500")
    assert raised.value.field == "inspected_on"


def test_mark_overdue_before_at_and_after_the_deadline() -> None:
    case = case_in(CaseState.RECTIFYING)
    assert not case.mark_overdue(DUE - timedelta(days=1))
    assert not case.mark_overdue(DUE)
    assert not case.is_overdue(DUE) and case.pull_events() == []
    assert case.is_overdue(DUE + timedelta(days=1))
    assert case.mark_overdue(date(2020, 3, 20))
    assert case.state is CaseState.OVERDUE and case.is_overdue(date(2020, 3, 20))
    [event] = case.pull_events()
    assert isinstance(event, CaseOverdue)
    assert (event.missed_deadline, event.effective_on, event.deadline, event.extended) == (
        DUE,
        date(2020, 3, 1),
        None,
        False,
    )


def test_overdue_is_announced_exactly_once() -> None:
    case = case_in(CaseState.RECTIFYING)
    assert case.mark_overdue(date(2020, 3, 1))
    before = case.model_dump()
    assert not case.mark_overdue(date(2020, 3, 2))
    assert not case.mark_overdue(date(2021, 1, 1))
    assert case.model_dump() == before
    assert [type(e) for e in case.pull_events()] == [CaseOverdue]


def test_overdue_counts_from_the_extended_deadline() -> None:
    case = case_in(CaseState.RECTIFYING)
    case.grant_extension(
        applied_on=date(2020, 2, 1), new_deadline=date(2020, 4, 30), granted_on=date(2020, 2, 5)
    )
    case.pull_events()
    assert not case.mark_overdue(date(2020, 4, 30))
    assert case.mark_overdue(date(2020, 5, 1))
    [event] = case.pull_events()
    assert isinstance(event, CaseOverdue) and event.extended
    assert event.missed_deadline == date(2020, 4, 30)


@pytest.mark.parametrize(
    "state",
    [
        CaseState.RECTIFIED,
        CaseState.SHUTDOWN_REQUIRED,
        CaseState.SHUTDOWN_ORDERED,
        CaseState.EXITED,
    ],
)
def test_mark_overdue_leaves_other_states_alone(state: CaseState) -> None:
    case = case_in(state)
    assert not case.mark_overdue(date(2030, 1, 1))
    assert case.state is state and case.pull_events() == []


@pytest.mark.parametrize(
    ("reach", "reason"),
    [
        (CaseState.OVERDUE, ShutdownReason.OVERDUE),
        (CaseState.SHUTDOWN_REQUIRED, ShutdownReason.REINSPECTION_FAILED),
    ],
)
def test_shutdown_ordered_then_verified_is_an_exit(
    reach: CaseState, reason: ShutdownReason
) -> None:
    case = case_in(reach)
    case.order_shutdown(ordered_on=date(2020, 3, 10), exit_by=date(2020, 6, 30))
    assert case.state == "shutdown_ordered" and case.next_deadline == date(2020, 6, 30)
    case.verify_shutdown(verified_on=date(2020, 6, 1))
    assert case.state == "exited" and case.exited_on == date(2020, 6, 1)
    ordered, verified = case.pull_events()
    assert isinstance(ordered, ShutdownOrdered) and ordered.reason is reason
    assert ordered.deadline == date(2020, 6, 30)
    assert isinstance(verified, ShutdownVerified)
    assert (verified.capacity_amount, verified.capacity_unit) == (Decimal("120000"), "t/a")
    assert (verified.standard, verified.indicator_id, verified.catalogue_version) == (
        "GB 21346-2013",
        ALUMINIUM,
        1,
    )
    assert (
        verified.district.value == "baoan" and verified.industry is Industry.ELECTROLYTIC_ALUMINIUM
    )
    assert verified.effective_on == date(2020, 6, 1) and verified.deadline is None
    assert "GB 21346-2013" in verified.basis and "catalogue v1" in verified.basis


def test_capacity_found_running_after_its_exit_is_revived_until_verified_again() -> None:
    """死灰复燃: the check confirming a revival puts the case back under its shutdown order;
    the event names the exit's legal basis and date, and a second verification exits again."""
    case = case_in(CaseState.EXITED)
    alert = uuid4()
    with pytest.raises(InvalidInput) as refused:
        case.find_revival("  ", date(2020, 5, 10), alert_id=alert)
    assert refused.value.field == "findings" and case.state is CaseState.EXITED
    with pytest.raises(Conflict) as refused:
        case.find_revival("恢复生产", date(2020, 3, 31), alert_id=alert)
    assert refused.value.field == "effective_on" and case.state is CaseState.EXITED
    case.find_revival(" 现场检查：电解槽恢复生产 ", date(2020, 5, 10), alert_id=alert)
    assert (case.state, case.exited_on, case.next_deadline) == (
        CaseState.SHUTDOWN_ORDERED,
        None,
        None,
    )
    (found,) = case.pull_events()
    assert isinstance(found, CaseRevivalFound)
    assert (found.state, found.effective_on, found.exited_on, found.alert_id) == (
        CaseState.SHUTDOWN_ORDERED,
        date(2020, 5, 10),
        date(2020, 4, 1),
        alert,
    )
    assert (found.findings, found.reason) == ("现场检查：电解槽恢复生产", ShutdownReason.OVERDUE)
    assert (found.standard, found.indicator_id, found.capacity_amount) == (
        "GB 21346-2013",
        ALUMINIUM,
        Decimal("120000"),
    )
    assert found.basis == case.legal_basis()
    case.verify_shutdown(verified_on=date(2020, 6, 1))
    assert (case.state, case.exited_on) == (CaseState.EXITED, date(2020, 6, 1))


def test_shutdown_dates_are_checked_before_anything_changes() -> None:
    case = case_in(CaseState.OVERDUE)
    with pytest.raises(Conflict) as raised:
        case.order_shutdown(ordered_on=date(2020, 2, 1))
    assert raised.value.field == "ordered_on" and case.state is CaseState.OVERDUE
    with pytest.raises(InvalidInput) as raised:
        case.order_shutdown(ordered_on=date(2020, 3, 10), exit_by=date(2020, 3, 9))
    assert raised.value.field == "exit_by" and case.state.value == "overdue"
    case.order_shutdown(ordered_on=date(2020, 3, 10))
    with pytest.raises(Conflict) as raised:
        case.verify_shutdown(verified_on=date(2020, 3, 9))
    assert raised.value.field == "verified_on" and case.state.value == "shutdown_ordered"


ACTIONS: dict[str, Callable[[EnergyCase], None]] = {
    "grant_extension": lambda c: c.grant_extension(
        applied_on=date(2020, 6, 1), new_deadline=date(2020, 7, 1), granted_on=date(2020, 6, 1)
    ),
    "rectify": lambda c: reinspect(c, date(2020, 6, 1), "13000"),
    "order_shutdown": lambda c: c.order_shutdown(ordered_on=date(2020, 6, 1)),
    "verify_shutdown": lambda c: c.verify_shutdown(verified_on=date(2020, 6, 1)),
    "find_revival": lambda c: c.find_revival("现场检查：电解槽恢复生产", date(2020, 6, 1)),
}
ILLEGAL = [
    (state, action)
    for state in CaseState
    for action in ACTIONS
    if action not in LIFECYCLE.allowed_from(state)
    # on 2020-06-01 a rectifying case is past its deadline: overdue, and may be shut down
    and (state, action) != (CaseState.RECTIFYING, "order_shutdown")
    # an overdue case's re-inspection is refused as overdue, swept or not (test_energy_lifecycle)
    and (state, action) != (CaseState.OVERDUE, "rectify")
]


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_illegal_transitions_are_conflicts(state: CaseState, action: str) -> None:
    case = case_in(state)
    before = case.model_dump()
    with pytest.raises(Conflict) as raised:
        ACTIONS[action](case)
    assert raised.value.field == "state" and raised.value.rule == f"lifecycle.{action}"
    assert case.model_dump() == before and case.pull_events() == []


def test_the_sweep_finds_rectifying_cases_past_their_deadline() -> None:
    late = open_case(date(2019, 8, 31))
    on_time = open_case(date(2019, 9, 30))
    marked = case_in(CaseState.OVERDUE)
    closed = case_in(CaseState.RECTIFIED)
    cases = [late, on_time, marked, closed]
    assert overdue_cases(cases, date(2020, 2, 29)) == []
    assert overdue_cases(cases, date(2020, 3, 1)) == [late]
    assert overdue_cases(cases, date(2020, 4, 1)) == [late, on_time]


def test_one_open_case_per_enterprise_and_indicator() -> None:
    open_one = case_in(CaseState.OVERDUE)
    with pytest.raises(Conflict) as raised:
        refuse_second_case([open_one], inspection())
    assert raised.value.rule == "energy.case.one_open_case"
    refuse_second_case([open_one], inspection(code=USCC_B))
    refuse_second_case([case_in(CaseState.RECTIFIED), case_in(CaseState.EXITED)], inspection())


def test_a_case_persists_as_json_without_its_pending_events() -> None:
    case = open_case(OPENED)
    reinspect(case, date(2020, 1, 10), "13900")
    stored = case.model_dump(mode="json")
    loaded = EnergyCase.model_validate(stored)
    assert loaded.model_dump() == case.model_dump() and loaded.pull_events() == []
    assert len(case.pull_events()) == 2
    loaded.order_shutdown(ordered_on=date(2020, 1, 15))
    assert loaded.state is CaseState.SHUTDOWN_ORDERED


SUPERSEDABLE = {CaseState.RECTIFYING}
"""Still about rectification: a shutdown ordered by another agency supersedes the case (被替代)."""


@pytest.mark.parametrize("state", list(CaseState))
def test_a_shutdown_elsewhere_supersedes_only_rectification(
    state: CaseState, supersession: CheckSupersession
) -> None:
    supersession(case_in(state), state, state in SUPERSEDABLE, lambda c: c.next_deadline)
