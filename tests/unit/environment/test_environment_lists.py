"""The key-supervision and daily-patrol lists: requirements, timetable, and the dynamic moves."""

from datetime import date

import pytest
from environment_examples import USCC

from phaseout_environment.domain.lists import EntryState, ListEntry, ListStatus
from phaseout_shared.contracts import environment as ev
from phaseout_shared.contracts.environment import ListKind
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.facts import Site
from phaseout_shared.reference import District, Industry

LISTED = date(2019, 5, 10)
DUE = date(2019, 10, 31)


def entry(kind: ListKind = ListKind.KEY_SUPERVISION, key_unit: bool = False) -> ListEntry:
    return ListEntry.add(
        year=2019,
        site=Site(USCC, District.BAOAN, Industry.DYEING),
        list_kind=kind,
        key_discharge_unit=key_unit,
        requirements=["在线监控联网", " "],
        due_on=DUE,
        effective_on=LISTED,
    )


def test_an_entry_has_its_requirements_and_timetable() -> None:
    added = entry(key_unit=True)
    (event,) = added.pull_events()
    assert isinstance(event, ev.ListEntryAdded)
    assert (event.year, event.list_kind, event.key_discharge_unit) == (
        2019,
        ListKind.KEY_SUPERVISION,
        True,
    )
    assert (event.requirements, event.due_on, event.effective_on) == (
        ("在线监控联网",),
        DUE,
        LISTED,
    )
    assert added.id == f"2019/{USCC}" and added.status is ListStatus.KEY_SUPERVISION


def test_a_key_discharge_unit_is_never_only_patrolled() -> None:
    with pytest.raises(InvalidInput) as refused:
        entry(ListKind.DAILY_PATROL, key_unit=True)
    assert refused.value.field == "list_kind" and "日常巡查动态企业清单" in refused.value.reason
    patrolled = entry(ListKind.DAILY_PATROL)
    with pytest.raises(InvalidInput):
        patrolled.move(ListKind.DAILY_PATROL, "found in the directory", DUE, True)


@pytest.mark.parametrize(
    ("change", "field"),
    [({"due_on": date(2019, 5, 9)}, "due_on"), ({"requirements": [" "]}, "requirements")],
)
def test_an_entry_needs_requirements_and_a_due_date_after_listing(
    change: dict[str, object], field: str
) -> None:
    arguments: dict[str, object] = {
        "year": 2019,
        "site": Site(USCC, District.BAOAN, Industry.DYEING),
        "list_kind": ListKind.KEY_SUPERVISION,
        "key_discharge_unit": False,
        "requirements": ["x"],
        "due_on": DUE,
        "effective_on": LISTED,
        **change,
    }
    with pytest.raises(InvalidInput) as refused:
        ListEntry.add(**arguments)  # type: ignore[arg-type]
    assert refused.value.field == field


def test_the_patrol_list_is_dynamic() -> None:
    patrolled = entry(ListKind.DAILY_PATROL)
    patrolled.pull_events()
    patrolled.move(ListKind.KEY_SUPERVISION, "patrol found discharge", date(2019, 6, 1), False)
    (event,) = patrolled.pull_events()
    assert isinstance(event, ev.ListEntryMoved)
    assert (event.previous_list, event.list_kind) == (
        ListKind.DAILY_PATROL,
        ListKind.KEY_SUPERVISION,
    )
    with pytest.raises(Conflict):
        patrolled.move(ListKind.KEY_SUPERVISION, "again", date(2019, 6, 2))
    patrolled.move(ListKind.KEY_SUPERVISION, "now in the directory", date(2019, 6, 2), True)
    assert patrolled.key_discharge_unit and patrolled.list_kind is ListKind.KEY_SUPERVISION
    with pytest.raises(InvalidInput):
        patrolled.move(ListKind.DAILY_PATROL, "back to patrol", date(2019, 6, 3))
    with pytest.raises(Conflict) as early:
        patrolled.move(ListKind.DAILY_PATROL, "back", date(2019, 5, 31), False)
    assert early.value.field == "effective_on"


ACTS = {
    "move": lambda e: e.move(ListKind.DAILY_PATROL, "no longer a concern", DUE, False),
    "complete": lambda e: e.complete("monitoring connected", DUE),
    "remove": lambda e: e.remove("enterprise moved away", DUE),
}


@pytest.mark.parametrize("first", list(ACTS))
@pytest.mark.parametrize("then", list(ACTS))
def test_an_entry_done_or_removed_takes_no_further_act(first: str, then: str) -> None:
    e = entry()
    ACTS[first](e)
    if e.state is EntryState.LISTED:
        return
    with pytest.raises(Conflict):
        ACTS[then](e)


@pytest.mark.parametrize(
    ("act", "status", "event_type"),
    [
        ("complete", ListStatus.DONE, ev.ListEntryCompleted),
        ("remove", ListStatus.REMOVED, ev.ListEntryRemoved),
    ],
)
def test_completing_or_removing_ends_the_entry(
    act: str, status: ListStatus, event_type: type[ev.EventPayload]
) -> None:
    e = entry()
    e.pull_events()
    ACTS[act](e)
    (event,) = e.pull_events()
    assert e.status is status and isinstance(event, event_type)
    assert not e.overdue(date(2020, 1, 1))


def test_overdue_after_the_due_date_while_listed() -> None:
    e = entry()
    assert not e.overdue(DUE) and e.overdue(date(2019, 11, 1))
