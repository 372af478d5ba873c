"""Technology: the elimination ordered stands until the capacity has exited; nothing is overdue.

发现一起、淘汰一起 … 具备拆除条件的，应立即拆除; 对生产"地条钢"的企业，要立即关停，拆除设备，并依法
查处 (docs/domain.md, sections 1–2): the plan sets no deadline but 立即 (at once), so a case's
moves do not depend on the date an act is recorded.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest
from lifecycle_checks import Effect, Order, check_order_after, order_transitions

from phaseout_quality.main import SHUTDOWNS
from phaseout_shared.contracts.technology import Measure, SealingMeasures
from phaseout_shared.domain.facts import Site
from phaseout_shared.reference import District
from phaseout_technology.domain.case import LIFECYCLE, CaseState, EliminationCase
from phaseout_technology.domain.evaluate import Verdict, evaluate

S = CaseState
OPENED = date(2019, 6, 3)
LATER = date(2019, 7, 1)
ALL_FIVE = SealingMeasures(
    water_cut=True,
    power_cut=True,
    power_units_removed=True,
    main_equipment_sealed=True,
    public_commitment=True,
)


def opened(verdict: Verdict | None = None) -> EliminationCase:
    case = EliminationCase.open(
        case_id=UUID("00000000-0000-4000-8000-000000000041"),
        site=Site("91440300708461136T", District.BAOAN),
        item_id="BOF-1",
        verdict=verdict or evaluate("steel", {"kind": "converter", "capacity_t": 30}),
        capacity_amount=Decimal("300000"),
        capacity_unit="t/a",
        effective_on=OPENED,
    )
    case.pull_events()
    return case


def _then(case: EliminationCase, *steps: Callable[[EliminationCase], object]) -> EliminationCase:
    for step in steps:
        step(case)
    case.pull_events()
    return case


BUILD: dict[object, Callable[[], EliminationCase]] = {
    S.OPEN: opened,
    S.DISMANTLED: lambda: _then(opened(), lambda c: c.dismantle("转炉炉壳已切割", OPENED)),
    S.SEALED: lambda: _then(opened(), lambda c: c.seal(ALL_FIVE, OPENED)),
}
"""A case in each state before its exit: the elimination is ordered and not yet accepted."""
ACTS: dict[str, Callable[[EliminationCase], object]] = {
    "dismantle": lambda c: c.dismantle("主体设备已拆除", LATER),
    "seal": lambda c: c.seal(ALL_FIVE, LATER),
    "accept_on_site": lambda c: c.accept_on_site(LATER, passed=True),
    "fail_on_site_acceptance": lambda c: c.accept_on_site(LATER, passed=False, reasons=["未断电"]),
    "reopen_revival": lambda c: c.reopen_revival("夜间恢复生产", LATER),
}
EFFECT: dict[str, Effect] = {
    "dismantle": "keeps",
    "seal": "keeps",
    "accept_on_site": "changes",
    "fail_on_site_acceptance": "keeps",
    "reopen_revival": "keeps",
}
"""Only the passed on-site acceptance (现场验收) ends the elimination: the capacity has exited."""


def elimination(case: EliminationCase) -> Order:
    if case.state is S.EXITED:
        return None
    return ("淘汰", case.item_id, case.rule, case.measures)


PAIRS = order_transitions(LIFECYCLE, list(BUILD), EFFECT)


@pytest.mark.parametrize(("state", "action"), PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_the_elimination_stands_until_the_capacity_has_exited(state: object, action: str) -> None:
    case = BUILD[state]()
    assert case.state == state
    check_order_after(case, ACTS[action], elimination, EFFECT[action])


def test_a_ditiaogang_shutdown_stands_through_a_revival() -> None:
    case = opened(evaluate("steel", {"kind": "ditiaogang_furnace"}))
    assert Measure.SHUT_DOWN_AT_ONCE in case.measures
    before = elimination(case)
    case.dismantle("中频炉已拆除", LATER)
    case.accept_on_site(LATER, passed=True)
    assert elimination(case) is None
    case.reopen_revival("死灰复燃", date(2019, 9, 1))
    assert elimination(case) == before


def test_no_deadline_so_the_date_of_an_act_does_not_change_its_outcome() -> None:
    assert "mark_overdue" not in LIFECYCLE.transitions
    soon, late = opened(), opened()
    for case, on in ((soon, LATER), (late, date(2020, 12, 31))):
        case.seal(ALL_FIVE, on)
        case.accept_on_site(on, passed=True)
    assert (soon.state, soon.allowed_actions()) == (late.state, late.allowed_actions())
    assert soon.state is S.EXITED


def test_samr_hears_of_the_elimination_when_it_is_ordered() -> None:
    (trigger,) = [t for t in SHUTDOWNS if ".technology." in t]
    case = EliminationCase.open(
        case_id=UUID("00000000-0000-4000-8000-000000000042"),
        site=Site("91440300708461136T", District.BAOAN),
        item_id="IF-1",
        verdict=evaluate("steel", {"kind": "ditiaogang_furnace"}),
        capacity_amount=Decimal("30000"),
        capacity_unit="t/a",
        effective_on=OPENED,
    )
    assert [e.event_type for e in case.pull_events()].count(trigger) == 1
