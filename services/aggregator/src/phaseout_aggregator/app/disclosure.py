"""The public disclosure list: what the agencies published, inside its publicity window."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import disclosures
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
                dimension=envelope.type.split(".")[1],
                published_on=payload.effective_on,
                **values,
            )
            .on_conflict_do_nothing()
        )
    elif isinstance(payload, DisclosureWithdrawn):
        await session.execute(
            update(disclosures)
            .where(disclosures.c.disclosure_id == str(payload.disclosure_id))
            .values(withdrawn_on=payload.effective_on)
        )


async def public_list(session: AsyncSession, as_of: date) -> list[PublicDisclosure]:
    t = disclosures
    rows = await session.execute(
        select(t)
        .where(t.c.publicity_from <= as_of, t.c.publicity_until >= as_of, t.c.published_on <= as_of)
        .where(or_(t.c.withdrawn_on.is_(None), t.c.withdrawn_on > as_of))
        .order_by(t.c.publicity_from.desc(), t.c.uscc)
    )
    return [PublicDisclosure.model_validate(dict(r._mapping)) for r in rows]
