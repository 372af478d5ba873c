"""A case whose pending work is due by a deadline: overdue from the day after it.

The plan sets a time for each rectification — 限期整改 (energy, quality), the end of a
suspension's period (整顿期限, safety), a hazard's time limit (时限) — and acts on what is not done
by then. The deadline day itself is within the deadline. A case is overdue from the day after
whether or not the sweep has recorded it: an act dated later is judged as on an overdue case, and
records the overdue first, as the sweep would (docs/domain.md).

The case's table says which states the deadline runs in and which state is overdue: the sources
and the target of its `mark_overdue` transition. The case says what its deadline is
(`_due_on`) and what it records on becoming overdue (`_overdue`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.domain.errors import Conflict
from phaseout_shared.domain.facts import EnterpriseCase
from phaseout_shared.domain.statemachine import Lifecycle

MARK_OVERDUE = "mark_overdue"


class DueByDeadline(EnterpriseCase):
    """A case its table moves to overdue (`mark_overdue`) once its deadline has passed."""

    LIFECYCLE: ClassVar[Lifecycle[Any]]

    if TYPE_CHECKING:
        state: Any
        last_act_on: date

    def _due_on(self) -> date | None:
        """The deadline that runs in the case's current state, if one is set."""
        raise NotImplementedError

    def _overdue(self, became_overdue: date, missed: date) -> EventPayload:
        """What the case records on becoming overdue the day after `missed`; the case is
        already in its overdue state."""
        raise NotImplementedError

    def is_overdue(self, as_of: date) -> bool:
        """Whether the deadline passed by `as_of` with the work not done, swept or not."""
        running, overdue = self.LIFECYCLE.transitions[MARK_OVERDUE]
        if self.state is overdue:
            return True
        due = self._due_on()
        return self.state in running and due is not None and as_of > due

    def state_on(self, on: date) -> Any:
        """The state on `on`: a case whose deadline runs and has passed is overdue, swept or
        not."""
        running, overdue = self.LIFECYCLE.transitions[MARK_OVERDUE]
        return overdue if self.state in running and self.is_overdue(on) else self.state

    def mark_overdue(self, as_of: date) -> bool:
        """Mark the case overdue if its deadline passed before `as_of`; True if it changed.

        Only a case whose deadline runs changes, and it changes once: calling again, or on a
        case in any other state, changes nothing and records nothing. The case became overdue
        the day after its deadline, whatever day the sweep runs.
        """
        due = self._due_on()
        if self.state not in self.LIFECYCLE.sources(MARK_OVERDUE) or due is None or as_of <= due:
            return False
        self.state = self.LIFECYCLE.move(MARK_OVERDUE, self.state)
        became_overdue = due + timedelta(days=1)
        self.last_act_on = max(self.last_act_on, became_overdue)
        self._record(self._overdue(became_overdue, due))
        return True

    def _reinspected_by_deadline(self, on: date, field: str, rule: str, overdue_is: str) -> None:
        """Refuse a re-inspection dated after the deadline: the case is overdue by then (the
        plan's word for it: `overdue_is`), whether or not the sweep has recorded it."""
        if self.is_overdue(on):
            _, overdue = self.LIFECYCLE.transitions[MARK_OVERDUE]
            raise Conflict(
                f"re-inspected on {on}; the deadline of {self._due_on()} has passed: "
                f"the case is {overdue} ({overdue_is}), swept or not",
                field=field,
                rule=rule,
            )
