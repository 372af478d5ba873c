"""Quality: the order to stop and rectify stands until lifted, and overdue is a fact of the date.

依法责令其停止生产并限期整改；对逾期不改正或经整改复查仍不合格的，依法依规吊销相关证照
(docs/domain.md, sections 1–3).
"""

from collections.abc import Callable
from datetime import date

import pytest
from lifecycle_checks import (
    Effect,
    Order,
    check_order_after,
    check_same_with_and_without_sweep,
    order_transitions,
)
from quality_examples import DEADLINE, licence, quiet_case
from supersession_examples import SHUTDOWN

from phaseout_quality.domain.case import LIFECYCLE, QualityCase
from phaseout_shared.contracts.quality import (
    CaseOverdue,
    CaseState,
    LicencesRevoked,
    RevocationReason,
)
from phaseout_shared.domain.supersession import SUPERSEDED

S = CaseState
WITHIN = date(2019, 8, 20)
SWEPT = date(2019, 9, 5)
PAST = date(2019, 9, 10)
DECISION = "深市监罚〔2019〕12 号"


def _then(case: QualityCase, *steps: Callable[[QualityCase], object]) -> QualityCase:
    for step in steps:
        step(case)
    case.pull_events()
    return case


BUILD: dict[object, Callable[[], QualityCase]] = {
    S.RECTIFYING: quiet_case,
    S.OVERDUE: lambda: _then(quiet_case(), lambda c: c.mark_overdue(SWEPT)),
    SUPERSEDED: lambda: _then(quiet_case(), lambda c: c.supersede(SHUTDOWN)),
}
"""A case in each state with the order in force: stop and rectify by DEADLINE."""


def day(case: QualityCase) -> date:
    return max(WITHIN, case.last_act_on)


ACTS: dict[str, Callable[[QualityCase], object]] = {
    "rectify": lambda c: c.reinspect(passed=True, effective_on=day(c)),
    "fail_reinspection": lambda c: c.reinspect(
        passed=False, failed_items=["屈服强度"], effective_on=day(c)
    ),
    "mark_overdue": lambda c: c.mark_overdue(SWEPT),
    "revoke_licences": lambda c: c.revoke_licences([licence()], DECISION, day(c)),
    "supersede": lambda c: c.supersede(SHUTDOWN),
    "resume": lambda c: c.resume("关停决定已撤销", day(c)),
}
EFFECT: dict[str, Effect] = {
    "rectify": "changes",
    "fail_reinspection": "changes",
    "mark_overdue": "keeps",
    "revoke_licences": "changes",
    "supersede": "keeps",
    "resume": "keeps",
}
"""The re-inspection ends the order (rectified, or licences to revoke); the revocation closes
the case; nothing else touches the order or its deadline."""


def order(case: QualityCase) -> Order:
    state = case.state
    if state is SUPERSEDED:
        state = CaseState(case.supersessions[-1].previous_state)
    if state in (S.RECTIFYING, S.OVERDUE):
        return ("停止生产并限期整改", case.product, case.rectify_by)
    return None


PAIRS = order_transitions(LIFECYCLE, list(BUILD), EFFECT)


@pytest.mark.parametrize(("state", "action"), PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_the_order_and_its_deadline_stand_until_lifted(state: object, action: str) -> None:
    case = BUILD[state]()
    assert case.state == state
    check_order_after(case, ACTS[action], order, EFFECT[action])


def state_on(case: QualityCase, on: date) -> object:
    return case.state_on(on)


PAST_DEADLINE: dict[str, tuple[Callable[[QualityCase], object], str]] = {
    "revoke_licences": (lambda c: c.revoke_licences([licence()], DECISION, PAST), "done"),
    "revoke_outside_the_register": (
        lambda c: c.revoke_licences([], DECISION, PAST, other_licences=["排污许可证 No.1"]),
        "done",
    ),
    "revoke_naming_nothing": (lambda c: c.revoke_licences([], DECISION, PAST), "refused"),
    "reinspection_passed": (lambda c: c.reinspect(passed=True, effective_on=PAST), "refused"),
    "reinspection_failed": (
        lambda c: c.reinspect(passed=False, failed_items=["屈服强度"], effective_on=PAST),
        "refused",
    ),
}


@pytest.mark.parametrize("act", list(PAST_DEADLINE))
def test_an_act_past_the_deadline_is_the_same_with_or_without_the_sweep(act: str) -> None:
    action, expected = PAST_DEADLINE[act]
    outcome = check_same_with_and_without_sweep(
        quiet_case, lambda c: c.mark_overdue(SWEPT), action, PAST, state_on
    )
    assert outcome == expected


def test_revocation_past_the_deadline_without_a_sweep_is_for_the_overdue() -> None:
    case = quiet_case()
    case.revoke_licences([licence()], DECISION, PAST)
    overdue, revoked = case.pull_events()
    assert isinstance(overdue, CaseOverdue) and overdue.missed_deadline == DEADLINE
    assert isinstance(revoked, LicencesRevoked) and revoked.reason is RevocationReason.OVERDUE
    assert (case.state, case.revoked_licences) == (S.REVOKED, ("XK05-001-00001",))


def test_a_case_overdue_on_the_day_of_a_shutdown_elsewhere_is_not_superseded() -> None:
    late = SHUTDOWN.model_copy(update={"effective_on": PAST})
    swept = _then(quiet_case(), lambda c: c.mark_overdue(SWEPT))
    for case in (swept, quiet_case()):
        assert case.supersede(late) is False and case.pull_events() == []
        assert case.state_on(PAST) is S.OVERDUE and case.supersessions == []
