"""Safety: the suspension stands until lifted, a hazard's time limit stays, and overdue is a fact
of the date; a refused verification names the missing part (docs/domain.md, sections 1, 2, 4).

依法责令立即停产停业整顿；经停产停业整顿仍不具备安全生产条件的，提请政府予以关闭 and
隐患排查治理措施、责任、资金、时限和预案"五落实".
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest
from lifecycle_checks import (
    Effect,
    Order,
    check_order_after,
    check_same_with_and_without_sweep,
    order_transitions,
)
from supersession_examples import SHUTDOWN

from phaseout_quality.main import SHUTDOWNS
from phaseout_safety.domain.acts import SuspensionOrder
from phaseout_safety.domain.case import LIFECYCLE, SuspensionCase
from phaseout_safety.domain.catalogue import FIVE_IN_PLACE, SUSPEND, table4
from phaseout_safety.domain.hazard import LIFECYCLE as HAZARD_LIFECYCLE
from phaseout_safety.domain.hazard import Hazard
from phaseout_shared.contracts.safety import (
    CaseState,
    FindingVerdict,
    FiveInPlace,
    HazardState,
    Licence,
    Outcome,
)
from phaseout_shared.domain.errors import Conflict
from phaseout_shared.domain.facts import Site
from phaseout_shared.domain.supersession import SUPERSEDED
from phaseout_shared.reference import District, Industry

S, H = CaseState, HazardState
USCC = "91440300708461136T"
ORDERED = date(2019, 6, 3)
RECTIFY_BY = date(2019, 7, 3)
WITHIN = date(2019, 6, 20)
SWEPT = date(2019, 7, 10)
PAST = date(2019, 7, 15)
NEW_PERIOD = date(2019, 10, 1)
GROUND = FindingVerdict(
    kind="conditions_below_national_standard",
    description="煤气区域未设固定式报警仪",
    reference="GB 6222-2005 第 4.2 条",
    outcome=Outcome.SUSPEND,
    rule=SUSPEND,
    basis="…",
)


def ordered() -> SuspensionCase:
    case = SuspensionCase.order(
        UUID("00000000-0000-4000-8000-000000000031"),
        site=Site(USCC, District.LONGGANG, Industry.STEEL),
        inspection_id=UUID("00000000-0000-4000-8000-000000000032"),
        grounds=(GROUND,),
        order=SuspensionOrder(
            item="1 号高炉",
            capacity_amount=Decimal("350000"),
            capacity_unit="t/a",
            rectify_by=RECTIFY_BY,
        ),
        ordered_on=ORDERED,
        catalogue_version=table4().version,
    )
    case.pull_events()
    return case


def _then(case: SuspensionCase, *steps: Callable[[SuspensionCase], object]) -> SuspensionCase:
    for step in steps:
        step(case)
    case.pull_events()
    return case


def fail(case: SuspensionCase) -> None:
    case.reinspect(WITHIN, passed=False, reasons=["报警仪仍未安装"])


def request(case: SuspensionCase) -> None:
    case.request_closure(District.LONGGANG, WITHIN)


BUILD: dict[object, Callable[[], SuspensionCase]] = {
    S.SUSPENDED: ordered,
    S.OVERDUE: lambda: _then(ordered(), lambda c: c.mark_overdue(SWEPT)),
    S.STILL_UNSAFE: lambda: _then(ordered(), fail),
    S.CLOSURE_REQUESTED: lambda: _then(ordered(), fail, request),
    S.CLOSURE_DECIDED: lambda: _then(
        ordered(), fail, request, lambda c: c.decide_closure("深龙府〔2019〕12 号", WITHIN)
    ),
    SUPERSEDED: lambda: _then(ordered(), lambda c: c.supersede(SHUTDOWN)),
}
"""A case in each state in which the suspension (停产停业整顿) still stands."""


def day(case: SuspensionCase) -> date:
    return max(WITHIN, case.last_act_on)


ACTS: dict[str, Callable[[SuspensionCase], object]] = {
    "mark_overdue": lambda c: c.mark_overdue(SWEPT),
    "lift": lambda c: c.reinspect(day(c), passed=True),
    "fail_reinspection": lambda c: c.reinspect(day(c), passed=False, reasons=["仍未整改"]),
    "request_closure": lambda c: c.request_closure(District.LONGGANG, day(c)),
    "decide_closure": lambda c: c.decide_closure("深龙府〔2019〕12 号", day(c)),
    "decline_closure": lambda c: c.decline_closure(
        "深龙府〔2019〕13 号", "已投入整改", NEW_PERIOD, day(c)
    ),
    "close": lambda c: c.close("断电、拆除炉体", day(c)),
    "supersede": lambda c: c.supersede(SHUTDOWN),
    "resume": lambda c: c.resume("关停决定已撤销", day(c)),
}
EFFECT: dict[str, Effect] = {
    "mark_overdue": "keeps",
    "lift": "changes",
    "fail_reinspection": "keeps",
    "request_closure": "keeps",
    "decide_closure": "keeps",
    "decline_closure": "changes",
    "close": "changes",
    "supersede": "keeps",
    "resume": "keeps",
}
"""The suspension stands while the government is asked and decides; only a passed re-inspection
lifts it, the closure ends it, and a government declining the closure sets the new period."""
STANDS = {S.SUSPENDED, S.OVERDUE, S.STILL_UNSAFE, S.CLOSURE_REQUESTED, S.CLOSURE_DECIDED}


def suspension(case: SuspensionCase) -> Order:
    state = case.state
    if state is SUPERSEDED:
        state = CaseState(case.supersessions[-1].previous_state)
    return ("停产停业整顿", case.item, case.rectify_by) if state in STANDS else None


PAIRS = order_transitions(LIFECYCLE, list(BUILD), EFFECT)


@pytest.mark.parametrize(("state", "action"), PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_the_suspension_and_its_period_stand_until_lifted(state: object, action: str) -> None:
    case = BUILD[state]()
    assert case.state == state
    check_order_after(case, ACTS[action], suspension, EFFECT[action])


def test_a_declined_closure_keeps_the_suspension_with_the_new_period() -> None:
    case = BUILD[S.CLOSURE_REQUESTED]()
    case.decline_closure("深龙府〔2019〕13 号", "已投入整改", NEW_PERIOD, WITHIN)
    assert (case.state, case.deadline, suspension(case)) == (
        S.SUSPENDED,
        NEW_PERIOD,
        ("停产停业整顿", "1 号高炉", NEW_PERIOD),
    )


def case_state_on(case: SuspensionCase, on: date) -> object:
    return case.state_on(on)


CASE_PAST: dict[str, tuple[Callable[[SuspensionCase], object], str]] = {
    "reinspection_passed": (lambda c: c.reinspect(PAST, passed=True), "done"),
    "reinspection_failed": (
        lambda c: c.reinspect(PAST, passed=False, reasons=["仍未整改"]),
        "done",
    ),
    "supersede": (
        lambda c: c.supersede(SHUTDOWN.model_copy(update={"effective_on": PAST})),
        "done",
    ),
    "request_closure": (lambda c: c.request_closure(District.LONGGANG, PAST), "refused"),
}


@pytest.mark.parametrize("act", list(CASE_PAST))
def test_an_act_past_the_period_is_the_same_with_or_without_the_sweep(act: str) -> None:
    action, expected = CASE_PAST[act]
    outcome = check_same_with_and_without_sweep(
        ordered, lambda c: c.mark_overdue(SWEPT), action, PAST, case_state_on
    )
    assert outcome == expected


TIME_LIMIT = date(2019, 8, 31)
AFTER = date(2019, 9, 10)
SWEPT_HAZARD = date(2019, 9, 5)
FIRST = FiveInPlace(measures="更换防爆电气", time_limit=TIME_LIMIT)
REST = FiveInPlace(responsibility="设备部 张三", funds=Decimal("120000"), plan="专项应急预案")
ALL_FIVE = FiveInPlace(**(FIRST.model_dump(exclude_none=True) | REST.model_dump(exclude_none=True)))


def hazard(*parts: FiveInPlace) -> Hazard:
    found = Hazard.find(
        UUID("00000000-0000-4000-8000-000000000033"),
        site=Site(USCC, District.BAOAN, Industry.CERAMICS),
        inspection_id=UUID("00000000-0000-4000-8000-000000000034"),
        verdict=FindingVerdict(
            kind="hidden_hazard",
            description="粉尘区电气不防爆",
            outcome=Outcome.RECTIFY_HAZARD,
            rule=FIVE_IN_PLACE,
            basis="…",
        ),
        found_on=ORDERED,
        catalogue_version=table4().version,
    )
    for given in parts:
        found.put_in_place(given, ORDERED)
    found.pull_events()
    return found


HAZARD_BUILD: dict[object, Callable[[], Hazard]] = {
    H.OPEN: lambda: hazard(FIRST),
    H.RECTIFYING: lambda: hazard(ALL_FIVE),
    H.OVERDUE: lambda: _swept(hazard(FIRST)),
}
"""A hazard in each state with its time limit (时限) set and not yet rectified."""


def _swept(found: Hazard) -> Hazard:
    assert found.mark_overdue(SWEPT_HAZARD)
    found.pull_events()
    return found


def hazard_day(found: Hazard) -> date:
    return max(date(2019, 8, 1), found.last_act_on)


HAZARD_ACTS: dict[str, Callable[[Hazard], object]] = {
    "put_in_place": lambda h: h.put_in_place(FiveInPlace(plan="预案"), hazard_day(h)),
    "complete_five_in_place": lambda h: h.put_in_place(REST, hazard_day(h)),
    "put_in_place_late": lambda h: h.put_in_place(FiveInPlace(plan="预案"), hazard_day(h)),
    "mark_overdue": lambda h: h.mark_overdue(SWEPT_HAZARD),
    "verify_rectified": lambda h: verify(h, hazard_day(h)),
}


def verify(found: Hazard, on: date) -> None:
    """The missing parts put in place (late, for an overdue hazard), then the verification."""
    if found.five_in_place.missing():
        found.put_in_place(REST, on)
    found.verify_rectified(on)


HAZARD_EFFECT: dict[str, Effect] = {
    "put_in_place": "keeps",
    "complete_five_in_place": "keeps",
    "put_in_place_late": "keeps",
    "mark_overdue": "keeps",
    "verify_rectified": "changes",
}


def time_limit(found: Hazard) -> Order:
    pending = found.state in (H.OPEN, H.RECTIFYING, H.OVERDUE)
    return ("五落实", found.five_in_place.time_limit) if pending else None


HAZARD_PAIRS = order_transitions(HAZARD_LIFECYCLE, list(HAZARD_BUILD), HAZARD_EFFECT)


@pytest.mark.parametrize(
    ("state", "action"), HAZARD_PAIRS, ids=[f"{s}-{a}" for s, a in HAZARD_PAIRS]
)
def test_a_hazards_time_limit_stays_until_it_is_rectified(state: object, action: str) -> None:
    found = HAZARD_BUILD[state]()
    assert found.state == state
    check_order_after(found, HAZARD_ACTS[action], time_limit, HAZARD_EFFECT[action])


def hazard_state_on(found: Hazard, on: date) -> object:
    return found.state_on(on)


HAZARD_PAST: dict[str, tuple[Callable[[], Hazard], Callable[[Hazard], object], str]] = {
    "put_one_part": (
        lambda: hazard(FIRST),
        lambda h: h.put_in_place(FiveInPlace(plan="预案"), AFTER),
        "done",
    ),
    "complete": (lambda: hazard(FIRST), lambda h: h.put_in_place(REST, AFTER), "done"),
    "verify": (lambda: hazard(ALL_FIVE), lambda h: h.verify_rectified(AFTER, "复查合格"), "done"),
    "verify_with_parts_missing": (
        lambda: hazard(FIRST),
        lambda h: h.verify_rectified(AFTER),
        "refused",
    ),
}


@pytest.mark.parametrize("act", list(HAZARD_PAST))
def test_an_act_past_the_time_limit_is_the_same_with_or_without_the_sweep(act: str) -> None:
    make, action, expected = HAZARD_PAST[act]
    outcome = check_same_with_and_without_sweep(
        make, lambda h: h.mark_overdue(SWEPT_HAZARD), action, AFTER, hazard_state_on
    )
    assert outcome == expected


@pytest.mark.parametrize("state", [H.OPEN, H.OVERDUE])
def test_verifying_with_a_part_missing_names_the_part(state: HazardState) -> None:
    found = HAZARD_BUILD[state]()
    found.put_in_place(FiveInPlace(responsibility="设备部 张三", plan="预案"), hazard_day(found))
    found.pull_events()
    with pytest.raises(Conflict) as refused:
        found.verify_rectified(AFTER)
    assert refused.value.field == "five_in_place.funds"
    assert "five_in_place.funds is missing" in refused.value.reason
    assert "资金" in refused.value.reason and refused.value.rule == FIVE_IN_PLACE


def test_a_revocation_of_a_closed_case_names_the_licences() -> None:
    case = _then(
        ordered(),
        fail,
        request,
        lambda c: c.decide_closure("深龙府〔2019〕12 号", WITHIN),
        lambda c: c.close("断电、拆除炉体", WITHIN),
    )
    licence = Licence(
        name="安全生产许可证", number="(粤)WH安许证字[2017]0001", authority="广东省应急管理厅"
    )
    case.revoke_licences([licence], WITHIN)
    assert case.state is S.REVOKED and case.licences == (licence,)


def test_samr_hears_of_the_closure_from_the_governments_decision() -> None:
    case = BUILD[S.CLOSURE_REQUESTED]()
    case.decide_closure("深龙府〔2019〕12 号", WITHIN)
    (trigger,) = [t for t in SHUTDOWNS if ".safety." in t]
    assert [e.event_type for e in case.pull_events()] == [trigger]
