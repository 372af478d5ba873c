"""The environment case: every legal and illegal transition, and what each event carries."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from environment_examples import (
    CASE_ID,
    FOUND,
    GOVERNMENT,
    USCC,
    closed_case,
    kiln_nox,
    open_case,
    propose,
)
from supersession_examples import CheckSupersession

from phaseout_environment.domain.case import EnvironmentCase
from phaseout_environment.domain.violation import over_the_limit
from phaseout_shared.contracts import environment as ev
from phaseout_shared.contracts.environment import CaseState, ClosureOrderKind, Measure
from phaseout_shared.domain.errors import Conflict, InvalidInput

S = CaseState
LATER = date(2019, 7, 1)
DEADLINE = date(2019, 9, 30)


def case_in(state: CaseState, due: date = date(2019, 6, 20)) -> EnvironmentCase:
    """A case brought to `state`, every act on the day it was found; a measure due by `due`."""
    if state in (S.CLOSED,):
        return closed_case()
    case = open_case()
    steps: dict[CaseState, list[Callable[[EnvironmentCase], object]]] = {
        S.OPEN: [],
        S.PRODUCTION_RESTRICTED: [
            lambda c: c.order_measure(Measure.RESTRICT_PRODUCTION, due, FOUND)
        ],
        S.SUSPENDED_FOR_RECTIFICATION: [
            lambda c: c.order_measure(Measure.SUSPEND_FOR_RECTIFICATION, due, FOUND)
        ],
        S.OVERDUE: [restrict, lambda c: c.mark_overdue(date(2019, 6, 30))],
        S.RECTIFIED: [restrict, lambda c: c.accept_rectification(FOUND)],
        S.CLOSURE_PROPOSED: [lambda c: propose(c, FOUND)],
        S.CLOSURE_APPROVED: [lambda c: propose(c, FOUND), approve],
    }
    for step in steps[state]:
        step(case)
    case.pull_events()
    assert case.state is state
    return case


def restrict(case: EnvironmentCase) -> None:
    case.order_measure(Measure.RESTRICT_PRODUCTION, date(2019, 6, 20), FOUND)


def suspend(case: EnvironmentCase) -> None:
    case.order_measure(Measure.SUSPEND_FOR_RECTIFICATION, date(2019, 6, 20), FOUND)


def approve(case: EnvironmentCase) -> None:
    case.approve_closure(government=GOVERNMENT, approved_by="区长", effective_on=FOUND)


Action = Callable[[EnvironmentCase], object]
ACTIONS: dict[str, Action] = {
    "restrict_production": lambda c: c.order_measure(Measure.RESTRICT_PRODUCTION, DEADLINE, LATER),
    "suspend_for_rectification": lambda c: c.order_measure(
        Measure.SUSPEND_FOR_RECTIFICATION, DEADLINE, LATER
    ),
    "accept_rectification": lambda c: c.accept_rectification(date(2019, 6, 20)),
    "propose_closure": lambda c: propose(c, LATER),
    "approve_closure": lambda c: c.approve_closure(
        government=GOVERNMENT, approved_by="区长", effective_on=LATER, document="宝府批〔2019〕7号"
    ),
    "reject_closure": lambda c: c.reject_closure(
        government=GOVERNMENT, reason="rectification still possible", effective_on=LATER
    ),
    "order_closure": lambda c: c.order_closure(
        order=ClosureOrderKind.CLOSE, effective_on=LATER, close_by=DEADLINE
    ),
    "recheck_clear": lambda c: c.recheck(
        found_running=False, findings="still closed", effective_on=LATER
    ),
    "reopen": lambda c: c.recheck(found_running=True, findings="running again", effective_on=LATER),
}
LEGAL = {
    (S.OPEN, "restrict_production"): (S.PRODUCTION_RESTRICTED, ev.MeasureOrdered),
    (S.OPEN, "suspend_for_rectification"): (S.SUSPENDED_FOR_RECTIFICATION, ev.MeasureOrdered),
    (S.PRODUCTION_RESTRICTED, "suspend_for_rectification"): (
        S.SUSPENDED_FOR_RECTIFICATION,
        ev.MeasureOrdered,
    ),
    (S.OVERDUE, "suspend_for_rectification"): (S.SUSPENDED_FOR_RECTIFICATION, ev.MeasureOrdered),
    (S.PRODUCTION_RESTRICTED, "accept_rectification"): (S.RECTIFIED, ev.CaseRectified),
    (S.SUSPENDED_FOR_RECTIFICATION, "accept_rectification"): (S.RECTIFIED, ev.CaseRectified),
    (S.OPEN, "propose_closure"): (S.CLOSURE_PROPOSED, ev.ClosureProposed),
    (S.PRODUCTION_RESTRICTED, "propose_closure"): (S.CLOSURE_PROPOSED, ev.ClosureProposed),
    (S.SUSPENDED_FOR_RECTIFICATION, "propose_closure"): (S.CLOSURE_PROPOSED, ev.ClosureProposed),
    (S.OVERDUE, "propose_closure"): (S.CLOSURE_PROPOSED, ev.ClosureProposed),
    (S.CLOSURE_PROPOSED, "approve_closure"): (S.CLOSURE_APPROVED, ev.ClosureApproved),
    (S.CLOSURE_PROPOSED, "reject_closure"): (S.OPEN, ev.ClosureRejected),
    (S.CLOSURE_APPROVED, "order_closure"): (S.CLOSED, ev.ClosureOrdered),
    (S.CLOSED, "recheck_clear"): (S.CLOSED, ev.CaseRechecked),
    (S.CLOSED, "reopen"): (S.OPEN, ev.CaseReopened),
}
SUPERSEDABLE = {S.OPEN, S.PRODUCTION_RESTRICTED, S.SUSPENDED_FOR_RECTIFICATION, S.OVERDUE}
"""Still about rectification: another agency's shutdown supersedes them (tests/unit/shared)."""
EVERY = [(state, action) for state in CaseState for action in ACTIONS]


