"""What the code did before its optimisations, kept runnable (`--before`), so that before and
after are measured in the same run on the same machine.

- `uncached_load_all`: `phaseout_shared.contracts.load_all` walked the contracts package with
  pkgutil on every `Envelope.payload()` call; it is now cached (it imports once).
- Per-event transactions: the consumer applied each event in its own transaction (a commit,
  and so a WAL flush, per event); it now applies each fetched batch in one. `EventConsumer`
  with `max_batch=1` is that earlier behaviour, and is what the bench runs as "before".
- `rebuild_per_event`: the rebuild applied each event in its own transaction with durable
  commits; it now applies each fetched batch in one, with `synchronous_commit = off`.
- `sdk_parsing`: every record went through the CloudEvents SDK (and dateutil); the records
  the platform writes are now read directly from their headers.
- `feeds_parse`: the revival watch's check of a feed file (`watch.feeds.parse`) built the set
  of the city's districts again for every district cell, and checked every cell of every row
  even where the same text had been checked lines before (an account's code, address, district
  and month repeat on each of its readings); each distinct text is now checked once per file,
  and the set is built once.
- `stdlib_json`: the consumer read each record's body with the standard library's `json`
  into an `Envelope` made by its `__init__` (`envelope._direct`), and the batch projection
  wrote its rows' JSON with `json.dumps` (a Python `default` for every date and decimal),
  each timeline row serialised on its own and joined as text, every other row copied into a
  dict of its columns first. The body is now read by pydantic's JSON parser, the envelope's
  fields set at once, and the rows written by orjson in one call per statement.
- `watch_load_before` (kept in `bench.before_watch`): the revival watch's load
  (`watch.store.load`) copied every batch's rows to a temporary table, however few, and
  decided in three statements; the rules read the enterprises' facts with `uscc = ANY(:codes)`,
  which PostgreSQL compares with the whole array on every row it scans (as it scans the rows a
  load has just written), read consumption as a row per enterprise and month, and inserted
  each alert on its own. A batch of up to `store.SMALL` rows now goes as arrays in one
  statement that decides all three, the codes are joined as a set, consumption comes as two
  arrays per enterprise, and the alerts are inserted together. (The variant it replaces,
  `watch_rows_returned`, was the same load with every inserted row returned to Python; its
  figures are in docs/benchmarks.md.)
- `commit_floor`: not a variant but the ceiling of any per-event consumer: how many one-row
  transactions per second this PostgreSQL commits.

Not kept runnable: the `INSERT ... ON CONFLICT` statements that SQLAlchemy compiled again for
every event (`sqlalchemy.dialects.postgresql.insert` has no cache key); they are now compiled
once. Their before is the figure recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from phaseout_aggregator.app import batch as batch_module
from phaseout_aggregator.app.projections import apply, timeline_row
from phaseout_aggregator.main import SPEC
from phaseout_aggregator.rebuild import CONSUMER, _parsed, _partitions
from phaseout_shared import contracts, migrations
from phaseout_shared import envelope as envelope_module
from phaseout_shared.bus import KafkaAccess
from phaseout_shared.consumer import Parsed, apply_once
from phaseout_shared.db import Database


@contextmanager
def sdk_parsing() -> Iterator[None]:
    """Every record parsed by the CloudEvents SDK, as all were before the direct reading of the
    platform's own records (`envelope._direct`)."""
    saved = getattr(envelope_module, "_direct")  # noqa: B009
    setattr(envelope_module, "_direct", lambda *_: None)  # noqa: B010
    try:
        yield
    finally:
        setattr(envelope_module, "_direct", saved)  # noqa: B010


def _stdlib_direct(
    key: bytes | None, value: bytes | None, h: dict[str, bytes]
) -> envelope_module.Envelope | None:
    """`envelope._direct` as it was: the body read by `json.loads`, the envelope made by its
    `__init__`."""
    try:
        if h.get("ce_specversion") != b"1.0" or h.get("content-type") != b"application/json":
            return None
        id_, type_, source = h["ce_id"].decode(), h["ce_type"].decode(), h["ce_source"].decode()
        subject, time = h.get("ce_subject"), datetime.fromisoformat(h["ce_time"].decode())
        data = json.loads(value) if value else None
    except (KeyError, ValueError):
        return None
    if not (id_ and type_ and source) or time.tzinfo is None or not isinstance(data, dict):
        return None
    acting = h.get(envelope_module.ACTING_AGENCY_HEADER)
    return envelope_module.Envelope(
        id=id_,
        type=type_,
        source=source,
        subject=subject.decode() if subject else (key or b"").decode(),
        time=time,
        data=data,
        trace={k: h[k].decode() for k in envelope_module.TRACE_HEADERS if k in h},
        body=value,
        acting_agency=acting.decode() if acting else None,
    )


def _stdlib_dumps(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":"))


COLUMNS = {
    batch_module.IDENTITY_SQL: batch_module.IDENTITY_COLUMNS,
    batch_module.CASE_SQL: batch_module.CASE_COLUMNS,
    batch_module.EXIT_SQL: batch_module.EXIT_COLUMNS,
    batch_module.REFERRAL_SQL: batch_module.REFERRAL_COLUMNS,
}


def stdlib_rows(sql: str, rows: list[dict[str, Any]]) -> str:
    """A statement's rows as `batch._write` serialised them: each copied into a dict of its
    table's columns, then `json.dumps`."""
    columns = COLUMNS[sql]
    return _stdlib_dumps([{c: r[c] for c in columns} for r in rows])


