"""The ledger (台账): the key-supervision list and the dynamic patrol list, every transition."""

from collections.abc import Callable
from datetime import date

import pytest

from phaseout_safety.domain.listing import Listing
from phaseout_shared.contracts.safety import ListingEntered, ListingMoved, ListingRemoved, ListName
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.facts import Site
from phaseout_shared.reference import District, Industry

L = ListName
USCC = "91440300708461136T"
LISTED = date(2019, 5, 10)
DUE = date(2019, 6, 30)
LATER = date(2019, 7, 15)
REQUIREMENTS = ["每季度执法检查一次", "隐患整改五落实"]


def entered(list_name: ListName = L.KEY, **over: object) -> Listing:
    arguments: dict[str, object] = {
        "uscc": USCC,
        "district": District.BAOAN,
        "industry": Industry.DYEING,
        "list_name": list_name,
        "requirements": REQUIREMENTS,
        "due_on": DUE,
        "reason": "安全隐患问题突出",
        "effective_on": LISTED,
        **over,
    }
    site = Site(arguments.pop("uscc"), arguments.pop("district"), arguments.pop("industry"))  # type: ignore[arg-type]
    return Listing.enter(site=site, **arguments)  # type: ignore[arg-type]


def listing_on(list_name: ListName) -> Listing:
    listing = entered(L.PATROL if list_name is L.DELISTED else list_name)
    if list_name is L.DELISTED:
        listing.remove("已关闭", LISTED)
    listing.pull_events()
    return listing


Action = Callable[[Listing], object]
ACTIONS: dict[str, Action] = {
    "move_to_key": lambda x: x.move(
        L.KEY,
        requirements=["重点监管"],
        due_on=date(2019, 9, 30),
        reason="隐患突出",
        effective_on=LATER,
    ),
    "move_to_patrol": lambda x: x.move(
        L.PATROL,
        requirements=["日常巡查"],
        due_on=date(2019, 9, 30),
        reason="已整改",
        effective_on=LATER,
    ),
    "remove": lambda x: x.remove("已关闭", LATER),
}
LEGAL = {
    ("move_to_key", L.PATROL): (L.KEY, ListingMoved),
    ("move_to_key", L.DELISTED): (L.KEY, ListingMoved),
    ("move_to_patrol", L.KEY): (L.PATROL, ListingMoved),
    ("move_to_patrol", L.DELISTED): (L.PATROL, ListingMoved),
    ("remove", L.KEY): (L.DELISTED, ListingRemoved),
    ("remove", L.PATROL): (L.DELISTED, ListingRemoved),
}
PAIRS = [(a, s) for a in ACTIONS for s in L]


@pytest.mark.parametrize("list_name", [L.KEY, L.PATROL])
def test_an_enterprise_enters_the_ledger_on_one_list(list_name: ListName) -> None:
    listing = entered(list_name)
    (event,) = listing.pull_events()
    assert isinstance(event, ListingEntered)
    assert (event.list_name, event.requirements, event.due_on) == (
        list_name.value,
        tuple(REQUIREMENTS),
        DUE,
    )
    assert listing.pending_due_on == DUE


@pytest.mark.parametrize(("action", "state"), [p for p in PAIRS if p in LEGAL])
def test_legal_moves(action: str, state: ListName) -> None:
    listing = listing_on(state)
    ACTIONS[action](listing)
    target, kind = LEGAL[action, state]
    assert listing.list_name is target
    (event,) = listing.pull_events()
    assert isinstance(event, kind) and event.previous_list == state and event.effective_on == LATER
    assert [h.list_name for h in listing.history][-1] is target


@pytest.mark.parametrize(("action", "state"), [p for p in PAIRS if p not in LEGAL])
def test_illegal_moves_are_conflicts_that_change_nothing(action: str, state: ListName) -> None:
    listing = listing_on(state)
    before = listing.model_dump()
    with pytest.raises(Conflict):
        ACTIONS[action](listing)
    assert listing.model_dump() == before and listing.pull_events() == []


def test_a_move_sets_the_new_lists_timetable_and_awaits_a_new_inspection() -> None:
    listing = listing_on(L.PATROL)
    assert listing.inspected(date(2019, 6, 1))
    assert listing.pending_due_on is None
    ACTIONS["move_to_key"](listing)
    assert (listing.requirements, listing.due_on, listing.listed_on) == (
        ("重点监管",),
        date(2019, 9, 30),
        LATER,
    )
    assert listing.pending_due_on == date(2019, 9, 30)


def test_the_timetable_is_met_by_the_first_inspection_since_listing() -> None:
    listing = listing_on(L.KEY)
    assert not listing.inspected(date(2019, 5, 9))
    assert listing.inspected(LISTED)
    assert not listing.inspected(LATER)
    assert listing.inspected_on == LISTED


def test_a_delisted_enterprise_has_nothing_due() -> None:
    listing = listing_on(L.DELISTED)
    assert listing.pending_due_on is None and not listing.inspected(LATER)


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"requirements": []}, "requirements"),
        ({"requirements": ["检查", "  "]}, "requirements.1"),
        ({"due_on": date(2019, 5, 9)}, "due_on"),
        ({"reason": " "}, "reason"),
        ({"list_name": L.DELISTED}, "list"),
        ({"uscc": "91440300708461136X"}, "uscc"),
    ],
)
def test_bad_entries_are_refused_naming_the_field(over: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        entered(**over)
    assert error.value.field == field


def test_no_move_precedes_the_last() -> None:
    listing = listing_on(L.KEY)
    with pytest.raises(Conflict) as error:
        listing.remove("已关闭", date(2019, 5, 1))
    assert error.value.field == "effective_on" and listing.list_name is L.KEY


def test_moving_to_the_same_list_or_delisting_by_a_move_is_refused() -> None:
    listing = listing_on(L.KEY)
    with pytest.raises(InvalidInput) as error:
        listing.move(L.DELISTED, requirements=["x"], due_on=LATER, reason="x", effective_on=LATER)
    assert error.value.field == "list"
