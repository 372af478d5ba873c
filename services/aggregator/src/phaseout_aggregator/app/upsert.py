"""Projection rows: inserted once, or replaced only by newer facts; their SQL compiled once.

SQLAlchemy does not cache the compiled form of PostgreSQL's `INSERT ... ON CONFLICT` (its
construct has no cache key), so building it per event compiles it again for every event. Here
each statement is compiled once per table and set of columns, kept as text with typed bound
parameters, and asyncpg prepares it once per connection.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Table, TextClause, bindparam, or_, text
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.ext.asyncio import AsyncSession

_DIALECT = PGDialect(paramstyle="named")  # type: ignore[no-untyped-call]


def _as_text(statement: Insert, table: Table, columns: tuple[str, ...]) -> TextClause:
    """The statement's SQL, with its parameters typed as the table's columns (and its casts,
    `:data::JSONB`, escaped so that text() reads `::` as SQL, not as a parameter)."""
    sql = str(statement.compile(dialect=_DIALECT)).replace("::", r"\:\:")
    return text(sql).bindparams(*(bindparam(c, type_=table.c[c].type) for c in columns))


def _values(table: Table, columns: tuple[str, ...]) -> Insert:
    return insert(table).values({c: bindparam(c, type_=table.c[c].type) for c in columns})


@functools.cache
def _insert_new(table: Table, columns: tuple[str, ...]) -> TextClause:
    return _as_text(_values(table, columns).on_conflict_do_nothing(), table, columns)


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
    return _as_text(statement, table, columns)


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
