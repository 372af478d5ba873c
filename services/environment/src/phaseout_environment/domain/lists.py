"""The environment lists of a year (二（二）1): key supervision and daily patrol.

The plan: 明确重点监管执法企业清单、工作要求和时间表。对尚未列入重点排污单位名录的重点行业企业加强
排查巡查力度，形成日常巡查动态企业清单. Each entry says what is required of the enterprise and by
when. The daily-patrol list is for enterprises not in the key pollutant-discharge directory
(重点排污单位名录), so a key pollutant-discharge unit is never put on it; it is dynamic, and an
enterprise moves between the lists as patrols find.

    key_supervision ⇄ daily_patrol (move) ── complete ──▶ done
                                           └─ remove ───▶ removed
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import Field

from phaseout_environment.domain.aggregate import (
    Aggregate,
    not_before,
    refusing_invalid_input,
    stated,
)
from phaseout_shared.contracts.environment import (
    ListEntryAdded,
    ListEntryCompleted,
    ListEntryMoved,
    ListEntryRemoved,
    ListKind,
)
from phaseout_shared.domain.aggregate import non_blank
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.facts import Site, enterprise_facts
from phaseout_shared.domain.statemachine import Lifecycle
from phaseout_shared.reference import USCC, District, Industry


class EntryState(StrEnum):
    LISTED = "listed"
    DONE = "done"
    REMOVED = "removed"


class ListStatus(StrEnum):
    """An entry as lists filter it: on which list while listed, else done or removed."""

    KEY_SUPERVISION = "key_supervision"
    DAILY_PATROL = "daily_patrol"
    DONE = "done"
    REMOVED = "removed"


ENTRY_LIFECYCLE: Lifecycle[EntryState] = Lifecycle.of(
    {
        "move": ([EntryState.LISTED], EntryState.LISTED),
        "complete": ([EntryState.LISTED], EntryState.DONE),
        "remove": ([EntryState.LISTED], EntryState.REMOVED),
    }
)


def entry_key(year: int, uscc: str) -> str:
    return f"{year}/{uscc}"


def check_list(list_kind: ListKind, key_discharge_unit: bool) -> None:
    """A key pollutant-discharge unit is supervised, never only patrolled."""
    if key_discharge_unit and list_kind is ListKind.DAILY_PATROL:
        raise InvalidInput(
            "a key pollutant-discharge unit (重点排污单位) is not put on the daily-patrol list: "
            "the plan keeps it for enterprises not in the directory (对尚未列入重点排污单位名录的"
            "重点行业企业…形成日常巡查动态企业清单)",
            field="list_kind",
            rule="environment.lists.patrol_is_for_units_not_in_the_directory",
        )


class ListEntry(Aggregate):
    """One enterprise on one year's environment lists."""

    year: int = Field(ge=2000, le=2100)
    uscc: USCC
    district: District
    industry: Industry
    list_kind: ListKind
    key_discharge_unit: bool
    requirements: tuple[str, ...] = Field(min_length=1)
    due_on: date
    listed_on: date
    last_act_on: date
    state: EntryState = EntryState.LISTED
    note: str | None = None

    @property
    def id(self) -> str:
        return entry_key(self.year, self.uscc)

    @property
    def status(self) -> ListStatus:
        return ListStatus(self.list_kind if self.state is EntryState.LISTED else self.state)

    @classmethod
    def add(
        cls,
        *,
        year: int,
        site: Site,
        list_kind: ListKind,
        key_discharge_unit: bool,
        requirements: Iterable[str],
        due_on: date,
        effective_on: date,
    ) -> ListEntry:
        """Put an enterprise on a list, with what is required (工作要求) and by when (时间表)."""
        check_list(list_kind, key_discharge_unit)
        if due_on < effective_on:
            raise InvalidInput(
                f"due_on {due_on} is before the listing on {effective_on}", field="due_on"
            )
        with refusing_invalid_input():
            entry = cls(
                year=year,
                **site.fields(),
                list_kind=list_kind,
                key_discharge_unit=key_discharge_unit,
                requirements=non_blank(requirements),
                due_on=due_on,
                listed_on=effective_on,
                last_act_on=effective_on,
            )
        entry._record(
            ListEntryAdded(
                **entry._facts(effective_on), requirements=entry.requirements, due_on=due_on
            )
        )
        return entry

    def move(
        self,
        list_kind: ListKind,
        reason: str,
        effective_on: date,
        key_discharge_unit: bool | None = None,
    ) -> None:
        """Move the enterprise to the other list (the lists are dynamic); the directory
        membership changes with it if given, else it stays as it was."""
        ENTRY_LIFECYCLE.move("move", self.state)
        key_unit = self.key_discharge_unit if key_discharge_unit is None else key_discharge_unit
        if list_kind is self.list_kind and key_unit == self.key_discharge_unit:
            raise Conflict(f"already on the {list_kind} list", field="list_kind")
        check_list(list_kind, key_unit)
        why = self._act(effective_on, reason, "reason")
        previous = self.list_kind
        self.list_kind, self.key_discharge_unit = list_kind, key_unit
        self._record(
            ListEntryMoved(**self._facts(effective_on), previous_list=previous, reason=why)
        )

    def complete(self, note: str, effective_on: date) -> None:
        """What the list required is done."""
        target = ENTRY_LIFECYCLE.move("complete", self.state)
        not_before(effective_on, self.last_act_on)
        self.state, self.last_act_on, self.note = target, effective_on, note.strip()
        self._record(ListEntryCompleted(**self._facts(effective_on), note=self.note))

    def remove(self, reason: str, effective_on: date) -> None:
        """Take the enterprise off the list, saying why."""
        target = ENTRY_LIFECYCLE.move("remove", self.state)
        why = self._act(effective_on, reason, "reason")
        self.state, self.note = target, why
        self._record(ListEntryRemoved(**self._facts(effective_on), reason=why))

    def overdue(self, as_of: date) -> bool:
        return self.state is EntryState.LISTED and as_of > self.due_on

    def _act(self, effective_on: date, text: str, field: str) -> str:
        not_before(effective_on, self.last_act_on)
        said = stated(text, field)
        self.last_act_on = effective_on
        return said

    def _facts(self, effective_on: date) -> dict[str, Any]:
        return enterprise_facts(
            self,
            effective_on,
            year=self.year,
            list_kind=self.list_kind,
            key_discharge_unit=self.key_discharge_unit,
        )
