"""The projections of a batch of events, set-based: one statement per table per batch.

`apply` (in `projections`) applies one event at a time; this applies a fetched batch, already
claimed in the inbox, with the same rows: each table's rows built by the same functions
(`timeline_row`, `identity_row`, `case_row`, `exit_row`, `referral_row`) and written in one
`INSERT … SELECT … FROM unnest(…)` per table. Applying the batch must leave the tables exactly
as applying its events one by one in order would, so where one event's projection reads what
an earlier one of the batch wrote, the batch is cut there into segments applied in order:

- a case event that does not carry its industry takes it from the register (`identity`): an
  identity event for the same enterprise after such a case event starts a new segment;
- a disclosure's publication looks on the timeline for its withdrawal: a second event about
  the same disclosure starts a new segment (disclosures are few, and applied one by one).

A revival-watch alert's closing reads the row its raising wrote; both are applied one by one,
in order, after the segment's set-based statements (which never touch the alerts' table), so
they need no cut.

Of several identity events for one register row in a segment, the newest (by the rule of
`upsert_if_newer`, the order the events came in for equals) is written, over the stored row
only if it is newer: the result of applying them one after the other. The statements run on
the session's own connection, in its transaction (the inbox claim's), through the driver:
prepared once per connection, and no per-statement work in SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import asyncpg
import orjson
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import (
    case_events,
    exit_events,
    identity,
    referral_events,
    timeline,
)
from phaseout_aggregator.app.cases import case_row, exit_row
from phaseout_aggregator.app.projections import (
    IDENTITY_EVENTS,
    IDENTITY_KEY,
    PROJECTORS,
    identity_row,
    noun_verb,
    timeline_row,
)
from phaseout_aggregator.app.referrals import REFERRAL_EVENTS, referral_row
from phaseout_shared.consumer import Parsed

DISCLOSURE_EVENTS = frozenset({"disclosure.published", "disclosure.withdrawn"})


def _insert_sql(table: Table, columns: Sequence[str], conflict: str) -> str:
    """`INSERT INTO t (…) SELECT … FROM json_populate_recordset(NULL::t, $1) AS u <conflict>`:
    the batch's rows travel as one JSON array, each value typed by the table's own columns
    (one parameter to encode, rather than an array per column and a check per value)."""
    names = ", ".join(f'"{c}"' for c in columns)
    selected = ", ".join(f'u."{c}"' for c in columns)
    return (
        f'INSERT INTO "{table.name}" AS old ({names}) SELECT {selected} '
        f'FROM json_populate_recordset(NULL::"{table.name}", $1::json) AS u {conflict}'
    )


TIMELINE_COLUMNS = (
    "event_id",
    "uscc",
    "type",
    "dimension",
    "source",
    "topic",
    "partition",
    "offset",
    "effective_on",
    "recorded_at",
    "data",
    "sequence",
    "acting_agency",
)
IDENTITY_COLUMNS = (
    "uscc",
    "dimension",
    "name",
    "district",
    "industry",
    "address",
    "effective_on",
    "event_id",
    "recorded_at",
    "sequence",
)
CASE_COLUMNS = (
    "event_id",
    "dimension",
    "case_id",
    "uscc",
    "district",
    "industry",
    "state",
    "deadline",
    "effective_on",
    "recorded_at",
    "sequence",
    "type",
)
EXIT_COLUMNS = tuple(c.name for c in exit_events.columns)
REFERRAL_COLUMNS = tuple(c.name for c in referral_events.columns)

NEWER = (
    "old.effective_on < EXCLUDED.effective_on OR (old.effective_on = EXCLUDED.effective_on AND ("
    "(EXCLUDED.sequence IS NOT NULL AND (old.sequence IS NULL OR old.sequence < EXCLUDED.sequence))"
    " OR (EXCLUDED.sequence IS NULL AND old.sequence IS NULL"
    " AND old.recorded_at <= EXCLUDED.recorded_at)))"
)
"""`upsert_if_newer`'s rule, for the identity rows."""

TIMELINE_SQL = _insert_sql(timeline, TIMELINE_COLUMNS, "ON CONFLICT DO NOTHING")
IDENTITY_SQL = _insert_sql(
    identity,
    IDENTITY_COLUMNS,
    "ON CONFLICT (uscc, dimension) DO UPDATE SET "
    + ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in IDENTITY_COLUMNS if c not in IDENTITY_KEY)
    + f" WHERE {NEWER}",
)
EXIT_SQL = _insert_sql(exit_events, EXIT_COLUMNS, "ON CONFLICT DO NOTHING")
REFERRAL_SQL = _insert_sql(referral_events, REFERRAL_COLUMNS, "ON CONFLICT DO NOTHING")
CASE_SQL = _insert_sql(case_events, CASE_COLUMNS, "ON CONFLICT DO NOTHING").replace(
    'u."industry"',
    'COALESCE(u."industry", (SELECT i.industry FROM identity i WHERE i.uscc = u."uscc"'
    " ORDER BY i.dimension LIMIT 1))",
)
"""A case event without its industry takes the register's (as `project_case` does)."""


