"""Projection rows: inserted once, or replaced only by newer facts; their SQL compiled once
(`phaseout_shared.statements`: SQLAlchemy does not cache PostgreSQL's `INSERT ... ON CONFLICT`).
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Table, TextClause, or_
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared.statements import as_text
from phaseout_shared.statements import insert_new as _insert_new
from phaseout_shared.statements import values as _values


@functools.cache
def _upsert(
    table: Table, columns: tuple[str, ...], keys: tuple[str, ...], effective: str
) -> TextClause:
    statement = _values(table, columns)
    new, old = statement.excluded, table.c
    recorded_later = or_(
        new.sequence.is_not(None) & (old.sequence.is_(None) | (old.sequence < new.sequence)),
        new.sequence.is_(None) & old.sequence.is_(None) & (old.recorded_at <= new.recorded_at),
    )
    newer = or_(
        old[effective] < new[effective],
        (old[effective] == new[effective]) & recorded_later,
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c[k] for k in keys],
        set_={k: statement.excluded[k] for k in columns if k not in keys},
        where=newer,
    )
    return as_text(statement, table, columns)


async def insert_new(session: AsyncSession, table: Table, values: dict[str, Any]) -> None:
    """Insert a row unless its key is there already (a redelivered or replayed event)."""
    await session.execute(_insert_new(table, tuple(values)), values)


async def upsert_if_newer(
    session: AsyncSession,
    table: Table,
    values: dict[str, Any],
    keys: tuple[str, ...],
    effective: str,
) -> None:
    """Insert a row, or replace it only with newer facts: those that took effect later, or on
    the same day were recorded later by their source — a greater `sequence` in its stream (a
    row from an event without one, published before sequences existed, gives way to one that
    has it; two without, by their record times). A late event never overwrites what is newer."""
    await session.execute(_upsert(table, tuple(values), keys, effective), values)
