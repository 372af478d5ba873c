"""Statements compiled once, executed many times.

SQLAlchemy caches the compiled form of most statements, but not of PostgreSQL's
`INSERT … ON CONFLICT` (its construct has no cache key): built per call, it is compiled again
for every write, which on the write path cost more than the round trip it makes. Here each such
statement is compiled once per table, set of columns and conflict clause, kept as text with
parameters typed as the table's columns (their JSON, dates and decimals bound as the table
binds them) and its `RETURNING` columns typed as well; asyncpg prepares it once per connection.
"""

from __future__ import annotations

import functools

from sqlalchemy import Table, TextClause, bindparam, text
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.selectable import TextualSelect

_DIALECT = PGDialect(paramstyle="named")  # type: ignore[no-untyped-call]


def as_text(statement: UpdateBase, table: Table, columns: tuple[str, ...]) -> TextClause:
    """The statement's SQL, with its parameters typed as the table's columns (and its casts,
    `:data::JSONB`, escaped so that text() reads `::` as SQL, not as a parameter)."""
    sql = str(statement.compile(dialect=_DIALECT)).replace("::", r"\:\:")
    return text(sql).bindparams(*(bindparam(c, type_=table.c[c].type) for c in columns))


def values(table: Table, columns: tuple[str, ...]) -> Insert:
    """`INSERT INTO table (columns) VALUES (:column, …)`, each parameter typed as its column."""
    return insert(table).values({c: bindparam(c, type_=table.c[c].type) for c in columns})


@functools.cache
def insert_new(
    table: Table,
    columns: tuple[str, ...],
    returning: tuple[str, ...] = (),
    conflict: tuple[str, ...] = (),
) -> TextClause | TextualSelect:
    """Insert a row of `columns` unless it conflicts (on the `conflict` columns' index, or any
    unique index when none are named), returning the `returning` columns of a row inserted."""
    statement = values(table, columns).on_conflict_do_nothing(
        index_elements=[table.c[c] for c in conflict] or None
    )
    if not returning:
        return as_text(statement, table, columns)
    kept = [table.c[c] for c in returning]
    return as_text(statement.returning(*kept), table, columns).columns(*kept)


@functools.cache
def insert_rows(table: Table, columns: tuple[str, ...]) -> TextClause:
    """A plain insert of a row of `columns`, for many rows at once (executed with a list of
    them): a row whose key is taken fails the statement, and so its transaction."""
    return as_text(values(table, columns), table, columns)
