"""Energy: the order to rectify stands until lifted, and overdue is a fact of the date.

应在 6 个月内整改 … 逾期未整改或经整改仍未达标的，依法关停退出 (docs/domain.md, sections 1–2).
"""

from collections.abc import Callable
from datetime import date

import pytest
from energy_examples import open_case, reinspect
from lifecycle_checks import (
    Effect,
    Order,
    check_order_after,
    check_same_with_and_without_sweep,
    order_transitions,
)
from supersession_examples import SHUTDOWN

from phaseout_energy.domain.case import LIFECYCLE, EnergyCase
from phaseout_quality.main import SHUTDOWNS
from phaseout_shared.contracts.energy import CaseOverdue, CaseState, ShutdownOrdered
from phaseout_shared.domain.supersession import SUPERSEDED

S = CaseState
OPENED = date(2019, 8, 31)
DUE = date(2020, 2, 29)
WITHIN = date(2020, 1, 10)
SWEPT = date(2020, 3, 5)
PAST = date(2020, 3, 10)


def _then(case: EnergyCase, *steps: Callable[[EnergyCase], object]) -> EnergyCase:
    for step in steps:
        step(case)
    case.pull_events()
    return case


BUILD: dict[object, Callable[[], EnergyCase]] = {
    S.RECTIFYING: lambda: _then(open_case(OPENED)),
    S.OVERDUE: lambda: _then(open_case(OPENED), lambda c: c.mark_overdue(SWEPT)),
    S.SHUTDOWN_ORDERED: lambda: _then(
        open_case(OPENED),
        lambda c: c.mark_overdue(SWEPT),
        lambda c: c.order_shutdown(ordered_on=SWEPT, exit_by=date(2020, 6, 30)),
    ),
    SUPERSEDED: lambda: _then(open_case(OPENED), lambda c: c.supersede(SHUTDOWN)),
}
"""A case in each state with an order in force: to rectify by DUE, or to shut down and exit."""


def day(case: EnergyCase) -> date:
    return max(WITHIN, case.last_act_on)


ACTS: dict[str, Callable[[EnergyCase], object]] = {
    "grant_extension": lambda c: c.grant_extension(
        applied_on=date(2020, 1, 5), new_deadline=date(2020, 5, 29), granted_on=day(c)
    ),
    "rectify": lambda c: reinspect(c, day(c), "13500"),
    "fail_reinspection": lambda c: reinspect(c, day(c), "13900"),
    "mark_overdue": lambda c: c.mark_overdue(SWEPT),
    "order_shutdown": lambda c: c.order_shutdown(ordered_on=day(c)),
    "verify_shutdown": lambda c: c.verify_shutdown(verified_on=day(c)),
    "supersede": lambda c: c.supersede(SHUTDOWN),
    "resume": lambda c: c.resume("关停决定已撤销", day(c)),
}
EFFECT: dict[str, Effect] = {
    "grant_extension": "changes",
    "rectify": "changes",
    "fail_reinspection": "changes",
    "mark_overdue": "keeps",
    "order_shutdown": "changes",
    "verify_shutdown": "changes",
    "supersede": "keeps",
    "resume": "keeps",
}
"""The extension moves the deadline (an act that says so); a re-inspection ends the order to
rectify, the shutdown order replaces it and the verified shutdown ends it; nothing else."""


def order(case: EnergyCase) -> Order:
    state = case.state
    if state is SUPERSEDED:
        state = CaseState(case.supersessions[-1].previous_state)
    if state in (S.RECTIFYING, S.OVERDUE):
        return ("限期整改", case.deadline.due_on, case.deadline.extended)
    if state is S.SHUTDOWN_ORDERED:
        return ("依法关停退出", case.exit_by)
    return None


PAIRS = order_transitions(LIFECYCLE, list(BUILD), EFFECT)


@pytest.mark.parametrize(("state", "action"), PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_the_order_and_its_deadline_stand_until_lifted(state: object, action: str) -> None:
    case = BUILD[state]()
    assert case.state == state
    check_order_after(case, ACTS[action], order, EFFECT[action])


def state_on(case: EnergyCase, on: date) -> object:
    return case.state_on(on)


PAST_DEADLINE: dict[str, tuple[Callable[[EnergyCase], object], str]] = {
    "order_shutdown": (lambda c: c.order_shutdown(ordered_on=PAST), "done"),
    "timely_extension": (
        lambda c: c.grant_extension(
            applied_on=date(2020, 2, 20), new_deadline=date(2020, 5, 29), granted_on=PAST
        ),
        "done",
    ),
    "late_extension": (
        lambda c: c.grant_extension(
            applied_on=date(2020, 3, 2), new_deadline=date(2020, 5, 29), granted_on=PAST
        ),
        "refused",
    ),
    "reinspection_passed": (lambda c: reinspect(c, PAST, "13500"), "refused"),
    "reinspection_failed": (lambda c: reinspect(c, PAST, "13900"), "refused"),
}


@pytest.mark.parametrize("act", list(PAST_DEADLINE))
def test_an_act_past_the_deadline_is_the_same_with_or_without_the_sweep(act: str) -> None:
    action, expected = PAST_DEADLINE[act]
    outcome = check_same_with_and_without_sweep(
        lambda: open_case(OPENED), lambda c: c.mark_overdue(SWEPT), action, PAST, state_on
    )
    assert outcome == expected


def test_a_shutdown_ordered_past_the_deadline_without_a_sweep_records_the_overdue_first() -> None:
    case = _then(open_case(OPENED))
    case.order_shutdown(ordered_on=PAST, exit_by=date(2020, 6, 30))
    overdue, ordered = case.pull_events()
    assert isinstance(overdue, CaseOverdue) and overdue.effective_on == date(2020, 3, 1)
    assert isinstance(ordered, ShutdownOrdered) and ordered.reason == "overdue"
    assert case.state is S.SHUTDOWN_ORDERED


def test_a_case_overdue_on_the_day_of_a_shutdown_elsewhere_is_not_superseded() -> None:
    late = SHUTDOWN.model_copy(update={"effective_on": PAST})
    swept = _then(open_case(OPENED), lambda c: c.mark_overdue(SWEPT))
    unswept = _then(open_case(OPENED))
    for case in (swept, unswept):
        assert case.supersede(late) is False and case.pull_events() == []
        assert case.state_on(PAST) is S.OVERDUE and case.supersessions == []
    assert unswept.supersede(SHUTDOWN) is True, "before the deadline it is superseded"


def test_samr_hears_of_the_shutdown_from_the_order() -> None:
    case = _then(open_case(OPENED), lambda c: c.mark_overdue(SWEPT))
    case.order_shutdown(ordered_on=PAST)
    (trigger,) = [t for t in SHUTDOWNS if ".energy." in t]
    assert [e.event_type for e in case.pull_events()] == [trigger]
