"""Closing an alert with its on-site check's outcome, whichever way the outcome arrives.

miit records it at the technology service (`POST /v1/watch/alerts/{id}/outcome`), or a named
agency answers its `revival_check` referral at its own service: the answer
(`phaseout.<dimension>.referral.acted_on.v2` with the outcome) reaches the watch's consumer,
which closes the alert through its inbox, so a redelivered answer changes nothing. Both go
through `close`: a confirmed revival of a technology elimination case re-opens the case in the
same transaction, and the city's exit list shows the capacity revived from the check's date.

An answer for an alert already closed (another named agency answered first, or miit recorded
the outcome) leaves the alert as it was: the first on-site check closed it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.referral import ReferralEvent, ReferralKind
from phaseout_shared.contracts.technology import WatchOutcome
from phaseout_shared.domain.errors import DomainError, NotFound
from phaseout_shared.outbox import Outbox
from phaseout_shared.reference import Agency
from phaseout_technology.adapters.tables import CASES
from phaseout_technology.watch.alert import Alert, AlertState
from phaseout_technology.watch.tables import ALERTS

log = logging.getLogger(__name__)
Emit = Callable[[Sequence[EventPayload], str], Awaitable[None]]
"""Put events on the technology topic (through the outbox), for an enterprise (the subject)."""


async def close(
    session: AsyncSession,
    alert: Alert,
    outcome: WatchOutcome,
    reason: str,
    effective_on: date,
    *,
    now: datetime,
    emit: Emit,
    by: Agency | None = None,
    referral_id: UUID | None = None,
    strict: bool = True,
) -> None:
    """Close the alert (Conflict if it is closed already) and, for a confirmed revival of a
    technology elimination case, re-open the case; save both and emit their events. A case
    that cannot be re-opened in its state (it is open again already) is a Conflict when
    `strict`, and left as it is otherwise (an answer given at another service cannot be
    refused here)."""
    alert.close(outcome, reason, effective_on, by=by, referral_id=referral_id)
    await ALERTS.save(session, alert, now)
    await emit(alert.pull_events(), alert.uscc)
    if outcome is WatchOutcome.REVIVAL_CONFIRMED and alert.elimination_case is not None:
        case = await CASES.get(session, str(alert.elimination_case))
        try:
            case.reopen_revival(
                description=f"revival watch alert {alert.alert_id} ({alert.rule}): {reason}",
                effective_on=effective_on,
            )
        except DomainError:
            if strict:
                raise
            log.info("case %s not re-opened for alert %s", case.case_id, alert.alert_id)
            return
        await CASES.save(session, case, now)
        # the case may be the exited enterprise's, the alert its successor's (a new code)
        await emit(case.pull_events(), case.uscc)


def is_check_answer(type_: str, payload: EventPayload) -> bool:
    """A `revival_check` referral answered with an outcome, at any agency's service."""
    return (
        type_.endswith(".referral.acted_on.v2")
        and isinstance(payload, ReferralEvent)
        and payload.kind is ReferralKind.REVIVAL_CHECK
        and payload.alert_id is not None
        and payload.outcome is not None
    )


async def apply_answer(
    session: AsyncSession, payload: EventPayload, *, now: datetime, outbox: Outbox
) -> Alert | None:
    """Close the alert the answer is about with its outcome; None if the alert was closed
    before (the first check's outcome stands) or is not this service's."""
    p: Any = payload
    assert isinstance(p, ReferralEvent) and p.alert_id is not None and p.outcome is not None
    try:
        alert = await ALERTS.get(session, str(p.alert_id))
    except NotFound:
        log.warning("revival_check %s answers an unknown alert %s", p.referral_id, p.alert_id)
        return None
    if alert.state is not AlertState.OPEN:
        return None

    async def emit(events: Sequence[EventPayload], subject: str) -> None:
        await outbox.append(session, events, subject=subject, at=now)

    await close(
        session,
        alert,
        p.outcome,
        p.reason or p.outcome.value,
        max(p.effective_on, alert.raised_on),
        now=now,
        emit=emit,
        by=p.receiver,
        referral_id=p.referral_id,
        strict=False,
    )
    return alert
