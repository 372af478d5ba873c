"""A referral (跨部门移送) as a pure aggregate: received, accepted, acted on, or declined.

It is the plan's cross-agency follow-up made trackable: who asked whom to do what, because of
which event, by when, and what became of it.

A `revival_check` may also be settled elsewhere: its alert names several agencies and closes
with the first on-site check's outcome; the others' checks are then moot. Each open one is
closed as `settled_elsewhere`, naming that outcome and the agency that gave it, and refuses any
answer afterwards (409, `referral.settled_elsewhere`). One its receiver answered before the
alert's closing reached it stays as answered: a real check, on the record, that came second.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from uuid import UUID

from pydantic import Field

from phaseout_shared.contracts.referral import (
    ACCEPTED,
    ACTED_ON,
    DECLINED,
    RECEIVED,
    SETTLED_ELSEWHERE,
    ReferralKind,
    ReferralState,
    SettledElsewhere,
)
from phaseout_shared.contracts.technology import WatchOutcome
from phaseout_shared.domain.aggregate import Aggregate
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.statemachine import Lifecycle
from phaseout_shared.reference import USCC, Agency, District

State = ReferralState | SettledElsewhere
SETTLED = SettledElsewhere.SETTLED_ELSEWHERE
LIFECYCLE: Lifecycle[State] = Lifecycle.of(
    {
        "accept": ([ReferralState.RECEIVED], ReferralState.ACCEPTED),
        "act": ([ReferralState.RECEIVED, ReferralState.ACCEPTED], ReferralState.ACTED_ON),
        "decline": ([ReferralState.RECEIVED, ReferralState.ACCEPTED], ReferralState.DECLINED),
        "settle_elsewhere": ([ReferralState.RECEIVED, ReferralState.ACCEPTED], SETTLED),
    }
)
OPEN = [ReferralState.RECEIVED, ReferralState.ACCEPTED]


def referral_id(trigger_event_id: str, kind: ReferralKind, receiver: Agency) -> UUID:
    """The same trigger, kind and receiver always give the same referral: applied once in effect."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"phaseout:{trigger_event_id}:{kind}:{receiver}")