@pytest.mark.parametrize(("state", "action"), EVERY, ids=[f"{s}-{a}" for s, a in EVERY])
def test_every_transition_is_legal_or_refused(state: CaseState, action: str) -> None:
    # a measure due after every act here; acts past a deadline: test_environment_lifecycle
    case = case_in(state, due=DEADLINE)
    legal = LEGAL.get((state, action))
    if legal is None:
        with pytest.raises(Conflict) as refused:
            ACTIONS[action](case)
        assert refused.value.field == "state" and str(state) in refused.value.reason
        assert case.state is state and case.pull_events() == []
        return
    ACTIONS[action](case)
    target, event_type = legal
    (event,) = case.pull_events()
    assert case.state is target and isinstance(event, event_type)
    assert (event.case_id, event.uscc, event.state) == (CASE_ID, USCC, target)
    assert event.deadline == case.next_deadline
    assert event.effective_on in (LATER, date(2019, 6, 20))


@pytest.mark.parametrize("state", list(CaseState))
def test_allowed_actions_follow_the_table(state: CaseState) -> None:
    allowed = set(case_in(state).allowed_actions())
    # mark_overdue is the sweep's, not an officer's act; it is tested on its own below
    supersede = {"supersede"} if state in SUPERSEDABLE else set()
    assert allowed - {"mark_overdue"} == {a for s, a in LEGAL if s is state} | supersede


def test_opening_records_the_ground_and_its_legal_basis() -> None:
    case = open_case()
    (event,) = case.pull_events()
    assert isinstance(event, ev.CaseOpened)
    assert (event.state, event.deadline, event.effective_on) == (S.OPEN, None, FOUND)
    assert (event.violation, event.rule, event.catalogue_version) == (
        ev.ViolationKind.OVER_EMISSION_STANDARD,
        "gb4915.kiln.nox",
        "1",
    )
    assert "320" in event.basis and event.industry == "cement" and event.district == "baoan"


