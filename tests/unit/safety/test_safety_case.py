"""The enforcement case (停产停业整顿 → 提请关闭 → 关闭 → 吊销证照): every legal and illegal
transition, and what its events carry."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest
from supersession_examples import CheckSupersession

from phaseout_safety.domain.acts import SuspensionOrder
from phaseout_safety.domain.case import SuspensionCase, refuse_second_case
from phaseout_safety.domain.catalogue import CLOSE, REVOKE, SUSPEND, table4
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.safety import (
    CaseClosed,
    CaseOverdue,
    CaseRevivalFound,
    CaseState,
    ClosureDecided,
    ClosureDeclined,
    ClosureRequested,
    FindingVerdict,
    Licence,
    LicencesRevoked,
    Outcome,
    ReinspectionFailed,
    SuspensionLifted,
    SuspensionOrdered,
)
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.facts import Site
from phaseout_shared.reference import District, Industry

S = CaseState
CASE_ID = UUID("00000000-0000-4000-8000-000000000021")
INSPECTION_ID = UUID("00000000-0000-4000-8000-000000000020")
USCC = "91440300708461136T"
ORDERED = date(2019, 6, 3)
RECTIFY_BY = date(2019, 7, 3)
LATER = date(2019, 8, 1)
NEW_PERIOD = date(2019, 10, 1)
GROUND = FindingVerdict(
    kind="conditions_below_national_standard",
    description="煤气区域未设固定式报警仪",
    reference="GB 6222-2005 第 4.2 条",
    outcome=Outcome.SUSPEND,
    rule=SUSPEND,
    basis="…",
)
ORDER = SuspensionOrder(
    item="1 号高炉", capacity_amount=Decimal("350000"), capacity_unit="t/a", rectify_by=RECTIFY_BY
)
LICENCE = Licence(
    name="安全生产许可证", number="(粤)WH安许证字[2017]0001", authority="市应急管理局"
)


def ordered(
    order: SuspensionOrder = ORDER, grounds: tuple[FindingVerdict, ...] = (GROUND,)
) -> SuspensionCase:
    return SuspensionCase.order(
        CASE_ID,
        site=Site(USCC, District.LONGGANG, Industry.STEEL),
        inspection_id=INSPECTION_ID,
        grounds=grounds,
        order=order,
        ordered_on=ORDERED,
        catalogue_version=table4().version,
    )


STEPS: dict[CaseState, Callable[[SuspensionCase], object]] = {
    S.OVERDUE: lambda c: c.mark_overdue(date(2019, 7, 4)),
    S.LIFTED: lambda c: c.reinspect(ORDERED, passed=True),
    S.STILL_UNSAFE: lambda c: c.reinspect(ORDERED, passed=False, reasons=["仍未安装"]),
    S.CLOSURE_REQUESTED: lambda c: c.request_closure(District.LONGGANG, ORDERED),
    S.CLOSURE_DECIDED: lambda c: c.decide_closure("深龙府〔2019〕12 号", ORDERED),
    S.CLOSED: lambda c: c.close("断电、拆除炉体", ORDERED),
    S.REVOKED: lambda c: c.revoke_licences([LICENCE], ORDERED),
}
PATH = {
    S.SUSPENDED: [],
    S.OVERDUE: [S.OVERDUE],
    S.LIFTED: [S.LIFTED],
    S.STILL_UNSAFE: [S.STILL_UNSAFE],
    S.CLOSURE_REQUESTED: [S.STILL_UNSAFE, S.CLOSURE_REQUESTED],
    S.CLOSURE_DECIDED: [S.STILL_UNSAFE, S.CLOSURE_REQUESTED, S.CLOSURE_DECIDED],
    S.CLOSED: [S.STILL_UNSAFE, S.CLOSURE_REQUESTED, S.CLOSURE_DECIDED, S.CLOSED],
    S.REVOKED: [
        S.STILL_UNSAFE,
        S.CLOSURE_REQUESTED,
        S.CLOSURE_DECIDED,
        S.CLOSED,
        S.REVOKED,
    ],
}


def case_in(state: CaseState) -> SuspensionCase:
    case = ordered()
    for step in PATH[state]:
        STEPS[step](case)
    case.pull_events()
    assert case.state is state
    return case


Action = Callable[[SuspensionCase], object]
ACTIONS: dict[str, Action] = {
    "reinspect_passed": lambda c: c.reinspect(LATER, passed=True, note="复查合格"),
    "reinspect_failed": lambda c: c.reinspect(LATER, passed=False, reasons=["报警仪未联网"]),
    "request_closure": lambda c: c.request_closure(District.LONGGANG, LATER),
    "decide_closure": lambda c: c.decide_closure("深龙府〔2019〕12 号", LATER),
    "decline_closure": lambda c: c.decline_closure(
        "深龙府〔2019〕13 号", "已投入整改", NEW_PERIOD, LATER
    ),
    "close": lambda c: c.close("断电、拆除炉体", LATER),
    "revoke_licences": lambda c: c.revoke_licences([LICENCE], LATER),
}
LEGAL: dict[tuple[str, CaseState], tuple[CaseState, type[EventPayload]]] = {
    ("reinspect_passed", S.SUSPENDED): (S.LIFTED, SuspensionLifted),
    ("reinspect_passed", S.OVERDUE): (S.LIFTED, SuspensionLifted),
    ("reinspect_failed", S.SUSPENDED): (S.STILL_UNSAFE, ReinspectionFailed),
    ("reinspect_failed", S.OVERDUE): (S.STILL_UNSAFE, ReinspectionFailed),
    ("request_closure", S.STILL_UNSAFE): (S.CLOSURE_REQUESTED, ClosureRequested),
    ("decide_closure", S.CLOSURE_REQUESTED): (S.CLOSURE_DECIDED, ClosureDecided),
    ("decline_closure", S.CLOSURE_REQUESTED): (S.SUSPENDED, ClosureDeclined),
    ("close", S.CLOSURE_DECIDED): (S.CLOSED, CaseClosed),
    ("revoke_licences", S.CLOSED): (S.REVOKED, LicencesRevoked),
}
PAIRS = [(a, s) for a in ACTIONS for s in S]


@pytest.mark.parametrize(("action", "state"), [p for p in PAIRS if p in LEGAL])
def test_legal_transitions_move_and_record_one_event(action: str, state: CaseState) -> None:
    case = case_in(state)
    ACTIONS[action](case)
    target, kind = LEGAL[action, state]
    assert case.state is target
    *caught_up, event = case.pull_events()
    # LATER is past the period: a suspended case is overdue that day, and the act records it
    late = state is S.SUSPENDED and action.startswith("reinspect")
    assert [type(e) for e in caught_up] == ([CaseOverdue] if late else [])
    assert isinstance(event, kind)
    assert (event.case_id, event.state, event.deadline, event.effective_on) == (  # type: ignore[attr-defined]
        CASE_ID,
        target,
        case.deadline,
        LATER,
    )


@pytest.mark.parametrize(("action", "state"), [p for p in PAIRS if p not in LEGAL])
def test_illegal_transitions_are_conflicts_that_change_nothing(
    action: str, state: CaseState
) -> None:
    case = case_in(state)
    before = case.model_dump()
    with pytest.raises(Conflict) as error:
        ACTIONS[action](case)
    assert error.value.field == "state" and str(state) in error.value.reason
    assert case.model_dump() == before
    assert case.pull_events() == []


def test_the_order_is_suspension_at_once_with_its_legal_basis_and_period() -> None:
    case = ordered()
    (event,) = case.pull_events()
    assert isinstance(event, SuspensionOrdered)
    assert (event.state, event.deadline, event.rule, event.rectify_by) == (
        S.SUSPENDED,
        RECTIFY_BY,
        SUSPEND,
        RECTIFY_BY,
    )
    assert "依法责令立即停产停业整顿" in event.basis and event.grounds == (GROUND,)
    assert (event.item, event.capacity_amount, event.capacity_unit) == ("1 号高炉", 350000, "t/a")


@pytest.mark.parametrize(
    ("order", "grounds", "field"),
    [
        (ORDER.model_copy(update={"rectify_by": ORDERED}), (GROUND,), "suspension.rectify_by"),
        (ORDER, (), "findings"),
        (ORDER, (GROUND.model_copy(update={"outcome": Outcome.RECTIFY_HAZARD}),), "findings"),
        (ORDER.model_copy(update={"item": "  "}), (GROUND,), "suspension.item"),
        (ORDER.model_copy(update={"capacity_unit": " "}), (GROUND,), "suspension.capacity_unit"),
    ],
)
def test_a_bad_order_is_refused_naming_the_field(
    order: SuspensionOrder, grounds: tuple[FindingVerdict, ...], field: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        ordered(order, grounds)
    assert error.value.field == field


def test_overdue_once_from_the_day_after_the_period() -> None:
    case = case_in(S.SUSPENDED)
    assert not case.mark_overdue(RECTIFY_BY)
    assert case.mark_overdue(LATER)
    (event,) = case.pull_events()
    assert isinstance(event, CaseOverdue)
    assert (event.effective_on, event.missed_deadline, event.deadline) == (
        date(2019, 7, 4),
        RECTIFY_BY,
        RECTIFY_BY,
    )
    assert not case.mark_overdue(date(2019, 12, 31))
    assert case.pull_events() == []


@pytest.mark.parametrize("state", [s for s in S if s is not S.SUSPENDED])
def test_only_a_suspended_case_becomes_overdue(state: CaseState) -> None:
    case = case_in(state)
    assert not case.mark_overdue(date(2030, 1, 1))
    assert case.state is state and case.pull_events() == []


def test_a_declined_closure_goes_on_suspended_to_a_new_period() -> None:
    case = case_in(S.CLOSURE_REQUESTED)
    case.decline_closure("深龙府〔2019〕13 号", "已投入整改", NEW_PERIOD, LATER)
    (event,) = case.pull_events()
    assert isinstance(event, ClosureDeclined)
    assert (case.state, case.deadline, event.deadline, event.government) == (
        S.SUSPENDED,
        NEW_PERIOD,
        NEW_PERIOD,
        District.LONGGANG,
    )
    assert case.mark_overdue(date(2019, 10, 2))


def test_the_decision_to_close_may_set_the_closure_date_as_the_deadline() -> None:
    case = case_in(S.CLOSURE_REQUESTED)
    case.decide_closure("深龙府〔2019〕12 号", LATER, close_by=date(2019, 9, 30))
    (event,) = case.pull_events()
    assert isinstance(event, ClosureDecided)
    assert event.deadline == event.close_by == date(2019, 9, 30)


def test_the_closure_carries_what_the_exit_list_counts() -> None:
    case = case_in(S.CLOSURE_DECIDED)
    case.close("断电、拆除炉体，现场核查", LATER)
    (event,) = case.pull_events()
    assert isinstance(event, CaseClosed)
    assert (event.item, event.capacity_amount, event.capacity_unit) == ("1 号高炉", 350000, "t/a")
    assert (event.rule, event.catalogue_version, event.deadline) == (CLOSE, "2019.1", None)
    assert (event.government, event.document) == (District.LONGGANG, "深龙府〔2019〕12 号")
    assert "提请政府予以关闭" in event.basis and case.closed_on == LATER


def test_the_closure_request_names_the_government_and_the_rule() -> None:
    case = case_in(S.STILL_UNSAFE)
    case.request_closure("city", LATER, note=" 报市政府 ")
    (event,) = case.pull_events()
    assert isinstance(event, ClosureRequested)
    assert (event.government, event.rule, event.note, event.deadline) == (
        "city",
        CLOSE,
        "报市政府",
        None,
    )


def test_the_revocation_names_each_licence_and_the_rule() -> None:
    case = case_in(S.CLOSED)
    case.revoke_licences([LICENCE], LATER)
    (event,) = case.pull_events()
    assert isinstance(event, LicencesRevoked)
    assert (event.licences, event.rule) == ((LICENCE,), REVOKE)


@pytest.mark.parametrize(
    ("state", "act", "field"),
    [
        (S.SUSPENDED, lambda c: c.reinspect(LATER, passed=True, reasons=["x"]), "reasons"),
        (S.SUSPENDED, lambda c: c.reinspect(LATER, passed=False, reasons=[" "]), "reasons"),
        (S.SUSPENDED, lambda c: c.reinspect(date(2019, 6, 2), passed=True), "effective_on"),
        (S.CLOSURE_REQUESTED, lambda c: c.decide_closure(" ", LATER), "document"),
        (
            S.CLOSURE_REQUESTED,
            lambda c: c.decide_closure("文号", LATER, close_by=date(2019, 7, 1)),
            "close_by",
        ),
        (
            S.CLOSURE_REQUESTED,
            lambda c: c.decline_closure("文号", "理由", LATER, LATER),
            "rectify_by",
        ),
        (S.CLOSURE_REQUESTED, lambda c: c.decline_closure("文号", "", NEW_PERIOD, LATER), "reason"),
        (S.CLOSURE_DECIDED, lambda c: c.close("  ", LATER), "description"),
        (S.CLOSED, lambda c: c.revoke_licences([], LATER), "licences"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(
    state: CaseState, act: Action, field: str
) -> None:
    case = case_in(state)
    before = case.model_dump()
    expected = Conflict if field == "effective_on" else InvalidInput  # a date before the last act
    with pytest.raises(expected) as error:
        act(case)
    assert error.value.field == field
    assert case.model_dump() == before and case.pull_events() == []


def test_one_active_case_per_enterprise() -> None:
    with pytest.raises(Conflict) as error:
        refuse_second_case([case_in(S.CLOSURE_REQUESTED)], USCC)
    assert error.value.rule == "safety.case.one_active_case"
    for state in (S.LIFTED, S.CLOSED, S.REVOKED):
        refuse_second_case([case_in(state)], USCC)


SUPERSEDABLE = {CaseState.SUSPENDED, CaseState.OVERDUE}
"""Still about rectification: a shutdown ordered by another agency supersedes the case (被替代)."""


@pytest.mark.parametrize("state", list(CaseState))
def test_a_shutdown_elsewhere_supersedes_only_rectification(
    state: CaseState, supersession: CheckSupersession
) -> None:
    supersession(case_in(state), state, state in SUPERSEDABLE, lambda c: c.deadline)


@pytest.mark.parametrize("state", [S.CLOSED, S.REVOKED])
def test_closed_capacity_found_running_is_revived_until_closed_again(state: CaseState) -> None:
    """死灰复燃: mem's check confirming a revival puts the case back to the closure decided;
    the event names what had closed, when and under which rule; it may be closed again."""
    case = case_in(state)
    alert = UUID("00000000-0000-4000-8000-000000000099")
    with pytest.raises(InvalidInput) as refused:
        case.find_revival(" ", LATER, alert_id=alert)
    assert refused.value.field == "findings" and case.state is state
    case.find_revival(" 现场检查：1 号高炉恢复生产 ", LATER, alert_id=alert)
    assert (case.state, case.deadline) == (S.CLOSURE_DECIDED, None)
    (found,) = case.pull_events()
    assert isinstance(found, CaseRevivalFound)
    assert (found.state, found.effective_on, found.closed_on, found.alert_id) == (
        S.CLOSURE_DECIDED,
        LATER,
        ORDERED,
        alert,
    )
    assert (found.rule, found.item, found.findings) == (
        CLOSE,
        case.item,
        "现场检查：1 号高炉恢复生产",
    )
    assert found.basis == table4().basis(CLOSE)
    case.close("再次断电、拆除炉体", NEW_PERIOD)
    assert case.state is S.CLOSED


@pytest.mark.parametrize("state", [s for s in S if s not in (S.CLOSED, S.REVOKED)])
def test_only_closed_capacity_can_be_found_revived(state: CaseState) -> None:
    case = case_in(state)
    with pytest.raises(Conflict) as refused:
        case.find_revival("恢复生产", LATER)
    assert refused.value.rule == "lifecycle.find_revival" and case.state is state
