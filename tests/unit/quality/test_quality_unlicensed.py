"""The unlicensed-production case (无证违法生产): stop ordered at once, verified, found again;
refused when a licence in force covers the product."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from quality_examples import CASE_ID, CHECKED, LICENCE, REBAR, licence, unlicensed_case

from phaseout_quality.domain.unlicensed import (
    UNLICENSED_LIFECYCLE,
    UnlicensedProductionCase,
    refuse_second_unlicensed_case,
)
from phaseout_shared.contracts.quality import (
    ProductionResumed,
    StopVerified,
    UnlicensedCaseOpened,
    UnlicensedState,
)
from phaseout_shared.domain.errors import Conflict, InvalidInput

VERIFIED = date(2019, 6, 10)
FOUND_AGAIN = date(2019, 7, 2)


def test_opening_orders_the_stop_at_once() -> None:
    case = unlicensed_case()
    (event,) = case.pull_events()
    assert isinstance(event, UnlicensedCaseOpened)
    assert event.event_type == "phaseout.quality.unlicensed_case.opened.v1"
    assert (event.case_id, event.state, event.deadline) == (CASE_ID, "stop_ordered", None)
    assert (event.product, event.rule, event.table3_row) == (
        "冷轧带肋钢筋",
        "Q-unlicensed-production",
        "T3-steel",
    )
    assert "严厉打击无证违法生产行为" in event.basis and event.effective_on == CHECKED


def test_a_product_that_a_licence_in_force_covers_is_not_unlicensed() -> None:
    with pytest.raises(Conflict) as refused:
        unlicensed_case(product=REBAR)
    assert refused.value.field == "product" and LICENCE in refused.value.reason


@pytest.mark.parametrize(
    "held",
    [
        lambda: [],
        lambda: [licence(valid_until=date(2019, 1, 31))],
        lambda: [licence(valid_from=date(2019, 7, 1))],
    ],
    ids=["no licence", "expired", "not yet valid"],
)
def test_without_a_licence_in_force_the_product_is_unlicensed(held: Callable[[], Any]) -> None:
    assert unlicensed_case(product=REBAR, licences=held()).state is UnlicensedState.STOP_ORDERED


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"product": " "}, "product"), ({"description": ""}, "description")],
)
def test_a_case_needs_its_product_and_findings(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        unlicensed_case(**overrides)
    assert refused.value.field == field


def case_in(state: UnlicensedState) -> UnlicensedProductionCase:
    case = unlicensed_case()
    if state is UnlicensedState.RECTIFIED:
        case.verify_stopped("已停产，设备查封", VERIFIED)
    case.pull_events()
    return case


ACTIONS: dict[str, Callable[[UnlicensedProductionCase], None]] = {
    "verify_stopped": lambda c: c.verify_stopped("已停产", FOUND_AGAIN),
    "find_production_resumed": lambda c: c.find_production_resumed("夜间复产", FOUND_AGAIN),
}
LEGAL = {
    (UnlicensedState.STOP_ORDERED, "verify_stopped"): (UnlicensedState.RECTIFIED, StopVerified),
    (UnlicensedState.RECTIFIED, "find_production_resumed"): (
        UnlicensedState.STOP_ORDERED,
        ProductionResumed,
    ),
}
EVERY = [(state, action) for state in UnlicensedState for action in ACTIONS]


@pytest.mark.parametrize(("state", "action"), EVERY, ids=[f"{s}-{a}" for s, a in EVERY])
def test_every_transition_is_legal_or_refused(state: UnlicensedState, action: str) -> None:
    case = case_in(state)
    legal = LEGAL.get((state, action))
    if legal is None:
        with pytest.raises(Conflict) as refused:
            ACTIONS[action](case)
        assert refused.value.rule == f"lifecycle.{action}"
        assert case.state is state and case.pull_events() == []
        return
    ACTIONS[action](case)
    target, event_type = legal
    (event,) = case.pull_events()
    assert case.state is target and isinstance(event, event_type)
    assert (event.state, event.deadline, event.product) == (target, None, "冷轧带肋钢筋")
    assert case.findings[-1].action == action


def test_the_table_has_exactly_these_transitions() -> None:
    assert UNLICENSED_LIFECYCLE.allowed_from(UnlicensedState.STOP_ORDERED) == ["verify_stopped"]
    assert UNLICENSED_LIFECYCLE.allowed_from(UnlicensedState.RECTIFIED) == [
        "find_production_resumed"
    ]


@pytest.mark.parametrize(
    ("description", "when", "field"),
    [(" ", VERIFIED, "description"), ("已停产", date(2019, 6, 1), "effective_on")],
)
def test_an_act_needs_its_findings_and_a_date_after_the_last_act(
    description: str, when: date, field: str
) -> None:
    case = case_in(UnlicensedState.STOP_ORDERED)
    expected = Conflict if field == "effective_on" else InvalidInput  # a date before the last act
    with pytest.raises(expected) as refused:
        case.verify_stopped(description, when)
    assert refused.value.field == field and case.state is UnlicensedState.STOP_ORDERED


def test_one_stop_order_at_a_time_per_product() -> None:
    ordered = case_in(UnlicensedState.STOP_ORDERED)
    with pytest.raises(Conflict) as refused:
        refuse_second_unlicensed_case([ordered], ordered.uscc, " 冷轧带肋钢筋")
    assert refused.value.rule == "quality.unlicensed_case.one_open_case"
    refuse_second_unlicensed_case([ordered], ordered.uscc, "盘条")
    refuse_second_unlicensed_case(
        [case_in(UnlicensedState.RECTIFIED)], ordered.uscc, "冷轧带肋钢筋"
    )