def newer(new: dict[str, Any], old: dict[str, Any]) -> bool:
    """`NEWER` in Python: whether `new` replaces `old` (the same register row)."""
    if old["effective_on"] != new["effective_on"]:
        return bool(old["effective_on"] < new["effective_on"])
    if new["sequence"] is not None:
        return old["sequence"] is None or old["sequence"] < new["sequence"]
    return old["sequence"] is None and old["recorded_at"] <= new["recorded_at"]


def segments(events: Sequence[Parsed]) -> Iterator[list[Parsed]]:
    """The batch cut where an event's projection would read what an earlier one wrote."""
    segment: list[Parsed] = []
    cases_without_industry: set[str] = set()
    disclosures: set[str] = set()
    for event in events:
        kind, fields = noun_verb(event.envelope.type), event.payload.__dict__
        cut = False
        if kind in IDENTITY_EVENTS:
            cut = fields.get("uscc") in cases_without_industry
        elif kind in DISCLOSURE_EVENTS:
            cut = str(fields.get("disclosure_id")) in disclosures
        if cut and segment:
            yield segment
            segment, cases_without_industry, disclosures = [], set(), set()
        segment.append(event)
        if kind in DISCLOSURE_EVENTS:
            disclosures.add(str(fields.get("disclosure_id")))
        elif "case_id" in fields and fields.get("industry") is None:
            cases_without_industry.add(event.envelope.subject)
    if segment:
        yield segment


async def apply_batch(session: AsyncSession, events: Sequence[Parsed]) -> None:
    """Apply events (claimed in the inbox, in the session's transaction) as `apply` would one
    by one, in order."""
    if not events:
        return
    conn = await _driver(session)
    for segment in segments(events):
        await _apply_segment(session, conn, segment)


async def _driver(session: AsyncSession) -> asyncpg.Connection:
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert isinstance(driver, asyncpg.Connection)
    if not driver.is_in_transaction():
        raise RuntimeError("a batch is applied inside the transaction that claimed it")
    return driver


async def _apply_segment(
    session: AsyncSession, conn: asyncpg.Connection, events: Sequence[Parsed]
) -> None:
    await conn.execute(TIMELINE_SQL, _timeline_json(events))
    registers: dict[tuple[str, str], dict[str, Any]] = {}
    cases, exits, referrals, singles = [], [], [], []
    for e in events:
        kind = noun_verb(e.envelope.type)
        if kind in IDENTITY_EVENTS:
            row = identity_row(e.envelope, e.payload)
            key = (row["uscc"], row["dimension"])
            if key not in registers or newer(row, registers[key]):
                registers[key] = row
        elif kind in REFERRAL_EVENTS:
            referrals.append(referral_row(e.envelope, e.payload))
        elif kind in PROJECTORS:
            singles.append(e)
        if "case_id" in e.payload.__dict__:  # as `apply`'s hasattr, without its exception
            case = case_row(e.envelope, e.payload)
            if case is not None:
                cases.append(case)
            exit_ = exit_row(e.envelope, e.payload)
            if exit_ is not None:
                exits.append(exit_)
    await _write(conn, IDENTITY_SQL, list(registers.values()))
    await _write(conn, CASE_SQL, cases)
    await _write(conn, EXIT_SQL, exits)
    await _write(conn, REFERRAL_SQL, referrals)
    for e in singles:  # disclosures, catalogues, watch alerts: few, each applied as `apply` does
        await PROJECTORS[noun_verb(e.envelope.type)](session, e.envelope, e.payload)


async def _write(conn: asyncpg.Connection, sql: str, rows: list[dict[str, Any]]) -> None:
    """Write `rows`, each with its table's columns as the row function made it (the statement
    names the columns it takes)."""
    if rows:
        await conn.execute(sql, _json(rows))


def _json(value: Any) -> str:
    """JSON as PostgreSQL reads it into the columns' types: dates and times in ISO 8601, a
    decimal (or anything else orjson does not know) as its text, a `Fragment` as the JSON it
    holds."""
    return orjson.dumps(value, default=str).decode()


def _timeline_json(events: Sequence[Parsed]) -> str:
    """The timeline rows as a JSON array, each event's `data` the body it came in (the same
    JSON) rather than serialised again."""
    rows = []
    for e in events:
        row = timeline_row(e.envelope, e.payload, e.delivery)
        if e.envelope.body:
            row["data"] = orjson.Fragment(e.envelope.body)
        rows.append(row)
    return _json(rows)
