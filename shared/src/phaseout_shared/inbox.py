"""The idempotent inbox: an event id is applied once per consumer, in the applying transaction."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from phaseout_shared.db import inbox

CLAIM = text(
    "INSERT INTO inbox (consumer, event_id) VALUES (:consumer, :event_id)"
    " ON CONFLICT DO NOTHING RETURNING event_id"
)
"""As text: SQLAlchemy would compile its `insert().on_conflict_do_nothing()` again for every
event (the construct has no cache key); text is compiled once and prepared once per connection."""


CLAIM_MANY = text(
    "INSERT INTO inbox (consumer, event_id) SELECT :consumer, unnest(CAST(:event_ids AS text[]))"
    " ON CONFLICT DO NOTHING RETURNING event_id"
)


async def claim(session: AsyncSession, consumer: str, event_id: str) -> bool:
    """Record the event as applied; False if this consumer applied it before."""
    result = await session.execute(CLAIM, {"consumer": consumer, "event_id": event_id})
    return result.first() is not None


async def claim_many(session: AsyncSession, consumer: str, event_ids: list[str]) -> set[str]:
    """Record the events as applied, in one statement; the ids this consumer had not applied
    before (an id given twice is claimed once)."""
    if not event_ids:
        return set()
    result = await session.execute(CLAIM_MANY, {"consumer": consumer, "event_ids": event_ids})
    return set(result.scalars())


async def purge(sessions: async_sessionmaker[AsyncSession], retention: timedelta) -> int:
    """Forget applied ids older than the retention period (far beyond any redelivery)."""
    async with sessions.begin() as session:
        result = await session.execute(
            delete(inbox).where(inbox.c.applied_at < func.now() - retention)
        )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