class Referral(Aggregate):
    referral_id: UUID
    kind: ReferralKind
    dimension: str = Field(description="The receiving service's dimension")
    sender: str
    receiver: Agency
    uscc: USCC
    district: District
    trigger_event_id: str
    trigger_type: str
    received_on: date
    due_on: date
    state: State = ReferralState.RECEIVED
    reason: str | None = None
    act_type: str | None = Field(default=None, description="The kind of act taken, if recorded")
    act_id: str | None = Field(default=None, description="The act taken, at this service")
    alert_id: UUID | None = Field(
        default=None, description="The revival-watch alert a revival_check is about"
    )
    order_case: str | None = Field(
        default=None, description="The case whose order the alert says is broken, if any"
    )
    outcome: WatchOutcome | None = Field(
        default=None, description="A revival_check acted on: the on-site check's outcome"
    )
    settled_by: Agency | None = Field(
        default=None,
        description="Settled elsewhere: the agency whose on-site check closed the alert",
    )
    settled_by_referral: UUID | None = Field(
        default=None,
        description="Settled elsewhere: the referral whose answer closed the alert, if any",
    )
    last_step_on: date

    @classmethod
    def receive(
        cls,
        *,
        dimension: str,
        kind: ReferralKind,
        receiver: Agency,
        sender: str,
        uscc: str,
        district: District,
        trigger_event_id: str,
        trigger_type: str,
        effective_on: date,
        due_in_days: int,
        due_on: date | None = None,
        alert_id: UUID | None = None,
        order_case: str | None = None,
    ) -> Referral:
        """Received on `effective_on`, due `due_in_days` later or on `due_on` (a revival-watch
        alert's check date)."""
        referral = cls(
            referral_id=referral_id(trigger_event_id, kind, receiver),
            kind=kind,
            dimension=dimension,
            sender=sender,
            receiver=receiver,
            uscc=uscc,
            district=district,
            trigger_event_id=trigger_event_id,
            trigger_type=trigger_type,
            received_on=effective_on,
            due_on=due_on or effective_on + timedelta(days=due_in_days),
            alert_id=alert_id,
            order_case=order_case,
            last_step_on=effective_on,
        )
        referral._emit(RECEIVED, effective_on)
        return referral

    def accept(self, effective_on: date) -> None:
        self._step("accept", effective_on, None)
        self._emit(ACCEPTED, effective_on)

    def act(
        self,
        what: str,
        effective_on: date,
        act_type: str | None = None,
        act_id: str | None = None,
        outcome: WatchOutcome | None = None,
    ) -> None:
        """Acted on: what was done, and the act the platform records for it, if any; a
        revival_check with the on-site check's outcome, which every other kind refuses."""
        checks = self.kind is ReferralKind.REVIVAL_CHECK
        if checks and outcome is None:
            raise InvalidInput(
                "a revival_check is answered with the on-site check's outcome: "
                + ", ".join(o.value for o in WatchOutcome),
                field="outcome",
                rule="referral.check_outcome",
            )
        if not checks and outcome is not None:
            raise InvalidInput(
                f"a {self.kind.value} referral has no on-site check outcome",
                field="outcome",
                rule="referral.check_outcome",
            )
        self._step("act", effective_on, what)
        self.act_type, self.act_id, self.outcome = act_type, act_id, outcome
        self._emit(ACTED_ON, effective_on)

    def decline(self, reason: str, effective_on: date) -> None:
        self._step("decline", effective_on, reason)
        self._emit(DECLINED, effective_on)

    def settles(self, alert_id: UUID, answered_by: UUID | None) -> bool:
        """Whether the closing of `alert_id` (by the answer to referral `answered_by`, if any)
        settles this referral elsewhere: an open revival_check of that alert, not the one
        whose answer closed it."""
        return (
            self.kind is ReferralKind.REVIVAL_CHECK
            and self.alert_id == alert_id
            and self.referral_id != answered_by
            and self.state in OPEN
        )

    def settle_elsewhere(
        self,
        outcome: WatchOutcome,
        found: str,
        closed_on: date,
        *,
        by: Agency | None,
        referral: UUID | None,
    ) -> None:
        """Closed as settled by another agency's on-site check of the same alert: its outcome
        and who gave it, from the alert's closing (or this referral's last step, if later)."""
        if self.kind is not ReferralKind.REVIVAL_CHECK or self.alert_id is None:
            raise Conflict(
                f"a {self.kind.value} referral is settled only by its receiver",
                field="kind",
                rule="referral.settled_elsewhere",
            )
        self.state = LIFECYCLE.move("settle_elsewhere", self.state)
        self.outcome, self.settled_by, self.settled_by_referral = outcome, by, referral
        found = found.strip() or outcome.value
        self.reason = f"{outcome.value} by {self._settler()}'s on-site check: {found}"
        self.last_step_on = max(self.last_step_on, closed_on)
        self._record(
            SETTLED_ELSEWHERE[self.dimension](
                **self._facts(),
                state=SETTLED,
                outcome=outcome,
                settled_by=by,
                settled_by_referral=referral,
                effective_on=self.last_step_on,
            )
        )

    def _settler(self) -> str:
        """Whose on-site check settled this referral: an agency, or the watch itself (an
        outcome recorded at the technology service)."""
        return "the technology service" if self.settled_by is None else self.settled_by.value

    def _facts(self) -> dict[str, object]:
        """What every event of the referral says of it, whatever its step."""
        return {
            "referral_id": self.referral_id,
            "kind": self.kind,
            "sender": self.sender,
            "receiver": self.receiver,
            "uscc": self.uscc,
            "district": self.district,
            "trigger_event_id": self.trigger_event_id,
            "trigger_type": self.trigger_type,
            "due_on": self.due_on,
            "reason": self.reason,
            "alert_id": self.alert_id,
            "order_case": self.order_case,
        }

    def overdue(self, as_of: date) -> bool:
        return self.state in OPEN and as_of > self.due_on

    def _step(self, action: str, effective_on: date, reason: str | None) -> None:
        if self.state is SETTLED:
            raise Conflict(
                f"the alert {self.alert_id} was closed by {self._settler()}'s on-site check "
                f"({self.outcome}) on {self.last_step_on}: this check is settled, "
                "nothing is left to answer",
                field="state",
                rule="referral.settled_elsewhere",
            )
        if reason is not None and not reason.strip():
            raise InvalidInput("reason must not be blank", field="reason")
        if effective_on < self.last_step_on:
            raise InvalidInput(
                f"effective_on {effective_on} is before the referral's last step "
                f"({self.last_step_on})",
                field="effective_on",
            )
        self.state = LIFECYCLE.move(action, self.state)
        self.reason, self.last_step_on = reason, effective_on

    def _emit(self, events: dict[str, type], effective_on: date) -> None:
        assert isinstance(self.state, ReferralState)
        self._record(
            events[self.dimension](
                **self._facts(),
                state=self.state,
                act_type=self.act_type,
                act_id=self.act_id,
                outcome=self.outcome,
                effective_on=effective_on,
            )
        )
