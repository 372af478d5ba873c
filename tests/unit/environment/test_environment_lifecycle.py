"""Environment: a measure stands until lifted, and overdue is a fact of the date (docs/domain.md).

限制生产 or 停产整治 stays in force, with its deadline, through every transition but the
rectification accepted, a 停产整治 replacing a 限制生产, and the closure order; an act dated past
the deadline has the same outcome whether the overdue sweep ran before it or not.
"""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from environment_examples import FOUND, GOVERNMENT, open_case, propose
from lifecycle_checks import (
    Effect,
    Order,
    check_order_after,
    check_same_with_and_without_sweep,
    order_transitions,
)
from supersession_examples import SHUTDOWN

from phaseout_environment.domain.case import EnvironmentCase
from phaseout_environment.domain.lifecycle import LIFECYCLE
from phaseout_quality.main import SHUTDOWNS
from phaseout_shared.contracts import environment as ev
from phaseout_shared.contracts.environment import CaseState, ClosureOrderKind, Measure
from phaseout_shared.domain.errors import Conflict
from phaseout_shared.domain.supersession import SUPERSEDED

S = CaseState
DUE = date(2019, 7, 31)
WITHIN = date(2019, 7, 10)
PAST = date(2019, 8, 12)
SWEPT = date(2019, 8, 5)


def suspended(on: date = FOUND) -> EnvironmentCase:
    case = open_case()
    case.order_measure(Measure.SUSPEND_FOR_RECTIFICATION, DUE, on, "停产整治 2# 窑")
    return case


def restricted() -> EnvironmentCase:
    case = open_case()
    case.order_measure(Measure.RESTRICT_PRODUCTION, DUE, FOUND)
    return case


def approve(case: EnvironmentCase, on: date = WITHIN) -> None:
    case.approve_closure(government=GOVERNMENT, approved_by="区长", effective_on=on)


def reject(case: EnvironmentCase, on: date = WITHIN) -> None:
    case.reject_closure(government=GOVERNMENT, reason="整改仍有可能", effective_on=on)


BUILD: dict[object, Callable[[], EnvironmentCase]] = {
    S.PRODUCTION_RESTRICTED: restricted,
    S.SUSPENDED_FOR_RECTIFICATION: suspended,
    S.OVERDUE: lambda: _then(suspended(), lambda c: c.mark_overdue(SWEPT)),
    S.CLOSURE_PROPOSED: lambda: _then(suspended(), lambda c: propose(c, FOUND)),
    S.CLOSURE_APPROVED: lambda: _then(
        suspended(), lambda c: propose(c, FOUND), lambda c: approve(c, FOUND)
    ),
    SUPERSEDED: lambda: _then(suspended(), lambda c: c.supersede(SHUTDOWN)),
}
"""A case in each state with a measure in force (停产整治 due by DUE)."""


def _then(case: EnvironmentCase, *steps: Callable[[EnvironmentCase], object]) -> EnvironmentCase:
    for step in steps:
        step(case)
    case.pull_events()
    return case


def later(case: EnvironmentCase) -> date:
    """A day for the act: within the deadline where the case is before it, else the day after."""
    return max(WITHIN, case.last_act_on)


ACTS: dict[str, Callable[[EnvironmentCase], object]] = {
    "restrict_production": lambda c: c.order_measure(
        Measure.RESTRICT_PRODUCTION, date(2019, 10, 31), later(c)
    ),
    "suspend_for_rectification": lambda c: c.order_measure(
        Measure.SUSPEND_FOR_RECTIFICATION, date(2019, 10, 31), later(c)
    ),
    "accept_rectification": lambda c: c.accept_rectification(later(c), "SCR 投运"),
    "mark_overdue": lambda c: c.mark_overdue(SWEPT),
    "propose_closure": lambda c: propose(c, later(c)),
    "approve_closure": lambda c: approve(c, later(c)),
    "reject_closure": lambda c: reject(c, later(c)),
    "order_closure": lambda c: c.order_closure(
        order=ClosureOrderKind.CLOSE, effective_on=later(c), close_by=date(2019, 9, 30)
    ),
    "supersede": lambda c: c.supersede(SHUTDOWN),
    "resume": lambda c: c.resume("关停决定已撤销", later(c)),
}
EFFECT: dict[str, Effect] = {
    "restrict_production": "changes",
    "suspend_for_rectification": "changes",
    "accept_rectification": "changes",
    "mark_overdue": "keeps",
    "propose_closure": "keeps",
    "approve_closure": "keeps",
    "reject_closure": "keeps",
    "order_closure": "changes",
    "supersede": "keeps",
    "resume": "keeps",
}
"""A measure is lifted by the rectification accepted and by the closure order, and replaced by a
new measure; nothing else touches it or its deadline."""


def measure(case: EnvironmentCase) -> Order:
    found = case.measure_in_force
    return None if found is None else (found.measure, found.ordered_on, found.deadline)


PAIRS = order_transitions(LIFECYCLE, list(BUILD), EFFECT)