def test_a_within_limit_measurement_is_no_violation() -> None:
    with pytest.raises(Conflict, match="no violation"):
        over_the_limit(kiln_nox("320"), "fine", FOUND, "m-2")


def test_a_measure_carries_its_deadline() -> None:
    case = case_in(S.OPEN)
    case.order_measure(Measure.RESTRICT_PRODUCTION, DEADLINE, LATER, "two kilns of four")
    (event,) = case.pull_events()
    assert isinstance(event, ev.MeasureOrdered)
    assert (event.deadline, event.measure, event.description) == (
        DEADLINE,
        Measure.RESTRICT_PRODUCTION,
        "two kilns of four",
    )


@pytest.mark.parametrize("deadline", [LATER, date(2019, 6, 30)])
def test_a_deadline_comes_after_the_order(deadline: date) -> None:
    with pytest.raises(InvalidInput) as refused:
        case_in(S.OPEN).order_measure(Measure.RESTRICT_PRODUCTION, deadline, LATER)
    assert refused.value.field == "deadline"


def test_no_act_may_precede_the_last_one() -> None:
    case = case_in(S.OPEN)
    with pytest.raises(InvalidInput) as refused:
        case.order_measure(Measure.RESTRICT_PRODUCTION, DEADLINE, date(2019, 6, 2))
    assert refused.value.field == "effective_on" and case.state is S.OPEN


def test_rectification_after_the_deadline_is_refused_as_overdue() -> None:
    case = case_in(S.PRODUCTION_RESTRICTED)
    with pytest.raises(Conflict) as refused:
        case.accept_rectification(date(2019, 6, 21))
    assert refused.value.rule == "environment.case.rectified_by_the_deadline"
    case.accept_rectification(date(2019, 6, 20), note="SCR installed")
    assert case.state is S.RECTIFIED


@pytest.mark.parametrize("state", [S.PRODUCTION_RESTRICTED, S.SUSPENDED_FOR_RECTIFICATION])
def test_overdue_is_marked_once_the_day_after_the_deadline(state: CaseState) -> None:
    case = case_in(state)
    assert case.mark_overdue(date(2019, 6, 20)) is False and case.pull_events() == []
    assert case.is_overdue(date(2019, 6, 21))
    assert case.mark_overdue(date(2019, 8, 1)) is True
    (event,) = case.pull_events()
    assert isinstance(event, ev.CaseOverdue)
    assert (event.effective_on, event.missed_deadline) == (date(2019, 6, 21), date(2019, 6, 20))
    assert (event.state, event.deadline) == (S.OVERDUE, None)
    assert case.mark_overdue(date(2019, 9, 1)) is False and case.pull_events() == []
    assert case.deadline == date(2019, 6, 20)


@pytest.mark.parametrize("state", [S.OPEN, S.RECTIFIED, S.CLOSURE_PROPOSED, S.CLOSED])
def test_a_case_not_under_a_measure_is_never_marked_overdue(state: CaseState) -> None:
    case = case_in(state)
    assert case.mark_overdue(date(2020, 6, 1)) is False and case.state is state


