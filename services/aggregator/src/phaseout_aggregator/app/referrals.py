"""Referrals between agencies, as the city sees them: per enterprise, and the overdue ones."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import referrals
from phaseout_aggregator.app.access import Scope
from phaseout_aggregator.app.upsert import upsert_if_newer
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
    await upsert_if_newer(session, referrals, values, ("referral_id",), "updated_on")


async def referrals_in_scope(
    session: AsyncSession,
    scope: Scope,
    *,
    uscc: str | None = None,
    overdue_as_of: date | None = None,
) -> list[ReferralView]:
    q = select(referrals).order_by(referrals.c.due_on, referrals.c.referral_id)
    if uscc is not None:
        q = q.where(referrals.c.uscc == uscc)
    if scope.district is not None:
        q = q.where(referrals.c.district == scope.district)
    if scope.dimensions is not None:
        q = q.where(
            or_(
                referrals.c.dimension.in_(sorted(scope.dimensions)),
                referrals.c.sender.in_(sorted(scope.dimensions)),
            )
        )
    if overdue_as_of is not None:
        q = q.where(referrals.c.state.in_(OPEN), referrals.c.due_on < overdue_as_of)
    return [ReferralView.model_validate(dict(r._mapping)) for r in await session.execute(q)]