@pytest.mark.parametrize(("state", "action"), PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_a_measure_and_its_deadline_stand_until_lifted(state: object, action: str) -> None:
    case = BUILD[state]()
    assert case.state == state
    check_order_after(case, ACTS[action], measure, EFFECT[action])


def test_a_refused_closure_goes_back_to_the_suspension_and_its_deadline() -> None:
    case = _then(suspended(), lambda c: propose(c, WITHIN))
    reject(case, date(2019, 7, 20))
    (event,) = case.pull_events()
    assert isinstance(event, ev.ClosureRejected)
    assert (case.state, case.deadline) == (S.SUSPENDED_FOR_RECTIFICATION, DUE)
    assert (event.state, event.deadline) == (S.SUSPENDED_FOR_RECTIFICATION, DUE)
    assert case.is_overdue(DUE + timedelta(days=1))
    case.accept_rectification(DUE, "整改到位")
    assert case.state is S.RECTIFIED


def test_a_closure_refused_after_the_deadline_leaves_the_case_overdue() -> None:
    case = _then(suspended(), lambda c: propose(c, WITHIN))
    reject(case, PAST)
    rejected, overdue = case.pull_events()
    assert isinstance(rejected, ev.ClosureRejected) and rejected.deadline == DUE
    assert isinstance(overdue, ev.CaseOverdue)
    assert (overdue.missed_deadline, overdue.effective_on) == (DUE, PAST)
    assert case.state is S.OVERDUE and case.deadline == DUE
    with pytest.raises(Conflict) as refused:
        case.accept_rectification(PAST)
    assert refused.value.rule == "environment.case.rectified_by_the_deadline"


@pytest.mark.parametrize("proposed_from", [S.OPEN, S.PRODUCTION_RESTRICTED, S.OVERDUE])
def test_a_refused_closure_returns_to_the_state_it_was_proposed_from(
    proposed_from: CaseState,
) -> None:
    case = {
        S.OPEN: open_case,
        S.PRODUCTION_RESTRICTED: restricted,
        S.OVERDUE: lambda: _then(suspended(), lambda c: c.mark_overdue(SWEPT)),
    }[proposed_from]()
    before = measure(case)
    propose(case, later(case))
    reject(case, later(case))
    assert case.state is proposed_from and measure(case) == before


def test_a_closure_order_lifts_the_measure_and_a_reopened_case_starts_without_one() -> None:
    case = _then(suspended(), lambda c: propose(c, WITHIN), approve)
    case.order_closure(order=ClosureOrderKind.CLOSE, effective_on=WITHIN)
    assert case.measure_in_force is None and case.deadline is None
    case.recheck(found_running=True, findings="夜间生产", effective_on=PAST)
    assert case.state is S.OPEN and case.measure_in_force is None


def test_a_proposal_stored_before_its_origin_was_kept_returns_under_its_measure() -> None:
    case = _then(suspended(), lambda c: propose(c, WITHIN))
    stored = case.model_dump(mode="json")
    stored["proposal"].pop("proposed_from")
    loaded = EnvironmentCase.model_validate(stored)
    reject(loaded, WITHIN)
    assert (loaded.state, loaded.deadline) == (S.SUSPENDED_FOR_RECTIFICATION, DUE)


def state_on(case: EnvironmentCase, on: date) -> object:
    return case.state_on(on)


PAST_DEADLINE: dict[str, tuple[Callable[[EnvironmentCase], object], str]] = {
    "suspend_again": (
        lambda c: c.order_measure(Measure.SUSPEND_FOR_RECTIFICATION, date(2019, 9, 30), PAST),
        "done",
    ),
    "propose_closure": (lambda c: propose(c, PAST), "done"),
    "accept_rectification": (lambda c: c.accept_rectification(PAST), "refused"),
    "restrict_production": (
        lambda c: c.order_measure(Measure.RESTRICT_PRODUCTION, date(2019, 9, 30), PAST),
        "refused",
    ),
}


@pytest.mark.parametrize("act", list(PAST_DEADLINE))
@pytest.mark.parametrize("start", [restricted, suspended], ids=["restricted", "suspended"])
def test_an_act_past_the_deadline_is_the_same_with_or_without_the_sweep(
    act: str, start: Callable[[], EnvironmentCase]
) -> None:
    action, expected = PAST_DEADLINE[act]
    assert (
        check_same_with_and_without_sweep(
            start, lambda c: c.mark_overdue(SWEPT), action, PAST, state_on
        )
        == expected
    )


def test_a_shutdown_elsewhere_after_the_deadline_supersedes_the_case_as_overdue() -> None:
    late = SHUTDOWN.model_copy(update={"effective_on": PAST})
    outcome = check_same_with_and_without_sweep(
        suspended, lambda c: c.mark_overdue(SWEPT), lambda c: c.supersede(late), PAST, state_on
    )
    assert outcome == "done"
    case = suspended()
    case.supersede(late)
    assert case.supersessions[-1].previous_state == S.OVERDUE


def test_samr_hears_of_the_closure_from_the_order() -> None:
    case = BUILD[S.CLOSURE_APPROVED]()
    case.order_closure(order=ClosureOrderKind.CLOSE, effective_on=WITHIN)
    (trigger,) = [t for t in SHUTDOWNS if ".environment." in t]
    assert [e.event_type for e in case.pull_events()] == [trigger]
