"""Tips from the 地条钢 reporting hotline (举报): received, checked, closed.

The plan: 积极对接国家部际联席会议设立的"地条钢"举报热线，按职责分工强化举报核查，依法依规处置.
A tip is assigned for checking (举报核查) with a due date; the check ends confirmed (the caller
then opens an elimination case) or unfounded, with the reason. The reporter's contact is kept
here for follow-up and never put on an event.

    received ── assign ──> assigned ── close_as_confirmed ──> confirmed
                           │  ^   └─── close_as_unfounded ──> unfounded
                           └──┘ (re-assign)
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TypedDict
from uuid import UUID

from pydantic import Field

from phaseout_shared.contracts.technology import (
    TipAssigned,
    TipClosed,
    TipOutcome,
    TipReceived,
)
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.domain.statemachine import Lifecycle, in_order
from phaseout_shared.reference import USCC, District
from phaseout_technology.domain.aggregate import (
    Aggregate,
    enterprise,
    refusing_invalid_input,
    stated,
)


class TipState(StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"
    CONFIRMED = "confirmed"
    UNFOUNDED = "unfounded"


TIP_LIFECYCLE: Lifecycle[TipState] = Lifecycle.of(
    {
        "assign": ([TipState.RECEIVED, TipState.ASSIGNED], TipState.ASSIGNED),
        "close_as_confirmed": ([TipState.ASSIGNED], TipState.CONFIRMED),
        "close_as_unfounded": ([TipState.ASSIGNED], TipState.UNFOUNDED),
    }
)


class _TipIds(TypedDict):
    tip_id: UUID
    uscc: str | None
    district: District | None
    effective_on: date


class Tip(Aggregate):
    """One tip from the hotline, until its check is closed."""

    tip_id: UUID
    summary: str = Field(min_length=1)
    reporter_contact: str | None = Field(default=None, repr=False)
    uscc: USCC | None = None
    district: District | None = None
    received_on: date
    state: TipState = TipState.RECEIVED
    assignee: str | None = None
    assigned_on: date | None = None
    due_on: date | None = None
    closed_on: date | None = None
    outcome: TipOutcome | None = None
    reason: str | None = None

    @classmethod
    def receive(
        cls,
        *,
        tip_id: UUID,
        summary: str,
        effective_on: date,
        reporter_contact: str | None = None,
        uscc: str | None = None,
        district: District | None = None,
    ) -> Tip:
        """A tip arrived; the contact is kept private."""
        with refusing_invalid_input():
            tip = cls(
                tip_id=tip_id,
                summary=stated(summary, "summary"),
                reporter_contact=(reporter_contact or "").strip() or None,
                uscc=None if uscc is None else enterprise(uscc),
                district=district,
                received_on=effective_on,
            )
        tip._record(TipReceived(**tip._ids(effective_on), summary=tip.summary))
        return tip

    def assign(self, assignee: str, due_on: date, effective_on: date) -> None:
        """Assign the tip for checking (举报核查), due on a date; re-assigning moves it."""
        TIP_LIFECYCLE.move("assign", self.state)
        who = stated(assignee, "assignee")
        if due_on < effective_on:
            raise InvalidInput(
                f"due_on {due_on} is before the assignment on {effective_on}", field="due_on"
            )
        self._step("assign", effective_on)
        self.assignee, self.assigned_on, self.due_on = who, effective_on, due_on
        self._record(TipAssigned(**self._ids(effective_on), assignee=who, due_on=due_on))

    def close_as_confirmed(
        self, findings: str, effective_on: date, uscc: str | None = None
    ) -> None:
        """The check confirmed the tip: the enterprise must be known, for a case to be opened."""
        TIP_LIFECYCLE.move("close_as_confirmed", self.state)
        found = stated(findings, "findings")
        named = self.uscc if uscc is None else enterprise(uscc)
        if named is None:
            raise InvalidInput("a confirmed tip must name the enterprise", field="uscc")
        self._step("close_as_confirmed", effective_on)
        self.uscc = named
        self._close(TipOutcome.CONFIRMED, found, effective_on)

    def close_as_unfounded(self, reason: str, effective_on: date) -> None:
        """The check found nothing: closed, saying why."""
        why = stated(reason, "reason")
        self._step("close_as_unfounded", effective_on)
        self._close(TipOutcome.UNFOUNDED, why, effective_on)

    def overdue(self, as_of: date) -> bool:
        """Assigned, still open, and its due date has passed."""
        return self.state is TipState.ASSIGNED and self.due_on is not None and as_of > self.due_on

    def _close(self, outcome: TipOutcome, reason: str, effective_on: date) -> None:
        self.outcome, self.reason, self.closed_on = outcome, reason, effective_on
        self._record(TipClosed(**self._ids(effective_on), outcome=outcome, reason=reason))

    def _step(self, action: str, effective_on: date) -> None:
        target = TIP_LIFECYCLE.move(action, self.state)
        in_order(effective_on, self.assigned_on or self.received_on, "effective_on", "the tip's")
        self.state = target

    def _ids(self, effective_on: date) -> _TipIds:
        return {
            "tip_id": self.tip_id,
            "uscc": self.uscc,
            "district": self.district,
            "effective_on": effective_on,
        }
