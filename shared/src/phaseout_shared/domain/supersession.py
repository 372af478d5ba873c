"""Superseding a case (被替代) when another agency shuts the enterprise down, and resuming it.

Which cases a shutdown elsewhere supersedes: those whose remaining work is rectification
(整改) — bringing the capacity up to the standard so that it may go on producing. Once another
agency has ordered the enterprise shut down or closed, that work is moot, and a case left open
would count as open and overdue for nothing. A case whose own remaining work is the exit of that
capacity or its sanction is NOT superseded: a shutdown order of its own awaiting verification,
a closure proposed, approved or requested, licences to revoke after a failed rectification, and
every technology elimination case (dismantling or sealing, then on-site acceptance: that is
what makes a closed enterprise's capacity exit, and the dismantling-check referral asks for it).
Each of those goes on with its own legal basis and counts on the exit list in its own right.

Superseded is not closed silently: the case keeps its history, records which event superseded
it and the state it was in, and the agency may resume it (`resume`, back to that state, with the
same deadline: the time kept running) if the shutdown is undone — a closed enterprise found
running again (回头看, 死灰复燃), an order withdrawn. Resuming is the agency's decision, with a
reason, never automatic: a revival is a new violation as much as an old case's return.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from phaseout_shared.contracts.supersession import RESUMED, Superseded
from phaseout_shared.contracts.supersession import SUPERSEDED as SUPERSEDED_EVENTS
from phaseout_shared.domain.aggregate import stated
from phaseout_shared.domain.errors import Conflict
from phaseout_shared.domain.facts import EnterpriseCase
from phaseout_shared.domain.statemachine import Lifecycle, S, in_order

SUPERSEDE = "supersede"
RESUME = "resume"
SUPERSEDED = Superseded.SUPERSEDED


def supersedable(
    table: Mapping[str, tuple[Iterable[S], S]],
    supersede_from: Iterable[S],
    returns: Mapping[str, tuple[Iterable[S], str]] | None = None,
) -> Lifecycle[S | Superseded]:
    """A case's table with the moves of supersession: `supersede` from the states whose work is
    rectification (`supersede_from`), after the case's own moves, and the return `resume` back
    over it, after the case's own returns."""
    moves: dict[str, tuple[Iterable[S | Superseded], S | Superseded]] = {
        **table,
        SUPERSEDE: (supersede_from, SUPERSEDED),
    }
    back: dict[str, tuple[Iterable[S | Superseded], str]] = {
        **(returns or {}),
        RESUME: ([SUPERSEDED], SUPERSEDE),
    }
    return Lifecycle.of(moves, back)


class Trigger(BaseModel):
    """The shutdown or closure, by another agency, that supersedes a case."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: str = Field(description="The CloudEvents id of the shutdown or closure")
    event_type: str = Field(description="Its type")
    dimension: str = Field(description="The dimension that shut the enterprise down")
    effective_on: date = Field(description="The date it took effect")
    sequence: int | None = Field(
        default=None, description="Its number in its agency's stream of events on the enterprise"
    )

    def repeats(self, earlier: Trigger) -> bool:
        """Whether this is `earlier` again, or an event its agency published before it: a
        redelivery or a replay, which must not supersede a case resumed since."""
        if self.event_id == earlier.event_id:
            return True
        return (
            self.dimension == earlier.dimension
            and self.sequence is not None
            and earlier.sequence is not None
            and self.sequence <= earlier.sequence
        )


class Supersession(BaseModel):
    """One time a case was superseded: by what, from which state, and whether it resumed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    trigger: Trigger
    previous_state: str
    superseded_on: date
    resumed_on: date | None = None
    reason: str | None = Field(default=None, description="Why the case resumed")


class Supersedable(EnterpriseCase):
    """A case that a shutdown elsewhere can supersede, and its agency resume.

    The case's table is made by `supersedable`, which adds `supersede` (from the states whose
    work is rectification, to `superseded`) and the return `resume`; the case has `state`,
    `last_act_on` and `_facts`.
    """

    DIMENSION: ClassVar[str]
    LIFECYCLE: ClassVar[Lifecycle[Any]]

    supersessions: list[Supersession] = Field(default_factory=list)

    if TYPE_CHECKING:
        state: Any
        last_act_on: date

        def _facts(self, effective_on: date) -> dict[str, Any]: ...

        def mark_overdue(self, as_of: date) -> bool: ...

    def state_on(self, on: date) -> Any:
        """The case's state on `on`; a case with a deadline says overdue once it has passed,
        whether or not the sweep has recorded it (docs/domain.md)."""
        return self.state

    @property
    def superseded_by(self) -> Trigger | None:
        """The shutdown that supersedes the case now, if it is superseded."""
        if self.state is not SUPERSEDED or not self.supersessions:
            return None
        return self.supersessions[-1].trigger

    def supersede(self, trigger: Trigger) -> bool:
        """Supersede the case if its work is rectification; True if it changed.

        Any other state — closed, or on its own way to exit — is left alone and nothing is
        recorded, so a second trigger, or the same one again, changes nothing. Nor does a trigger
        that repeats one the case was already superseded by (the same event, or an earlier one
        of that agency's stream, by its sequence): a case resumed since stays resumed. The act
        takes effect on the trigger's date, or on the case's last act if that came later; a case
        past its deadline on that day is overdue, swept or not: superseded as overdue (the
        overdue recorded first, as the sweep would) where overdue cases are superseded, else
        left alone.
        """
        if any(trigger.repeats(past.trigger) for past in self.supersessions):
            return False
        on = max(trigger.effective_on, self.last_act_on)
        if self.state_on(on) not in self.LIFECYCLE.sources(SUPERSEDE):
            return False
        self.mark_overdue(on)
        previous = str(self.state)
        self.state, self.last_act_on = self.LIFECYCLE.move(SUPERSEDE, self.state), on
        self.supersessions = [
            *self.supersessions,
            Supersession(trigger=trigger, previous_state=previous, superseded_on=on),
        ]
        self._record(
            SUPERSEDED_EVENTS[self.DIMENSION](
                **self._facts(on), **_about(trigger), previous_state=previous
            )
        )
        return True

    def resume(self, reason: str, effective_on: date) -> None:
        """Resume a superseded case in the state it had (the shutdown was undone)."""
        why = stated(reason, "reason")
        in_order(effective_on, self.last_act_on, "effective_on")
        if not self.supersessions:
            raise Conflict("the case was never superseded", field="state", rule="lifecycle.resume")
        last = self.supersessions[-1]
        self.state = self.LIFECYCLE.move_back(RESUME, self.state, last.previous_state)
        self.last_act_on = effective_on
        resumed = last.model_copy(update={"resumed_on": effective_on, "reason": why})
        self.supersessions = [*self.supersessions[:-1], resumed]
        self._record(
            RESUMED[self.DIMENSION](**self._facts(effective_on), **_about(last.trigger), reason=why)
        )


def _about(trigger: Trigger) -> dict[str, Any]:
    return {
        "trigger_event_id": trigger.event_id,
        "trigger_type": trigger.event_type,
        "trigger_dimension": trigger.dimension,
        "trigger_effective_on": trigger.effective_on,
    }