async def _stdlib_write(conn: asyncpg.Connection, sql: str, rows: list[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(sql, stdlib_rows(sql, rows))


def stdlib_timeline_json(events: Sequence[Parsed]) -> str:
    """`batch._timeline_json` as it was: each row serialised by `json.dumps`, the body spliced
    in as text."""
    rows = []
    for e in events:
        row = timeline_row(e.envelope, e.payload, e.delivery)
        data = row.pop("data")
        body = e.envelope.body.decode() if e.envelope.body else _stdlib_dumps(data)
        rows.append(f'{{"data":{body},{_stdlib_dumps(row)[1:]}')
    return f"[{','.join(rows)}]"


@contextmanager
def stdlib_json() -> Iterator[None]:
    """Bodies read by `json.loads`, the batch's rows written by `json.dumps`, as before."""
    olds: list[tuple[Any, str, Any]] = [
        (envelope_module, "_direct", _stdlib_direct),
        (batch_module, "_write", _stdlib_write),
        (batch_module, "_timeline_json", stdlib_timeline_json),
    ]
    saved = [(module, name, getattr(module, name)) for module, name, _ in olds]
    for module, name, old in olds:
        setattr(module, name, old)
    try:
        yield
    finally:
        for module, name, current in saved:
            setattr(module, name, current)


@contextmanager
def uncached_load_all() -> Iterator[None]:
    """`Envelope.payload()` walking the contracts package at every call, as it did."""
    saved = getattr(envelope_module, "load_all")  # noqa: B009
    setattr(envelope_module, "load_all", contracts.load_all.__wrapped__)  # noqa: B010
    try:
        yield
    finally:
        setattr(envelope_module, "load_all", saved)  # noqa: B010


async def rebuild_per_event(kafka: KafkaAccess, database_url: str) -> int:
    """The rebuild as it was: one transaction, durably committed, per event."""
    import asyncio

    await asyncio.to_thread(migrations.upgrade, database_url, SPEC.version_locations, SPEC.metadata)
    db = Database(database_url)
    consumer = AIOKafkaConsumer(**kafka.options(), enable_auto_commit=False)
    applied = 0
    try:
        await consumer.start()
        parts = await _partitions(kafka)
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        remaining = {tp for tp in parts if ends[tp] > 0}
        while remaining:
            for tp, records in (await consumer.getmany(*remaining, timeout_ms=500)).items():
                for record in records:
                    e = _parsed(record)
                    if e is not None:
                        applied += await apply_once(
                            db.sessions, CONSUMER, apply, e.envelope, e.payload, e.delivery
                        )
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()
        await db.dispose()
    return applied


async def commit_floor(sessions: async_sessionmaker[AsyncSession], n: int = 300) -> list[float]:
    """One-row transactions per second on this PostgreSQL, with synchronous_commit on and off:
    the ceiling of any consumer that commits once per event."""
    rates = []
    async with sessions.begin() as session:
        await session.execute(text("CREATE TABLE IF NOT EXISTS bench_floor (n int)"))
    for mode in ("on", "off"):
        started = time.perf_counter()
        for i in range(n):
            async with sessions.begin() as s:
                await s.execute(text(f"SET LOCAL synchronous_commit = {mode}"))
                await s.execute(text("INSERT INTO bench_floor VALUES (:n)"), {"n": i})
        rates.append(n / (time.perf_counter() - started))
    return rates


def feeds_parse(feed: Any, content: bytes, content_type: str) -> list[Any]:
    """`watch.feeds.parse` as it was: every cell of every row checked, the set of districts built
    for each district cell. The same problems, lines and columns as the current check."""
    from phaseout_shared.reference import District
    from phaseout_technology.watch import feeds

    def district(value: Any) -> str:
        text = feeds._present(value)
        if text not in {d.value for d in District}:
            raise ValueError(f"{text[:40]!r} is not a district of the city")
        return text

    def row(line: int, values: dict[str, Any]) -> tuple[Any, list[Any]]:
        problems: list[Any] = []

        def check(column: str, convert: Any) -> Any:
            try:
                return convert(values.get(column))
            except ValueError as exc:
                problems.append(feeds.Problem(line, column, str(exc)))
                return None

        uscc = check("uscc", feeds._uscc)
        where = check("district", district)
        period = check("period", feeds._period)
        reason = check("correction_reason", feeds._optional_text)
        fields = dict(
            account=check("account", feeds._text(64)),
            address=check("address", feeds._text(200)),
            kwh=check("kwh", feeds._amount),
            max_demand_kw=check("max_demand_kw", feeds._amount),
        )
        if problems:
            return None, problems
        return feeds.Reading(
            line, uscc, district=where, period=period, correction_reason=reason, **fields
        ), []

    assert feed is feeds.Feed.ELECTRICITY, "kept for the electricity feed the bench imports"
    table = feeds._csv(content)
    header = next(table)
    names = [str(c or "").strip().lower() for c in header[1]]
    problems = feeds._check_header(feed, names)
    rows: list[Any] = []
    for line, cells in table:
        if all(c in (None, "") for c in cells):
            continue
        if len(cells) > len(names):
            problems.append(
                feeds.Problem(line, "row", f"{len(cells)} cells, the header has {len(names)}")
            )
            continue
        values = dict(zip(names, [*cells, *[None] * (len(names) - len(cells))], strict=True))
        found, wrong = row(line, values)
        problems += wrong
        if found is not None:
            rows.append(found)
    if problems:
        raise feeds.Rejected(problems)
    return rows
