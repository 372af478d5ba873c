"""Projection rows that late events cannot overwrite."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, or_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession


async def upsert_if_newer(
    session: AsyncSession,
    table: Table,
    values: dict[str, Any],
    keys: tuple[str, ...],
    effective: str,
) -> None:
    """Insert a row, or replace it only with facts that took effect later (or, on the same day,
    were recorded later): a late event never overwrites what is newer."""
    statement = insert(table).values(values)
    newer = or_(
        table.c[effective] < statement.excluded[effective],
        (table.c[effective] == statement.excluded[effective])
        & (table.c.recorded_at <= statement.excluded.recorded_at),
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c[k] for k in keys],
            set_={k: statement.excluded[k] for k in values if k not in keys},
            where=newer,
        )
    )
