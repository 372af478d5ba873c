"""An enterprise's entry on the ledger (台账), on the key list or the dynamic patrol list.

The plan (二（四）1): 梳理不具备安全生产条件、安全隐患问题突出的企业情况，建立企业台账，明确
重点监管企业清单、工作要求和时间表。对尚未列入重点监管企业名录的重点行业企业加强排查巡查，形成
日常巡查动态企业清单。 An enterprise is on one list at a time, with what is required of it
(工作要求) and by when (时间表); the patrol list is dynamic (动态): enterprises move onto the key
list and back, and leave both (e.g. once closed), staying on the ledger.

    key ◀──move_to_key── patrol        key, patrol ──remove──▶ delisted
        ──move_to_patrol─▶             delisted ──move_to_key / move_to_patrol──▶ key, patrol

The timetable is met by an inspection on or after the day the enterprise was put on its list;
until then the entry is due on its `due_on`, and overdue after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from phaseout_safety.domain.aggregate import in_order, refusing_invalid_input, stated
from phaseout_shared.contracts.safety import ListingEntered, ListingMoved, ListingRemoved, ListName
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.facts import AtEnterprise, Site
from phaseout_shared.domain.statemachine import Lifecycle

LIFECYCLE: Lifecycle[ListName] = Lifecycle.of(
    {
        "move_to_key": ([ListName.PATROL, ListName.DELISTED], ListName.KEY),
        "move_to_patrol": ([ListName.KEY, ListName.DELISTED], ListName.PATROL),
        "remove": ([ListName.KEY, ListName.PATROL], ListName.DELISTED),
    }
)
LISTED = frozenset({ListName.KEY, ListName.PATROL})


class ListChange(BaseModel):
    """One step of the entry's history."""

    list_name: ListName
    reason: str
    effective_on: date


class Listing(AtEnterprise):
    """One enterprise's entry on the ledger (台账)."""

    list_name: ListName
    requirements: tuple[str, ...] = Field(min_length=1)
    due_on: date
    reason: str = Field(min_length=1)
    listed_on: date
    last_act_on: date
    inspected_on: date | None = None
    history: list[ListChange] = Field(default_factory=list)

    @classmethod
    def enter(
        cls,
        *,
        site: Site,
        list_name: ListName,
        requirements: Sequence[str],
        due_on: date,
        reason: str,
        effective_on: date,
    ) -> Listing:
        """Put an enterprise on the ledger and on the key or the patrol list."""
        if list_name not in LISTED:
            raise InvalidInput("an enterprise enters the key or the patrol list", field="list")
        why = stated(reason, "reason")
        with refusing_invalid_input():
            listing = cls(
                **site.fields(),
                list_name=list_name,
                **_timetable(requirements, due_on, effective_on),
                reason=why,
                listed_on=effective_on,
                last_act_on=effective_on,
                history=[ListChange(list_name=list_name, reason=why, effective_on=effective_on)],
            )
        listing._record(ListingEntered(**listing._listed(effective_on)))
        return listing

    @property
    def pending_due_on(self) -> date | None:
        """The timetable's date while on a list and not yet inspected since being put on it."""
        return self.due_on if self.list_name in LISTED and self.inspected_on is None else None

    def move(
        self,
        list_name: ListName,
        *,
        requirements: Sequence[str],
        due_on: date,
        reason: str,
        effective_on: date,
    ) -> None:
        """Move onto the key or the patrol list (动态), with that list's requirements."""
        if list_name is self.list_name:
            raise Conflict(f"{self.uscc} is already on the {list_name} list", field="list")
        if list_name not in LISTED:
            raise InvalidInput("move to the key or the patrol list, or remove", field="list")
        target = LIFECYCLE.move(f"move_to_{list_name}", self.list_name)
        timetable = _timetable(requirements, due_on, effective_on)
        why = stated(reason, "reason")
        previous = self.list_name
        self.last_act_on = in_order(effective_on, self.last_act_on)
        self._change(target, why, effective_on)
        self.requirements, self.due_on = timetable["requirements"], timetable["due_on"]
        self.listed_on, self.inspected_on = effective_on, None
        self._record(ListingMoved(**self._listed(effective_on), previous_list=previous))

    def remove(self, reason: str, effective_on: date) -> None:
        """Off both lists (e.g. closed); the enterprise stays on the ledger."""
        target = LIFECYCLE.move("remove", self.list_name)
        why = stated(reason, "reason")
        previous = self.list_name
        self.last_act_on = in_order(effective_on, self.last_act_on)
        self._change(target, why, effective_on)
        self._record(
            ListingRemoved(
                **self._ids(effective_on), previous_list=previous.value, reason=self.reason
            )
        )

    def inspected(self, on: date) -> bool:
        """An inspection on `on` meets the timetable if it is the first since listing."""
        if self.pending_due_on is None or on < self.listed_on:
            return False
        self.inspected_on = on
        return True

    def _change(self, target: ListName, reason: str, effective_on: date) -> None:
        self.list_name, self.reason = target, reason
        self.history.append(ListChange(list_name=target, reason=reason, effective_on=effective_on))

    def _ids(self, effective_on: date) -> dict[str, Any]:
        return {
            **self.model_dump(include={"uscc", "district", "industry"}),
            "effective_on": effective_on,
        }

    def _listed(self, effective_on: date) -> dict[str, Any]:
        return {
            **self._ids(effective_on),
            **self.model_dump(include={"requirements", "due_on", "reason"}),
            "list_name": self.list_name.value,
        }


def _timetable(requirements: Sequence[str], due_on: date, effective_on: date) -> dict[str, Any]:
    """工作要求和时间表: at least one requirement, none blank, due no earlier than listed."""
    stated_ = tuple(stated(r, f"requirements.{i}") for i, r in enumerate(requirements))
    if not stated_:
        raise InvalidInput("state at least one requirement (工作要求)", field="requirements")
    if due_on < effective_on:
        raise InvalidInput(
            f"the timetable's date {due_on} precedes the listing on {effective_on}",
            field="due_on",
        )
    return {"requirements": stated_, "due_on": due_on}
