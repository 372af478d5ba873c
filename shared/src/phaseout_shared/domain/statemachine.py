"""A small, explicit state machine: states and allowed transitions in one table.

Each service's case declares its table; each transition method calls `Lifecycle.move`, which
refuses anything the table does not allow with a `Conflict` that says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from phaseout_shared.domain.errors import Conflict

S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True)
class Lifecycle(Generic[S]):
    """The allowed transitions of one kind of case: action -> (from states, to state)."""

    transitions: Mapping[str, tuple[frozenset[S], S]]

    @classmethod
    def of(cls, table: Mapping[str, tuple[Iterable[S], S]]) -> Lifecycle[S]:
        return cls({a: (frozenset(src), dst) for a, (src, dst) in table.items()})

    def move(self, action: str, current: S) -> S:
        """The state after `action` from `current`, or Conflict naming both."""
        sources, target = self.transitions[action]
        if current not in sources:
            allowed = ", ".join(sorted(str(s) for s in sources))
            raise Conflict(
                f"cannot {action.replace('_', ' ')} a case that is {current}; "
                f"allowed only from: {allowed}",
                field="state",
                rule=f"lifecycle.{action}",
            )
        return target

    def allowed_from(self, current: S) -> list[str]:
        """The actions possible from a state, in table order."""
        return [a for a, (src, _) in self.transitions.items() if current in src]