def test_only_the_government_asked_decides_on_the_closure() -> None:
    case = case_in(S.CLOSURE_PROPOSED)
    with pytest.raises(InvalidInput) as refused:
        case.approve_closure(government="罗湖区人民政府", approved_by="x", effective_on=LATER)
    assert refused.value.field == "government" and case.state is S.CLOSURE_PROPOSED
    with pytest.raises(InvalidInput) as blank:
        case.approve_closure(government=GOVERNMENT, approved_by=" ", effective_on=LATER)
    assert blank.value.field == "approved_by"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"capacity_amount": Decimal(0)}, "capacity_amount"),
        ({"capacity_amount": Decimal("-1")}, "capacity_amount"),
        ({"capacity_unit": " "}, "capacity_unit"),
        ({"item": ""}, "item"),
        ({"government": ""}, "government"),
        ({"grounds": "  "}, "grounds"),
    ],
)
def test_a_closure_proposal_names_what_closes_and_who_approves(
    change: dict[str, object], field: str
) -> None:
    arguments: dict[str, object] = {
        "government": GOVERNMENT,
        "grounds": "serious",
        "scope": ev.ClosureScope.ENTERPRISE,
        "item": "the whole plant",
        "capacity_amount": Decimal("1"),
        "capacity_unit": "t/a",
        "effective_on": LATER,
        **change,
    }
    case = case_in(S.OPEN)
    with pytest.raises(InvalidInput) as refused:
        case.propose_closure(**arguments)  # type: ignore[arg-type]
    assert refused.value.field == field and case.state is S.OPEN


def test_the_closure_order_carries_what_the_exit_list_counts() -> None:
    case = case_in(S.CLOSURE_APPROVED)
    case.order_closure(order=ClosureOrderKind.CEASE_BUSINESS, effective_on=LATER, close_by=DEADLINE)
    (event,) = case.pull_events()
    assert isinstance(event, ev.ClosureOrdered)
    assert event.event_type == "phaseout.environment.closure.ordered.v1"
    assert (event.state, event.deadline, event.order) == (
        S.CLOSED,
        DEADLINE,
        ClosureOrderKind.CEASE_BUSINESS,
    )
    assert (event.item, event.capacity_amount, event.capacity_unit) == (
        "2# clinker line",
        Decimal("1200000"),
        "t/a",
    )
    assert (event.rule, event.catalogue_version) == ("gb4915.kiln.nox", "1")
    assert (event.government, event.approved_by, event.approved_on) == (GOVERNMENT, "区长", FOUND)


def test_close_by_cannot_precede_the_order() -> None:
    with pytest.raises(InvalidInput) as refused:
        case_in(S.CLOSURE_APPROVED).order_closure(
            order=ClosureOrderKind.CLOSE, effective_on=LATER, close_by=FOUND
        )
    assert refused.value.field == "close_by"


def test_a_rejected_closure_goes_back_to_measures_and_needs_a_new_approval() -> None:
    case = case_in(S.CLOSURE_PROPOSED)
    case.reject_closure(government=GOVERNMENT, reason="not serious enough", effective_on=LATER)
    assert case.state is S.OPEN and case.decisions[-1].approved is False
    with pytest.raises(Conflict):
        case.order_closure(order=ClosureOrderKind.CLOSE, effective_on=LATER)


def test_a_recheck_that_finds_it_running_reopens_the_case() -> None:
    case = closed_case()
    case.recheck(found_running=False, findings="gates sealed", effective_on=LATER)
    case.recheck(found_running=True, findings="kiln fired at night", effective_on=date(2019, 8, 1))
    clear, reopened = case.pull_events()
    assert isinstance(clear, ev.CaseRechecked) and clear.state is S.CLOSED
    assert isinstance(reopened, ev.CaseReopened) and reopened.state is S.OPEN
    assert (reopened.item, reopened.capacity_amount, reopened.rule) == (
        "2# clinker line",
        Decimal("1200000"),
        "gb4915.kiln.nox",
    )
    assert case.reopened and [r.found_running for r in case.rechecks] == [False, True]
    with pytest.raises(InvalidInput) as blank:
        closed_case().recheck(found_running=True, findings=" ", effective_on=LATER)
    assert blank.value.field == "findings"


@pytest.mark.parametrize("state", list(CaseState))
def test_a_shutdown_elsewhere_supersedes_only_rectification(
    state: CaseState, supersession: CheckSupersession
) -> None:
    supersession(case_in(state), state, state in SUPERSEDABLE, lambda c: c.next_deadline)
