"""Referrals between agencies, as the city sees them: per enterprise, and the overdue ones.

Each referral event adds a row to the referral's history, so a referral as of a date is its
latest row on or before that date: one acted on in March was still open, and overdue, in
February.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import referral_events
from phaseout_aggregator.app.access import Scope
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.referral import ReferralEvent
from phaseout_shared.envelope import Envelope

OPEN = ("received", "accepted")


class ReferralView(BaseModel):
    referral_id: str
    dimension: str
    kind: str
    sender: str
    receiver: str
    uscc: str
    district: str
    state: str
    due_on: date
    trigger_type: str
    updated_on: date


async def project_referral(
    session: AsyncSession, envelope: Envelope, payload: EventPayload
) -> None:
    assert isinstance(payload, ReferralEvent)
    values: dict[str, Any] = {
        "event_id": envelope.id,
        "referral_id": str(payload.referral_id),
        "dimension": envelope.type.split(".")[1],
        "kind": payload.kind.value,
        "sender": payload.sender,
        "receiver": payload.receiver.value,
        "uscc": payload.uscc,
        "district": payload.district.value,
        "state": payload.state.value,
        "due_on": payload.due_on,
        "trigger_type": payload.trigger_type,
        "updated_on": payload.effective_on,
        "recorded_at": envelope.time,
    }
    await session.execute(insert(referral_events).values(values).on_conflict_do_nothing())


async def referrals_in_scope(
    session: AsyncSession,
    scope: Scope,
    as_of: date,
    *,
    uscc: str | None = None,
    overdue: bool = False,
) -> list[ReferralView]:
    """Referrals in scope at their state on `as_of`; with `overdue`, only those open past due."""
    t = referral_events
    rank = func.row_number().over(
        partition_by=t.c.referral_id, order_by=[t.c.updated_on.desc(), t.c.recorded_at.desc()]
    )
    q = select(t, rank.label("rank")).where(t.c.updated_on <= as_of)
    if uscc is not None:
        q = q.where(t.c.uscc == uscc)
    q = q.where(
        *scope.referral_filter(sender=t.c.sender, receiver=t.c.receiver, district=t.c.district)
    )
    sub = q.subquery()
    latest = select(sub).where(sub.c.rank == 1)
    if overdue:
        latest = latest.where(sub.c.state.in_(OPEN), sub.c.due_on < as_of)
    rows = await session.execute(latest.order_by(sub.c.due_on, sub.c.referral_id))
    return [ReferralView.model_validate(dict(r._mapping)) for r in rows]
