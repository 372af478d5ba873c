"""Tips from the 地条钢 hotline (举报): received, checked, closed; the contact stays private."""

from datetime import date
from uuid import UUID

import pytest

from phaseout_shared.contracts.technology import TipAssigned, TipClosed, TipOutcome, TipReceived
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.reference import District
from phaseout_technology.domain.tips import Tip, TipState

TIP_ID = UUID("00000000-0000-4000-8000-0000000000aa")
USCC = "91440300708461136T"
CONTACT = "138-0000-0000, Mr Wang"
RECEIVED = date(2019, 7, 1)
DUE = date(2019, 7, 15)


def received(**overrides: object) -> Tip:
    arguments: dict[str, object] = {
        "tip_id": TIP_ID,
        "summary": "induction furnace melting scrap at night behind the warehouse",
        "effective_on": RECEIVED,
        "reporter_contact": CONTACT,
        "district": District.LONGGANG,
        **overrides,
    }
    tip = Tip.receive(**arguments)  # type: ignore[arg-type]
    return tip


def assigned() -> Tip:
    tip = received()
    tip.assign("longgang miit officer 7", DUE, RECEIVED)
    tip.pull_events()
    return tip


def test_a_received_tip_never_publishes_the_contact() -> None:
    tip = received()
    (event,) = tip.pull_events()
    assert isinstance(event, TipReceived)
    assert event.event_type == "phaseout.technology.tip.received.v1"
    assert CONTACT not in event.model_dump_json()
    assert tip.reporter_contact == CONTACT
    assert CONTACT not in repr(tip)
    assert (event.tip_id, event.district, event.uscc) == (TIP_ID, District.LONGGANG, None)


def test_no_tip_event_has_a_place_for_a_contact() -> None:
    for model in (TipReceived, TipAssigned, TipClosed):
        assert not {f for f in model.model_fields if "contact" in f or "reporter" in f}


def test_assigning_sets_who_and_when() -> None:
    tip = received()
    tip.pull_events()
    tip.assign("officer 7", DUE, date(2019, 7, 2))
    (event,) = tip.pull_events()
    assert isinstance(event, TipAssigned)
    assert (event.assignee, event.due_on, event.effective_on) == (
        "officer 7",
        DUE,
        date(2019, 7, 2),
    )
    assert tip.state is TipState.ASSIGNED


def test_a_tip_can_be_reassigned() -> None:
    tip = assigned()
    tip.assign("officer 9", date(2019, 7, 30), date(2019, 7, 10))
    assert (tip.assignee, tip.due_on) == ("officer 9", date(2019, 7, 30))


@pytest.mark.parametrize(
    ("assignee", "due_on", "field"),
    [(" ", DUE, "assignee"), ("officer 7", date(2019, 6, 30), "due_on")],
)
def test_an_assignment_needs_someone_and_a_due_date_ahead(
    assignee: str, due_on: date, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        received().assign(assignee, due_on, RECEIVED)
    assert refused.value.field == field


def test_confirmed_tip_names_the_enterprise() -> None:
    tip = assigned()
    tip.close_as_confirmed("two furnaces found running", date(2019, 7, 10), uscc=USCC)
    (event,) = tip.pull_events()
    assert isinstance(event, TipClosed)
    assert (event.outcome, event.uscc) == (TipOutcome.CONFIRMED, USCC)
    assert tip.state is TipState.CONFIRMED


def test_a_confirmed_tip_without_an_enterprise_is_refused() -> None:
    tip = assigned()
    with pytest.raises(InvalidInput) as refused:
        tip.close_as_confirmed("furnaces found", date(2019, 7, 10))
    assert refused.value.field == "uscc"
    assert tip.state is TipState.ASSIGNED


def test_a_tip_that_named_the_enterprise_can_be_confirmed_as_is() -> None:
    tip = received(uscc=USCC)
    tip.assign("officer 7", DUE, RECEIVED)
    tip.close_as_confirmed("furnace found", DUE)
    assert tip.uscc == USCC


def test_an_unfounded_tip_says_why() -> None:
    tip = assigned()
    with pytest.raises(InvalidInput) as refused:
        tip.close_as_unfounded("", DUE)
    assert refused.value.field == "reason"
    tip.close_as_unfounded("a legal forging shop, no melting", DUE)
    (event,) = tip.pull_events()
    assert isinstance(event, TipClosed)
    assert (event.outcome, event.reason) == (
        TipOutcome.UNFOUNDED,
        "a legal forging shop, no melting",
    )


@pytest.mark.parametrize(
    "act",
    [
        lambda t: t.close_as_confirmed("found", DUE, uscc=USCC),
        lambda t: t.close_as_confirmed("found", DUE),
        lambda t: t.close_as_unfounded("nothing", DUE),
    ],
)
def test_a_tip_is_checked_before_it_is_closed(act: object) -> None:
    tip = received()
    with pytest.raises(Conflict):
        act(tip)  # type: ignore[operator]
    assert tip.state is TipState.RECEIVED


def test_a_closed_tip_stays_closed() -> None:
    tip = assigned()
    tip.close_as_unfounded("nothing there", DUE)
    with pytest.raises(Conflict):
        tip.assign("officer 9", date(2019, 8, 1), DUE)
    with pytest.raises(Conflict):
        tip.assign("officer 9", date(2019, 7, 1), DUE)
    with pytest.raises(Conflict):
        tip.close_as_confirmed("found after all", DUE, uscc=USCC)


@pytest.mark.parametrize(
    ("as_of", "overdue"),
    [(date(2019, 7, 14), False), (DUE, False), (date(2019, 7, 16), True)],
)
def test_an_assigned_tip_is_overdue_after_its_due_date(as_of: date, overdue: bool) -> None:
    assert assigned().overdue(as_of) is overdue


def test_unassigned_and_closed_tips_are_not_overdue() -> None:
    assert received().overdue(date(2020, 1, 1)) is False
    tip = assigned()
    tip.close_as_unfounded("nothing", DUE)
    assert tip.overdue(date(2020, 1, 1)) is False


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"summary": "  "}, "summary"),
        ({"uscc": "91440300708461136X"}, "uscc"),
        ({"district": "atlantis"}, "district"),
    ],
)
def test_a_tip_needs_a_summary_and_a_valid_code(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        received(**overrides)
    assert refused.value.field == field


def test_a_step_cannot_take_effect_before_the_tip_arrived() -> None:
    with pytest.raises(Conflict) as refused:
        received().assign("officer", DUE, date(2019, 6, 1))
    assert refused.value.field == "effective_on"
