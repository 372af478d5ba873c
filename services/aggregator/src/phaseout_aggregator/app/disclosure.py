"""The public disclosure list: what the agencies published, inside its publicity window.

A withdrawal applied before its publication (out of its stream's order, e.g. a dead-lettered
publication replayed later) is not lost: the publication finds it on the timeline, where every
event is recorded before it is projected.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import disclosures, timeline
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.disclosure import DisclosurePublished, DisclosureWithdrawn
from phaseout_shared.envelope import Envelope


class PublicDisclosure(BaseModel):
    """What the public reads: the enterprise, the violation, the order, the window."""

    uscc: str
    name: str
    district: str
    industry: str
    dimension: str
    violation: str
    order: str
    publicity_from: date
    publicity_until: date


async def project_disclosure(
    session: AsyncSession, envelope: Envelope, payload: EventPayload
) -> None:
    if isinstance(payload, DisclosurePublished):
        values = payload.model_dump(include=set(PublicDisclosure.model_fields) - {"dimension"})
        await session.execute(
            insert(disclosures)
            .values(
                disclosure_id=str(payload.disclosure_id),
                dimension=envelope.dimension,
                published_on=payload.effective_on,
                **values,
            )
            .on_conflict_do_nothing()
        )
        withdrawn = await _withdrawn_on(session, str(payload.disclosure_id))
        if withdrawn is not None:
            await _withdraw(session, str(payload.disclosure_id), withdrawn)
    elif isinstance(payload, DisclosureWithdrawn):
        await _withdraw(session, str(payload.disclosure_id), payload.effective_on)


async def _withdraw(session: AsyncSession, disclosure_id: str, on: date) -> None:
    await session.execute(
        update(disclosures)
        .where(disclosures.c.disclosure_id == disclosure_id)
        .values(withdrawn_on=on)
    )


async def _withdrawn_on(session: AsyncSession, disclosure_id: str) -> date | None:
    """A withdrawal already on the timeline (it arrived before its publication)."""
    found: date | None = await session.scalar(
        select(timeline.c.effective_on).where(
            timeline.c.type.like("%.disclosure.withdrawn.%"),
            timeline.c.data["disclosure_id"].astext == disclosure_id,
        )
    )
    return found


async def public_list(session: AsyncSession, as_of: date) -> list[PublicDisclosure]:
    t = disclosures
    rows = await session.execute(
        select(t)
        .where(t.c.publicity_from <= as_of, t.c.publicity_until >= as_of, t.c.published_on <= as_of)
        .where(or_(t.c.withdrawn_on.is_(None), t.c.withdrawn_on > as_of))
        .order_by(t.c.publicity_from.desc(), t.c.uscc)
    )
    return [PublicDisclosure.model_validate(dict(r._mapping)) for r in rows]
