"""A small, explicit state machine: states and allowed transitions in one table.

Each service's case declares its table; each transition method calls `Lifecycle.move`, which
refuses anything the table does not allow with a `Conflict` that says why. A transition that
returns a case to the state it had before another one (`resume` after `supersede`) is declared
in `returns`: from which states, and back over which transition; `Lifecycle.move_back` checks it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Generic, TypeVar

from phaseout_shared.domain.errors import Conflict

S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True)
class Lifecycle(Generic[S]):
    """The allowed transitions of one kind of case: action -> (from states, to state).

    `returns`: action -> (from states, the transition it undoes), for moves back to the state
    the case had before that transition.
    """

    transitions: Mapping[str, tuple[frozenset[S], S]]
    returns: Mapping[str, tuple[frozenset[S], str]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        table: Mapping[str, tuple[Iterable[S], S]],
        returns: Mapping[str, tuple[Iterable[S], str]] | None = None,
    ) -> Lifecycle[S]:
        back = {a: (frozenset(src), undone) for a, (src, undone) in (returns or {}).items()}
        return cls({a: (frozenset(src), dst) for a, (src, dst) in table.items()}, back)

    def move(self, action: str, current: S) -> S:
        """The state after `action` from `current`, or Conflict naming both."""
        sources, target = self.transitions[action]
        self._check(action, current, sources)
        return target

    def move_back(self, action: str, current: S, previous: S) -> S:
        """`previous`, the state the case had before the transition `action` undoes."""
        sources, undone = self.returns[action]
        self._check(action, current, sources)
        if previous not in self.transitions[undone][0]:
            raise Conflict(
                f"cannot {action} to {previous}: {undone} leaves no case in that state",
                field="state",
                rule=f"lifecycle.{action}",
            )
        return previous

    def allowed_from(self, current: S) -> list[str]:
        """The actions possible from a state, in table order (returns last)."""
        moves = [a for a, (src, _) in self.transitions.items() if current in src]
        return moves + [a for a, (src, _) in self.returns.items() if current in src]

    def sources(self, action: str) -> frozenset[S]:
        """The states from which `action` is allowed."""
        return self.transitions[action][0]

    @staticmethod
    def _check(action: str, current: S, sources: frozenset[S]) -> None:
        if current not in sources:
            allowed = ", ".join(sorted(str(s) for s in sources))
            raise Conflict(
                f"cannot {action.replace('_', ' ')} a case that is {current}; "
                f"allowed only from: {allowed}",
                field="state",
                rule=f"lifecycle.{action}",
            )


def in_order(on: date, last: date, field: str, whose: str = "the case's") -> date:
    """An act's date, or a Conflict when it precedes the last act recorded: acts are recorded
    in the order they took effect, so an earlier one contradicts the record's state (409)."""
    if on < last:
        raise Conflict(
            f"{field} {on} precedes {whose} last act, on {last}",
            field=field,
            rule="lifecycle.act_order",
        )
    return on


def in_record_order(on: date, last: date, field: str = "effective_on") -> date:
    """`in_order` for any record's acts (a list entry, a hazard, a listing), not only a case's."""
    return in_order(on, last, field, "the record's")
