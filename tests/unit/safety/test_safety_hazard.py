"""A hidden hazard's rectification (隐患排查治理, 五落实): every legal and illegal transition."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from phaseout_safety.domain.catalogue import FIVE_IN_PLACE, table4
from phaseout_safety.domain.hazard import Hazard
from phaseout_shared.contracts.safety import (
    FindingVerdict,
    FiveInPlace,
    FiveInPlaceUpdated,
    HazardFound,
    HazardOverdue,
    HazardRectified,
    HazardState,
    Outcome,
)
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.facts import Site
from phaseout_shared.reference import District, Industry

S = HazardState
CASE_ID = UUID("00000000-0000-4000-8000-000000000011")
INSPECTION_ID = UUID("00000000-0000-4000-8000-000000000010")
USCC = "91440300708461136T"
FOUND = date(2019, 6, 3)
TIME_LIMIT = date(2019, 8, 31)
AFTER = date(2019, 9, 10)
FIRST = FiveInPlace(measures="更换防爆电气", time_limit=TIME_LIMIT)
REST = FiveInPlace(responsibility="设备部 张三", funds=Decimal("120000"), plan="专项应急预案")
ALL_FIVE = FiveInPlace(**(FIRST.model_dump(exclude_none=True) | REST.model_dump(exclude_none=True)))


def found() -> Hazard:
    verdict = FindingVerdict(
        kind="hidden_hazard",
        description="粉尘区电气不防爆",
        outcome=Outcome.RECTIFY_HAZARD,
        rule=FIVE_IN_PLACE,
        basis="…",
    )
    return Hazard.find(
        CASE_ID,
        site=Site(USCC, District.BAOAN, Industry.CERAMICS),
        inspection_id=INSPECTION_ID,
        verdict=verdict,
        found_on=FOUND,
        catalogue_version=table4().version,
    )


def hazard_in(state: HazardState) -> Hazard:
    hazard = found()
    if state is S.RECTIFYING or state is S.RECTIFIED:
        hazard.put_in_place(ALL_FIVE, FOUND)
    else:
        hazard.put_in_place(FIRST, FOUND)
    if state is S.OVERDUE:
        assert hazard.mark_overdue(AFTER)
    if state is S.RECTIFIED:
        hazard.verify_rectified(FOUND)
    hazard.pull_events()
    assert hazard.state is state
    return hazard


Action = Callable[[Hazard], object]
ACTIONS: dict[str, Action] = {
    "put_one_part": lambda h: h.put_in_place(FiveInPlace(responsibility="张三"), AFTER),
    "complete": lambda h: h.put_in_place(REST, AFTER),
    "verify_rectified": lambda h: h.verify_rectified(AFTER),
}
LEGAL: dict[tuple[str, HazardState], HazardState] = {
    # AFTER is past the time limit: an open hazard is overdue that day, swept or not
    ("put_one_part", S.OPEN): S.OVERDUE,
    ("put_one_part", S.OVERDUE): S.OVERDUE,
    ("complete", S.OPEN): S.OVERDUE,
    ("complete", S.OVERDUE): S.OVERDUE,
    ("verify_rectified", S.RECTIFYING): S.RECTIFIED,
}
EVENTS = {
    "put_one_part": FiveInPlaceUpdated,
    "complete": FiveInPlaceUpdated,
    "verify_rectified": HazardRectified,
}
PAIRS = [(a, s) for a in ACTIONS for s in S]


@pytest.mark.parametrize(("action", "state"), [p for p in PAIRS if p in LEGAL])
def test_legal_transitions_move_and_record_one_event(action: str, state: HazardState) -> None:
    hazard = hazard_in(state)
    ACTIONS[action](hazard)
    assert hazard.state is LEGAL[action, state]
    *caught_up, event = hazard.pull_events()
    late = state in (S.OPEN, S.RECTIFYING)
    assert [type(e) for e in caught_up] == ([HazardOverdue] if late else [])
    assert isinstance(event, EVENTS[action])
    assert (event.case_id, event.state, event.effective_on) == (CASE_ID, hazard.state, AFTER)


@pytest.mark.parametrize(("action", "state"), [p for p in PAIRS if p not in LEGAL])
def test_illegal_transitions_are_conflicts_that_change_nothing(
    action: str, state: HazardState
) -> None:
    hazard = hazard_in(state)
    before = hazard.model_dump()
    with pytest.raises(Conflict):
        ACTIONS[action](hazard)
    assert hazard.model_dump() == before
    assert hazard.pull_events() == []


def test_a_found_hazard_is_open_without_a_deadline() -> None:
    hazard = found()
    (event,) = hazard.pull_events()
    assert isinstance(event, HazardFound)
    assert (event.state, event.deadline, event.rule) == (S.OPEN, None, FIVE_IN_PLACE)
    assert hazard.allowed_actions() == ["put_in_place", "complete_five_in_place", "mark_overdue"]


def test_the_time_limit_is_the_deadline_and_missing_parts_are_named() -> None:
    hazard = found()
    hazard.pull_events()
    hazard.put_in_place(FIRST, FOUND)
    (event,) = hazard.pull_events()
    assert isinstance(event, FiveInPlaceUpdated)
    assert event.deadline == TIME_LIMIT
    assert event.missing == ("responsibility", "funds", "plan")


def test_all_five_in_place_make_it_rectifying_until_verified_in_time() -> None:
    hazard = found()
    hazard.put_in_place(ALL_FIVE, FOUND)
    assert hazard.state is S.RECTIFYING and hazard.deadline == TIME_LIMIT
    hazard.verify_rectified(TIME_LIMIT, note=" 复查合格 ")
    events = hazard.pull_events()
    assert isinstance(events[-1], HazardRectified)
    assert (events[-1].late, events[-1].deadline, events[-1].note) == (False, None, "复查合格")


@pytest.mark.parametrize("state", [S.OPEN, S.RECTIFYING])
def test_overdue_once_from_the_day_after_the_time_limit(state: HazardState) -> None:
    hazard = hazard_in(state)
    assert not hazard.mark_overdue(TIME_LIMIT)
    assert hazard.mark_overdue(AFTER)
    (event,) = hazard.pull_events()
    assert isinstance(event, HazardOverdue)
    assert (event.effective_on, event.missed_deadline, event.deadline) == (
        date(2019, 9, 1),
        TIME_LIMIT,
        TIME_LIMIT,
    )
    assert not hazard.mark_overdue(date(2019, 12, 31))
    assert hazard.pull_events() == []


@pytest.mark.parametrize("state", [S.OVERDUE, S.RECTIFIED])
def test_marking_overdue_changes_nothing_in_other_states(state: HazardState) -> None:
    hazard = hazard_in(state)
    assert not hazard.mark_overdue(date(2020, 1, 1))
    assert hazard.state is state and hazard.pull_events() == []


def test_an_open_hazard_without_a_time_limit_is_never_overdue() -> None:
    hazard = found()
    assert not hazard.mark_overdue(date(2030, 1, 1))


def test_an_overdue_hazard_is_rectified_late_once_all_five_are_in_place() -> None:
    hazard = hazard_in(S.OVERDUE)
    with pytest.raises(Conflict) as error:
        hazard.verify_rectified(AFTER)
    assert error.value.field == "five_in_place.responsibility"
    assert "funds (资金)" in error.value.reason and error.value.rule == FIVE_IN_PLACE
    hazard.put_in_place(REST, AFTER)
    hazard.verify_rectified(AFTER)
    event = hazard.pull_events()[-1]
    assert isinstance(event, HazardRectified) and event.late


def test_a_part_in_place_stays_as_recorded() -> None:
    hazard = hazard_in(S.OPEN)
    with pytest.raises(Conflict) as error:
        hazard.put_in_place(FiveInPlace(time_limit=date(2019, 12, 31)), AFTER)
    assert error.value.field == "five_in_place.time_limit"
    assert "时限" in error.value.reason


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        (FiveInPlace(), "five_in_place"),
        (FiveInPlace(plan="   "), "five_in_place.plan"),
        (FiveInPlace(responsibility=""), "five_in_place.responsibility"),
        (FiveInPlace(plan="预案", time_limit=date(2019, 6, 2)), "five_in_place.time_limit"),
    ],
)
def test_bad_parts_are_refused_naming_the_field(parts: FiveInPlace, field: str) -> None:
    hazard = found()
    with pytest.raises(InvalidInput) as error:
        hazard.put_in_place(parts, FOUND)
    assert error.value.field == field
    assert hazard.five_in_place == FiveInPlace()


def test_text_parts_are_kept_trimmed() -> None:
    hazard = found()
    hazard.put_in_place(FiveInPlace(measures="  加装防护栏 "), FOUND)
    assert hazard.five_in_place.measures == "加装防护栏"


def test_no_act_precedes_the_last() -> None:
    hazard = hazard_in(S.OPEN)
    hazard.put_in_place(FiveInPlace(plan="预案"), TIME_LIMIT)
    with pytest.raises(Conflict) as error:
        hazard.put_in_place(FiveInPlace(responsibility="张三"), FOUND)
    assert error.value.field == "effective_on"
    assert hazard.five_in_place.responsibility is None and hazard.state is S.OPEN
