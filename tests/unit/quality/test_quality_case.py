"""The spot-check case (停止生产并限期整改 → 复查 → 吊销相关证照): every legal and illegal
transition, the deadline, the overdue sweep and the revocation of the related licences."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from quality_examples import (
    CASE_ID,
    CHECKED,
    DEADLINE,
    OTHER_USCC,
    REBAR,
    USCC,
    licence,
    open_case,
    quiet_case,
    spot_check,
)
from supersession_examples import CheckSupersession

from phaseout_quality.domain.case import LIFECYCLE, QualityCase, refuse_second_case
from phaseout_shared.contracts.quality import (
    CaseOpened,
    CaseOverdue,
    CaseRectified,
    CaseState,
    LicencesRevoked,
    ReinspectionFailed,
    RevocationReason,
)
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.supersession import SUPERSEDED

REINSPECTED = date(2019, 8, 20)
SWEPT = date(2019, 9, 5)
REVOKED_ON = date(2019, 9, 10)
DECISION = "深市监罚〔2019〕12 号"


def case_in(state: CaseState) -> QualityCase:
    case = quiet_case()
    if state is CaseState.RECTIFIED:
        case.reinspect(passed=True, effective_on=REINSPECTED)
    elif state is CaseState.REVOCATION_REQUIRED:
        case.reinspect(passed=False, failed_items=["屈服强度"], effective_on=REINSPECTED)
    elif state is CaseState.OVERDUE:
        case.mark_overdue(SWEPT)
    elif state is CaseState.REVOKED:
        case.mark_overdue(SWEPT)
        case.revoke_licences([licence()], DECISION, REVOKED_ON)
    case.pull_events()
    assert case.state is state
    return case


Action = Callable[[QualityCase], object]
ACTIONS: dict[str, Action] = {
    "reinspect_passed": lambda c: c.reinspect(passed=True, effective_on=REINSPECTED),
    "reinspect_failed": lambda c: c.reinspect(
        passed=False, failed_items=["屈服强度"], effective_on=REINSPECTED
    ),
    "revoke_licences": lambda c: c.revoke_licences([licence()], DECISION, REVOKED_ON),
}
LEGAL = {
    (CaseState.RECTIFYING, "reinspect_passed"): (CaseState.RECTIFIED, CaseRectified),
    (CaseState.RECTIFYING, "reinspect_failed"): (
        CaseState.REVOCATION_REQUIRED,
        ReinspectionFailed,
    ),
    (CaseState.REVOCATION_REQUIRED, "revoke_licences"): (CaseState.REVOKED, LicencesRevoked),
    (CaseState.OVERDUE, "revoke_licences"): (CaseState.REVOKED, LicencesRevoked),
    # REVOKED_ON is past the deadline: the rectifying case is overdue that day, swept or not
    (CaseState.RECTIFYING, "revoke_licences"): (CaseState.REVOKED, LicencesRevoked),
}
TABLE_ACTION = {
    "reinspect_passed": "rectify",
    "reinspect_failed": "fail_reinspection",
    "revoke_licences": "revoke_licences",
}
EVERY = [(state, action) for state in CaseState for action in ACTIONS]


def test_opening_orders_stop_and_rectify_with_the_deadline() -> None:
    case = open_case()
    assert (case.state, case.next_deadline, case.rule) == (
        CaseState.RECTIFYING,
        DEADLINE,
        "Q-stop-and-rectify",
    )
    (event,) = case.pull_events()
    assert isinstance(event, CaseOpened)
    assert event.event_type == "phaseout.quality.case.opened.v1"
    assert (event.case_id, event.uscc, event.district, event.industry) == (
        CASE_ID,
        USCC,
        "baoan",
        "steel",
    )
    assert (event.state, event.deadline, event.effective_on) == ("rectifying", DEADLINE, CHECKED)
    assert (event.product, event.failed_items) == (REBAR, ("屈服强度", "重量偏差"))
    assert (event.rule, event.table3_row, event.catalogue_version) == (
        "Q-stop-and-rectify",
        "T3-steel",
        "2019.1",
    )


def test_a_passed_check_opens_no_case() -> None:
    with pytest.raises(Conflict, match="nothing to rectify"):
        QualityCase.open(CASE_ID, spot_check(passed=True, failed_items=[], rectify_by=None))


@pytest.mark.parametrize(("state", "action"), EVERY, ids=[f"{s}-{a}" for s, a in EVERY])
def test_every_transition_is_legal_or_refused(state: CaseState, action: str) -> None:
    case = case_in(state)
    legal = LEGAL.get((state, action))
    if legal is None:
        with pytest.raises(Conflict) as refused:
            ACTIONS[action](case)
        if state is CaseState.OVERDUE and action.startswith("reinspect"):
            # refused as overdue, swept or not: the rule the unswept case was refused by
            assert refused.value.field == "effective_on"
            assert refused.value.rule == "quality.case.reinspection_by_deadline"
        else:
            assert refused.value.field == "state"
            assert refused.value.rule == f"lifecycle.{TABLE_ACTION[action]}"
        assert case.state is state and case.pull_events() == []
        return
    ACTIONS[action](case)
    target, event_type = legal
    assert case.state is target
    events = case.pull_events()
    if (state, action) == (CaseState.RECTIFYING, "revoke_licences"):
        overdue, *events = events
        assert isinstance(overdue, CaseOverdue) and overdue.missed_deadline == DEADLINE
    assert isinstance(events[0], event_type)
    case_event = events[0]
    assert (case_event.case_id, case_event.state) == (CASE_ID, target)  # type: ignore[attr-defined]
    assert case_event.deadline is None  # type: ignore[attr-defined]


def test_the_table_has_exactly_these_transitions() -> None:
    assert LIFECYCLE.allowed_from(CaseState.RECTIFYING) == [
        "rectify",
        "fail_reinspection",
        "mark_overdue",
        "supersede",
    ]
    assert LIFECYCLE.allowed_from(SUPERSEDED) == ["resume"]
    assert LIFECYCLE.allowed_from(CaseState.OVERDUE) == ["revoke_licences"]
    assert LIFECYCLE.allowed_from(CaseState.REVOCATION_REQUIRED) == ["revoke_licences"]
    assert LIFECYCLE.allowed_from(CaseState.RECTIFIED) == []
    assert LIFECYCLE.allowed_from(CaseState.REVOKED) == []


def test_reinspection_on_the_deadline_day_is_in_time() -> None:
    case = quiet_case()
    case.reinspect(passed=True, effective_on=DEADLINE, note="复查合格")
    (event,) = case.pull_events()
    assert isinstance(event, CaseRectified) and event.note == "复查合格"


def test_reinspection_after_the_deadline_is_refused_as_overdue() -> None:
    case = quiet_case()
    with pytest.raises(Conflict) as refused:
        case.reinspect(passed=True, effective_on=DEADLINE + timedelta(days=1))
    assert refused.value.rule == "quality.case.reinspection_by_deadline"
    assert "逾期不改正" in refused.value.reason and case.state is CaseState.RECTIFYING


@pytest.mark.parametrize(
    ("passed", "items", "when", "field"),
    [
        (True, ["屈服强度"], REINSPECTED, "failed_items"),
        (False, [], REINSPECTED, "failed_items"),
        (False, [" "], REINSPECTED, "failed_items[0]"),
        (True, [], CHECKED - timedelta(days=1), "effective_on"),
    ],
)
def test_an_incoherent_reinspection_is_refused(
    passed: bool, items: list[str], when: date, field: str
) -> None:
    case = quiet_case()
    with pytest.raises(InvalidInput) as refused:
        case.reinspect(passed=passed, failed_items=items, effective_on=when)
    assert refused.value.field == field
    assert case.state is CaseState.RECTIFYING and case.pull_events() == []


def test_a_failed_reinspection_requires_revocation() -> None:
    case = case_in(CaseState.REVOCATION_REQUIRED)
    assert case.revocation_reason is RevocationReason.REINSPECTION_FAILED
    assert case.reinspection is not None and case.reinspection.failed_items == ("屈服强度",)


def test_overdue_from_the_day_after_the_deadline_and_announced_once() -> None:
    case = quiet_case()
    assert not case.mark_overdue(DEADLINE) and not case.is_overdue(DEADLINE)
    assert case.is_overdue(DEADLINE + timedelta(days=1))
    assert case.mark_overdue(SWEPT)
    (event,) = case.pull_events()
    assert isinstance(event, CaseOverdue)
    assert (event.state, event.deadline, event.missed_deadline) == ("overdue", None, DEADLINE)
    assert event.effective_on == DEADLINE + timedelta(days=1)
    assert case.revocation_reason is RevocationReason.OVERDUE
    assert not case.mark_overdue(date(2020, 1, 1)) and case.pull_events() == []
    assert case.is_overdue(SWEPT)


@pytest.mark.parametrize("state", [s for s in CaseState if s is not CaseState.RECTIFYING])
def test_mark_overdue_leaves_other_states_alone(state: CaseState) -> None:
    case = case_in(state)
    assert not case.mark_overdue(date(2030, 1, 1))
    assert case.state is state and case.pull_events() == []


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        (CaseState.OVERDUE, RevocationReason.OVERDUE),
        (CaseState.REVOCATION_REQUIRED, RevocationReason.REINSPECTION_FAILED),
    ],
)
def test_revocation_revokes_the_related_licences(
    state: CaseState, reason: RevocationReason
) -> None:
    case, held = case_in(state), licence()
    case.revoke_licences([held], DECISION, REVOKED_ON)
    revoked, licence_event = case.pull_events(), held.pull_events()
    assert isinstance(revoked[0], LicencesRevoked)
    assert revoked[0].licence_numbers == (held.number,) and revoked[0].reason is reason
    assert (revoked[0].decision, revoked[0].rule) == (DECISION, "Q-revoke-licences")
    assert held.status == "revoked" and held.revoking_case_id == CASE_ID
    assert licence_event[0].event_type == "phaseout.quality.licence.revoked.v1"
    assert case.revoked_licences == (held.number,) and case.revoked_on == REVOKED_ON


def test_a_revocation_names_what_it_revokes() -> None:
    case = case_in(CaseState.OVERDUE)
    with pytest.raises(InvalidInput) as refused:
        case.revoke_licences([], DECISION, REVOKED_ON)
    assert refused.value.field == "licence_numbers" and "other_licences" in refused.value.reason
    assert case.state is CaseState.OVERDUE and case.pull_events() == []
    with pytest.raises(InvalidInput) as blank:
        case.revoke_licences([], DECISION, REVOKED_ON, other_licences=["  "])
    assert blank.value.field == "other_licences[0]"


def test_a_revocation_of_licences_outside_the_register_names_them() -> None:
    case = case_in(CaseState.OVERDUE)
    outside = "排污许可证 91440300MA5E00001P001P"
    case.revoke_licences([], DECISION, REVOKED_ON, other_licences=[outside])
    assert case.state is CaseState.REVOKED and case.revoked_licences == ()
    assert case.other_licences == (outside,)
    (event,) = case.pull_events()
    assert isinstance(event, LicencesRevoked)
    assert (event.licence_numbers, event.other_licences) == ((), (outside,))


@pytest.mark.parametrize(
    ("licences", "field", "error"),
    [
        (lambda: [licence(uscc=OTHER_USCC)], "licence_numbers[0]", InvalidInput),
        (lambda: [licence(valid_until=date(2019, 9, 1))], "licence_numbers[0]", Conflict),
        (lambda: [licence(), licence()], "licence_numbers", InvalidInput),
    ],
)
def test_a_licence_that_cannot_be_revoked_refuses_the_whole_act(
    licences: Callable[[], list[object]], field: str, error: type[Exception]
) -> None:
    case = case_in(CaseState.OVERDUE)
    held = licences()
    with pytest.raises(error) as refused:
        case.revoke_licences(held, DECISION, REVOKED_ON)  # type: ignore[arg-type]
    assert refused.value.field == field  # type: ignore[attr-defined]
    assert case.state is CaseState.OVERDUE and case.pull_events() == []
    assert all(x.status == "valid" for x in held)  # type: ignore[attr-defined]


def test_a_revocation_needs_its_decision_and_a_date_after_the_last_act() -> None:
    case = case_in(CaseState.OVERDUE)
    with pytest.raises(InvalidInput) as refused:
        case.revoke_licences([], " ", REVOKED_ON)
    assert refused.value.field == "decision"
    with pytest.raises(InvalidInput) as refused:
        case.revoke_licences([], DECISION, DEADLINE)
    assert refused.value.field == "effective_on" and case.state is CaseState.OVERDUE


def test_one_open_case_per_product() -> None:
    open_ = quiet_case()
    with pytest.raises(Conflict) as refused:
        refuse_second_case([open_], spot_check())
    assert refused.value.field == "product"
    assert refused.value.rule == "quality.case.one_open_case"
    refuse_second_case([open_], spot_check(product="热轧光圆钢筋"))
    refuse_second_case([case_in(CaseState.RECTIFIED), case_in(CaseState.REVOKED)], spot_check())


SUPERSEDABLE = {CaseState.RECTIFYING}
"""Still about rectification: a shutdown ordered by another agency supersedes the case (被替代)."""


@pytest.mark.parametrize("state", list(CaseState))
def test_a_shutdown_elsewhere_supersedes_only_rectification(
    state: CaseState, supersession: CheckSupersession
) -> None:
    supersession(case_in(state), state, state in SUPERSEDABLE, lambda c: c.next_deadline)
