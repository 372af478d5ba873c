"""Benchmark 7: the revival watch's import of monthly electricity readings vs PostgreSQL COPY.

N readings (default 1,000,000: one year of monthly readings for N/12 accounts, one account per
enterprise) as a CSV file are imported the way the API imports them into a fresh technology
database: checked in a worker thread (`feeds.parse`), then loaded in one transaction
(`store.load`: COPY into a temporary table, one statement that decides and writes, then the
rules over every enterprise touched). The same file is then imported again (nothing changes).
Apart, in the same run: the check alone, and the load alone of the checked rows into fresh
databases, as it is and as it was before (`bench.before_watch`). Baseline, same run: asyncpg's
binary `COPY` of the same rows into a table of the same shape with the same indexes, once
before the imports and once after them (on a shared machine the two differ: the ratios take
both).

A third of the enterprises carry a sealing the watch learnt before the import (an order row),
and a tenth of those draw power again after it, so the rules raise alerts inside the import:
the alert exists when the import's transaction commits. The check is also run as it was before
its optimisation (`bench.before.feeds_parse`), on the same file, in the same run.

The streamed path: the same readings as events on the grid company's topic
(`phaseout.grid.events`, `phaseout.grid.reading.recorded.v1`, as the grid's own principal),
consumed by the technology service run as a real process (its `technology-feeds` consumer: a
fetched batch loaded through the same `store.load`, the rules run over the enterprises it
touched) into a fresh database that knows the same sealings. Readings/s from the first record
produced to the last one applied (the group's committed offsets reach the topic's end; the
offsets are committed after the batch's transaction). Baselines, same run: a raw aiokafka
consumer reading the same records, and the same reader parsing each into its envelope and
payload; and the file's COPY above. With `--stream-batch N` (1 000 by default; 0: not), the
same readings are then streamed again as a metering system's collection runs would send them,
in events of N readings (`phaseout.grid.readings.recorded.v1`, each of one supply district and
keyed by it), into another fresh database that knows the same sealings: readings/s from the
first record produced to the last one applied, against the same COPY.

The time from a reading to its alert: enterprises whose sealing and pre-order readings the
watch already holds; one at a time, a reading that breaks the sealing is produced on the grid
topic (sent on a producer kept open, as the grid company's system keeps its own; the clock
starts as it is sent) or a one-row file imported over HTTP, and the bench waits for the alert
row in the service's database (polled) and for the alert's event on the technology topic
(relayed from the outbox). Baseline: the bus alone, an idempotent `acks=all` producer to a consumer.

With `load` (`--alert-load F`), the same trials are run again while the grid topic carries a
steady stream of other enterprises' readings at F times the rate the streamed path sustained
in the same run (paced every 100 ms by one idempotent producer, started a few seconds before
the first trial and kept up to the last): the time from a reading to its alert at the steady
rate, as the consumer sees it when its batches are full of other readings. The rate actually
offered and the consumer's lag when the trials end are reported beside the figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import random
import resource
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy import insert

from bench import before, before_watch
from bench.corpus import DISTRICTS, usccs
from bench.env import PORTS, Bench, partitions, pg, skip_group_to_end
from bench.latency import bus_latency
from bench.stats import Section, summary_ms
from phaseout_cli import stack
from phaseout_shared import migrations
from phaseout_shared.bus import KafkaAccess
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.feeds import ReadingRecorded, ReadingsRecorded
from phaseout_shared.db import Database
from phaseout_shared.envelope import Envelope, from_kafka, to_kafka
from phaseout_shared.outbox import Outbox, topic_of
from phaseout_technology.main import SPEC
from phaseout_technology.watch import feeds, store
from phaseout_technology.watch.api import import_path
from phaseout_technology.watch.tables import orders

SEALED = "phaseout.technology.case.sealed.v1"
READING = ReadingRecorded.event_type
READINGS = ReadingsRecorded.event_type
GRID = "phaseout.grid.events"
TECHNOLOGY = topic_of("technology")
FEEDS_GROUP = "technology-feeds"
IMPORTS = import_path(feeds.Feed.ELECTRICITY)
MONTHS = [date(2019, m, 1) for m in range(1, 13)]
NOW = datetime(2020, 3, 1, tzinfo=UTC)


def file_of(count: int, seed: int = 7) -> tuple[bytes, list[tuple[str, str, date]]]:
    """The CSV of `count` readings, and the sealings (uscc, district, on) the watch knows."""
    rng = random.Random(seed)
    accounts = max(1, count // len(MONTHS))
    lines = ["uscc,account,address,district,period,kwh,max_demand_kw"]
    sealings: list[tuple[str, str, date]] = []
    for n, code in enumerate(usccs(accounts, seed)):
        district = rng.choice(DISTRICTS)
        base = rng.randrange(10_000, 500_000)
        sealed = n % 3 == 0
        revived = sealed and n % 30 == 0
        if sealed:
            sealings.append((code, district, date(2019, 6, 10)))
        for period in MONTHS:
            kwh = base
            if sealed and period >= date(2019, 7, 1):
                kwh = base // 2 if revived and period >= date(2019, 9, 1) else base // 100
            lines.append(
                f"{code},GD{n:09d},深圳市{district}某路{n}号,{district},{period:%Y-%m},{kwh},"
                f"{kwh // 500}"
            )
    return ("\n".join(lines[: count + 1]) + "\n").encode(), sealings


async def _technology_database(bench: Bench, name: str) -> str:
    """A fresh database of the bench stack with the technology service's tables; its URL."""
    url = await bench.database(name)
    await asyncio.to_thread(migrations.upgrade, url, SPEC.version_locations, SPEC.metadata)
    return url


async def _import(db: Database, content: bytes) -> tuple[float, store.ImportReport]:
    """The file imported as the API imports it: checked in a worker thread (`feeds.parse`),
    then loaded in one transaction (`store.load`); its time (s)."""
    outbox = Outbox(topic=topic_of("technology"), source="/phaseout/technology")
    started = time.perf_counter()
    rows = await asyncio.to_thread(feeds.parse, feeds.Feed.ELECTRICITY, content, "text/csv")
    async with db.sessions.begin() as session:
        report = await store.load(
            session, feeds.Feed.ELECTRICITY, rows, content, now=NOW, outbox=outbox
        )
    return time.perf_counter() - started, report


async def _load_alone(
    bench: Bench, rows: list[feeds.Row], content: bytes, sealings: list[tuple[str, str, date]]
) -> float:
    """The file's rows, checked before, loaded in one transaction (`store.load`, or the load
    as it was while `bench.before_watch` stands in for it) into a database of its own that
    knows the same sealings; its time (s)."""
    url = await _technology_database(bench, f"watch_{uuid.uuid4().hex[:8]}")
    db = Database(url)
    outbox = Outbox(topic=topic_of("technology"), source="/phaseout/technology")
    try:
        await _sealings(db, sealings)
        started = time.perf_counter()
        async with db.sessions.begin() as session:
            await store.load(session, feeds.Feed.ELECTRICITY, rows, content, now=NOW, outbox=outbox)
        return time.perf_counter() - started
    finally:
        await db.dispose()


async def _copy(url: str, content: bytes, table: str = "copy_readings") -> float:
    rows = feeds.parse(feeds.Feed.ELECTRICITY, content, "text/csv")
    records: list[tuple[Any, ...]] = [
        (
            r.account,
            r.period,
            1,
            True,
            r.uscc,
            r.district,
            r.address,
            r.kwh,
            r.max_demand_kw,
            None,
            "copy",
            NOW,
        )
        for r in rows
        if isinstance(r, feeds.Reading)
    ]
    async with pg(url) as conn:
        await conn.execute(f"CREATE TABLE {table} (LIKE watch_readings INCLUDING ALL)")
        started = time.perf_counter()
        async with conn.transaction():
            await conn.copy_records_to_table(
                table,
                records=records,
                columns=[
                    "account",
                    "period",
                    "revision",
                    "current",
                    "uscc",
                    "district",
                    "address",
                    "kwh",
                    "max_demand_kw",
                    "correction_reason",
                    "import_id",
                    "recorded_at",
                ],
            )
        return time.perf_counter() - started


def peak_rss_mb() -> float:
    """The bench process's peak resident set so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def service_peak_mb(pid: int | None) -> float:
    """A process's peak resident set (`VmHWM`), in MB; NaN if it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return math.nan


async def _sealings(db: Database, sealings: list[tuple[str, str, date]]) -> None:
    """The sealings the watch has learnt (as its orders' consumer records them)."""
    async with db.sessions.begin() as session:
        await session.execute(
            insert(orders),
            [
                {
                    "event_id": str(uuid.uuid4()),
                    "event_type": SEALED,
                    "uscc": code,
                    "district": district,
                    "ref": str(uuid.uuid4()),
                    "measure": None,
                    "effective_on": on,
                }
                for code, district, on in sealings
            ],
        )


async def run(
    bench: Bench,
    section: Section,
    count: int,
    trials: int = 30,
    streamed: int | None = None,
    load: float | None = None,
    batch: int = 0,
) -> None:
    """The file import of `count` readings; the streamed path with `streamed` of them (all by
    default, none with 0), then `trials` readings to their alerts each way (none with 0), idle
    and, with `load`, again under a stream at `load` times the streamed path's rate; with
    `batch`, the streamed path again in events of `batch` readings."""
    copy_rate = await file_import(bench, section, count)
    streamed = count if streamed is None else streamed
    if streamed or trials:
        await stream(bench, section, streamed, copy_rate, trials, load, batch)


async def file_import(bench: Bench, section: Section, count: int) -> float:
    """Benchmark 7's file part; returns COPY's rate (rows/s)."""
    print(f"\nwatch: making a file of {count} readings ...", flush=True)
    content, sealings = file_of(count)
    url = await _technology_database(bench, f"watch_{uuid.uuid4().hex[:8]}")
    db = Database(url)
    try:
        await _sealings(db, sealings)
        copy_first = await _copy(url, content, "copy_readings_first")
        started = time.perf_counter()
        before_rows = len(before.feeds_parse(feeds.Feed.ELECTRICITY, content, "text/csv"))
        before_s = time.perf_counter() - started
        started = time.perf_counter()
        rows = feeds.parse(feeds.Feed.ELECTRICITY, content, "text/csv")
        parse_s = time.perf_counter() - started
        assert before_rows == len(rows)
        import_s, first = await _import(db, content)
        load_s = await _load_alone(bench, rows, content, sealings)
        with before_watch.watch_load_before():
            before_load_s = await _load_alone(bench, rows, content, sealings)
        n = first.rows
        assert n == len(rows)
        del rows
        section.add("readings in the file", n, "rows", f"{len(content) / 1e6:.1f} MB CSV")
        section.add("import: check every row (feeds.parse)", n / parse_s, "rows/s")
        section.add(
            "  the check as it was before (bench.before.feeds_parse)", n / before_s, "rows/s"
        )
        section.ratio("check, now / before", before_s, parse_s, "same file, same run")
        section.add(
            "import: load alone, one transaction (store.load), into a fresh database",
            n / load_s,
            "rows/s",
            f"{load_s:.1f}s, rules over every enterprise",
        )
        section.add(
            "  the load as it was before (bench.before_watch), into a fresh database",
            n / before_load_s,
            "rows/s",
            f"{before_load_s:.1f}s",
        )
        section.ratio("load, now / before", before_load_s, load_s, "same file, same run")
        sequential = n / (parse_s + load_s)
        section.add("import: check, then load", sequential, "rows/s")
        total = n / import_s
        section.add(
            "import as the API does it: checked in a worker thread, then loaded",
            total,
            "rows/s",
            f"{import_s:.1f}s; {len(first.alerts_raised)} alerts",
        )
        again_s, second = await _import(db, content)
        section.add(
            "the same file again (changes nothing)",
            n / again_s,
            "rows/s",
            f"new {second.new}, corrected {second.corrected}, alerts {len(second.alerts_raised)}",
        )
        copy_last = await _copy(url, content, "copy_readings_last")
        copy_s = (copy_first + copy_last) / 2
        section.add(
            "baseline: asyncpg COPY of the same rows, before the imports",
            n / copy_first,
            "rows/s",
        )
        section.add("  and again after them", n / copy_last, "rows/s")
        section.add("  COPY's rate over the two", n / copy_s, "rows/s", "the ratios' baseline")
        section.ratio("load alone (store.load) / COPY", n / load_s, n / copy_s)
        section.ratio("check, then load (apart) / COPY", sequential, n / copy_s)
        section.ratio("import as the API does it / COPY", total, n / copy_s, "target ≥ 0.33")
        section.add("peak RSS of the bench process so far", peak_rss_mb(), "MB")
        return n / copy_s
    finally:
        await db.dispose()


def _reading_body(
    code: str, account: str, address: str, district: str, period: date, kwh: int
) -> dict[str, Any]:
    """A `ReadingRecorded` payload as its JSON has it."""
    return {
        "sequence": None,
        "uscc": code,
        "district": district,
        "period": period.isoformat(),
        "correction_reason": None,
        "account": account,
        "address": address,
        "kwh": str(kwh),
        "max_demand_kw": str(kwh // 500),
    }


def _grid_record(
    kind: str, subject: str, body: dict[str, Any]
) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """Key, value and headers of a grid record of type `kind`, as `to_kafka` writes it (checked
    against it in `_same_as_to_kafka`), without its per-record cost."""
    headers = [
        ("ce_id", str(uuid.uuid4()).encode()),
        ("ce_type", kind.encode()),
        ("ce_source", b"/phaseout/grid"),
        ("ce_subject", subject.encode()),
        ("ce_time", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ").encode()),
        ("content-type", b"application/json"),
        ("ce_specversion", b"1.0"),
    ]
    return subject.encode(), json.dumps(body).encode(), headers


def _reading_record(
    code: str, account: str, address: str, district: str, period: date, kwh: int
) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """A `phaseout.grid.reading.recorded.v1` record, keyed by the enterprise."""
    return _grid_record(READING, code, _reading_body(code, account, address, district, period, kwh))


def _same_as_to_kafka(
    record: tuple[bytes, bytes, list[tuple[str, bytes]]], model: type[EventPayload]
) -> None:
    key, value, headers = record
    payload = model.model_validate(json.loads(value))
    envelope = Envelope.of(
        payload, source="/phaseout/grid", subject=key.decode(), time=datetime.now(UTC)
    )
    k, v, h = to_kafka(envelope)
    assert (k, v) == (key, value), (v, value)
    assert [n for n, _ in h] == [n for n, _ in headers]


def _file_readings(content: bytes) -> Iterator[tuple[str, str, str, str, date, int]]:
    for line in content.decode().splitlines()[1:]:
        code, account, address, district, period, kwh, _ = line.split(",")
        yield code, account, address, district, date.fromisoformat(f"{period}-01"), int(kwh)


def _grid_records(
    content: bytes,
) -> Iterator[tuple[bytes, bytes, list[tuple[str, bytes]]]]:
    """The file's readings, in its order, as the grid company's system would publish them: an
    event per reading."""
    for n, reading in enumerate(_file_readings(content)):
        record = _reading_record(*reading)
        if n == 0:
            _same_as_to_kafka(record, ReadingRecorded)
        yield record


def _grid_batches(
    content: bytes, size: int
) -> Iterator[tuple[bytes, bytes, list[tuple[str, bytes]]]]:
    """The file's readings as a metering system's collection runs would publish them: events
    of up to `size` readings (`phaseout.grid.readings.recorded.v1`), each of one supply
    district and keyed by it, in the file's order within the district."""
    by_district: dict[str, list[dict[str, Any]]] = {}
    for reading in _file_readings(content):
        by_district.setdefault(reading[3], []).append(_reading_body(*reading))
    first = True
    for district, bodies in by_district.items():
        for at in range(0, len(bodies), size):
            body = {"sequence": None, "readings": bodies[at : at + size]}
            record = _grid_record(READINGS, district, body)
            if first:
                _same_as_to_kafka(record, ReadingsRecorded)
                first = False
            yield record


async def produce(kafka: KafkaAccess, records: Iterable[Any], chunk: int = 2000) -> int:
    """Produce on the grid topic as the grid company's system would: idempotent, `acks=all`,
    in batches of up to 1 MB (the producer of the platform's own relay sends small batches, a
    few dozen of these records each, which would make the bench's producer the bottleneck);
    the count sent."""
    producer = AIOKafkaProducer(
        **kafka.options(),
        client_id="bench-grid",
        enable_idempotence=True,
        acks="all",
        linger_ms=20,
        max_batch_size=1_000_000,
        max_request_size=2_000_000,
    )
    await producer.start()
    sent = 0
    try:
        pending: list[asyncio.Future[Any]] = []
        for key, value, headers in records:
            pending.append(await producer.send(GRID, value, key=key, headers=headers))
            sent += 1
            if len(pending) >= chunk:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return sent


async def _committed(kafka: KafkaAccess, group: str) -> int:
    """The records of the grid topic `group` has committed (its offsets, summed)."""
    admin = AIOKafkaAdminClient(**kafka.options())
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return sum(o.offset for tp, o in offsets.items() if tp.topic == GRID and o.offset > 0)


async def _grid_end(kafka: KafkaAccess) -> int:
    """The records on the grid topic (its end offsets, summed)."""
    parts = await partitions(kafka, [GRID])
    consumer = AIOKafkaConsumer(**kafka.options(), enable_auto_commit=False)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(parts)
        return sum(ends.values())
    finally:
        await consumer.stop()


async def _read_grid(kafka: KafkaAccess, parse: bool) -> tuple[int, float]:
    """A raw consumer (no group) reading the grid topic to its end; with `parse`, each record
    also decoded into its envelope and validated payload as the consumer does."""
    parts = await partitions(kafka, [GRID])
    consumer = AIOKafkaConsumer(
        **kafka.options(), enable_auto_commit=False, max_partition_fetch_bytes=2_000_000
    )
    await consumer.start()
    try:
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        remaining = {tp for tp in parts if ends[tp] > 0}
        count = 0
        started = time.perf_counter()
        while remaining:
            batches = await consumer.getmany(*remaining, timeout_ms=500, max_records=2000)
            for tp, records in batches.items():
                count += len(records)
                if parse:
                    for r in records:
                        from_kafka(r.key, r.value, list(r.headers)).payload()
                if records and records[-1].offset + 1 >= ends[tp]:
                    remaining.discard(tp)
        return count, time.perf_counter() - started
    finally:
        await consumer.stop()


async def stream(
    bench: Bench,
    section: Section,
    count: int,
    copy_rate: float,
    trials: int,
    load: float | None = None,
    batch: int = 0,
) -> None:
    """The streamed path through the technology service, then the time to an alert (idle, and
    with `load` under a steady stream at that share of the streamed path's rate); with
    `batch`, the streamed path again in events of that many readings."""
    content, sealings = file_of(count)
    url = await _technology_database(bench, "watch_stream")
    db = Database(url)
    await stack.aensure_topics(bench.config, [GRID, TECHNOLOGY], partitions=3)
    await skip_group_to_end(bench.kafka, FEEDS_GROUP, [GRID])
    start_at = await _committed(bench.kafka, FEEDS_GROUP)
    grid = stack.kafka_access(bench.config, "grid")
    try:
        await _sealings(db, sealings)
        bench.start(bench.service("technology", url))
        sustained = None
        if count:
            sustained = await _streamed(bench, section, url, content, start_at, copy_rate)
        if trials:
            await alert_latency(bench, section, db, url, grid, trials)
        if trials and load:
            if sustained is None:
                section.note("alert under load: no streamed rate measured (--streamed 0)")
            else:
                await alert_latency(
                    bench, section, db, url, grid, trials, load_rate=load * sustained
                )
        if count and batch:
            bench.stop("technology")
            await _streamed_in_batches(bench, section, content, sealings, copy_rate, batch)
    finally:
        bench.stop("technology")
        await db.dispose()


async def _streamed_in_batches(
    bench: Bench,
    section: Section,
    content: bytes,
    sealings: list[tuple[str, str, date]],
    copy_rate: float,
    size: int,
) -> None:
    """The streamed path again, the same readings in events of `size` readings each, into a
    fresh database that knows the same sealings (the service restarted on it)."""
    url = await _technology_database(bench, "watch_stream_batched")
    db = Database(url)
    try:
        await _sealings(db, sealings)
        start_at = await _committed(bench.kafka, FEEDS_GROUP)
        bench.start(bench.service("technology", url))
        count = content.count(b"\n") - 1
        print(f"\nwatch: producing {count} readings in events of {size} ...", flush=True)
        grid = stack.kafka_access(bench.config, "grid")
        # Made before the clock starts: writing the events' JSON is the metering system's work.
        records = list(_grid_batches(content, size))
        started = time.perf_counter()
        sent = await produce(grid, records, chunk=50)
        done = await _applied(bench.kafka, start_at, sent, started + max(900.0, count / 100))
        took = time.perf_counter() - started
        stored, raised = await _stored_and_raised(url)
        label = f"stream in events of {size} readings: first produced → last applied"
        detail = f"{done} of {sent} events applied in {took:.1f}s"
        section.add(
            label, stored / took, "readings/s", f"{detail}; {stored} stored, {raised} alerts"
        )
        if done < sent:
            section.note(f"stream in events: stopped waiting after {took:.0f}s")
        section.ratio(
            f"stream in events of {size} / COPY (file part)",
            stored / took,
            copy_rate,
            "target ≥ 0.33",
        )
    finally:
        await db.dispose()


async def _applied(kafka: KafkaAccess, start_at: int, sent: int, deadline: float) -> int:
    """How many of the `sent` records the feeds' consumer has applied (its committed offsets
    past `start_at`), waiting until all are or `deadline` (`time.perf_counter`) passes."""
    applied = start_at
    while applied - start_at < sent and time.perf_counter() < deadline:
        await asyncio.sleep(0.2)
        applied = await _committed(kafka, FEEDS_GROUP)
    return applied - start_at


async def _stored_and_raised(url: str) -> tuple[int, int]:
    """The current readings stored and the alerts raised in the service's database."""
    async with pg(url) as conn:
        stored = await conn.fetchval("SELECT count(*) FROM watch_readings WHERE current")
        raised = await conn.fetchval("SELECT count(*) FROM watch_alerts")
    return int(stored), int(raised)


async def _streamed(
    bench: Bench, section: Section, url: str, content: bytes, start_at: int, copy_rate: float
) -> float:
    """The streamed path; returns the rate it sustained (readings/s, first produced to last
    applied)."""
    grid = stack.kafka_access(bench.config, "grid")
    count = content.count(b"\n") - 1
    print(f"\nwatch: producing {count} readings on {GRID} ...", flush=True)
    started = time.perf_counter()
    sent = await produce(grid, _grid_records(content))
    produced_s = time.perf_counter() - started
    del content
    done = await _applied(bench.kafka, start_at, sent, started + max(900.0, count / 100))
    stream_s = time.perf_counter() - started
    stored, raised = await _stored_and_raised(url)
    section.add(
        f"stream: produced on {GRID} (bench, grid principal)",
        sent / produced_s,
        "records/s",
        f"{sent} in {produced_s:.1f}s",
    )
    section.add(
        "stream: first produced → last applied (technology-feeds)",
        done / stream_s,
        "readings/s",
        f"{done} of {sent} applied in {stream_s:.1f}s; {stored} stored, {raised} alerts",
    )
    section.add("  technology service's peak RSS", service_peak_mb(bench.pid("technology")), "MB")
    if done < sent:
        section.note(f"stream: stopped waiting after {stream_s:.0f}s, {done} of {sent}")
    n, raw_s = await _read_grid(bench.kafka, parse=False)
    section.add(f"baseline: raw aiokafka consumer, the same {n} records", n / raw_s, "records/s")
    n, parse_s = await _read_grid(bench.kafka, parse=True)
    section.add("  raw consumer + envelope and payload parsing", n / parse_s, "records/s")
    section.ratio("stream / raw consumer", done / stream_s, n / raw_s)
    section.ratio("stream / COPY (file part)", done / stream_s, copy_rate, "target ≥ 0.33")
    return done / stream_s


class _SteadyLoad:
    """Other enterprises' readings on the grid topic at a steady rate, until stopped: each
    100 ms, the records due by then, through one idempotent `acks=all` producer. Fresh
    accounts (12 monthly readings each, none with an order), so each reading is new to the
    watch and its rules run, as in a grid company's steady stream."""

    TICK = 0.1

    def __init__(self, kafka: KafkaAccess, rate: float, seed: int) -> None:
        self.kafka, self.rate, self.seed = kafka, rate, seed
        self.sent = 0
        self.started = 0.0
        self.stopped = 0.0
        self.task: asyncio.Task[None] | None = None

    def _records(self) -> Iterator[tuple[bytes, bytes, list[tuple[str, bytes]]]]:
        batch = 0
        while True:
            codes = usccs(10_000, seed=self.seed + batch)
            for n, code in enumerate(codes):
                account, address = f"GDS{batch:03d}{n:06d}", f"深圳市某路S{batch}-{n}号"
                district = DISTRICTS[n % len(DISTRICTS)]
                for period in MONTHS:
                    yield _reading_record(code, account, address, district, period, 80_000)
            batch += 1

    async def start(self) -> None:
        self.producer = AIOKafkaProducer(
            **self.kafka.options(),
            client_id="bench-grid-load",
            enable_idempotence=True,
            acks="all",
            linger_ms=5,
            max_batch_size=1_000_000,
            max_request_size=2_000_000,
        )
        await self.producer.start()
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        records = self._records()
        self.started = time.perf_counter()
        pending: list[asyncio.Future[Any]] = []
        while True:
            due = int((time.perf_counter() - self.started + self.TICK) * self.rate)
            while self.sent < due:
                key, value, headers = next(records)
                pending.append(await self.producer.send(GRID, value, key=key, headers=headers))
                self.sent += 1
            if len(pending) > 5000:
                await asyncio.gather(*pending)
                pending.clear()
            await asyncio.sleep(self.TICK)

    async def stop(self) -> float:
        """Stop; the rate actually offered (records/s)."""
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        self.stopped = time.perf_counter()
        await self.producer.stop()
        return self.sent / max(self.stopped - self.started, 1e-9)


class _Alerts:
    """Watches the technology topic for alert events; when each subject's first one came."""

    def __init__(self, kafka: KafkaAccess) -> None:
        self.kafka = kafka
        self.seen: dict[str, float] = {}
        self.arrived: dict[str, asyncio.Event] = {}
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        parts = await partitions(self.kafka, [TECHNOLOGY])
        self.consumer = AIOKafkaConsumer(
            **self.kafka.options(), enable_auto_commit=False, fetch_max_wait_ms=20
        )
        await self.consumer.start()
        self.consumer.assign(parts)
        await self.consumer.seek_to_end(*parts)
        for tp in parts:
            await self.consumer.position(tp)
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            for records in (await self.consumer.getmany(timeout_ms=100)).values():
                now = time.time()
                for r in records:
                    h = dict(r.headers)
                    if h.get("ce_type", b"").endswith(b"alert.raised.v1"):
                        subject = h["ce_subject"].decode()
                        self.seen.setdefault(subject, now)
                        self.arrived.setdefault(subject, asyncio.Event()).set()

    async def wait(self, subject: str, within: float = 30) -> float | None:
        arrived = self.arrived.setdefault(subject, asyncio.Event())
        if subject not in self.seen:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(arrived.wait(), within)
        return self.seen.get(subject)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
        await self.consumer.stop()


async def _alert_row(conn: Any, code: str, within: float = 30) -> float | None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await conn.fetchval("SELECT 1 FROM watch_alerts WHERE uscc = $1", code):
            return time.time()
        await asyncio.sleep(0.005)
    return None


async def alert_latency(
    bench: Bench,
    section: Section,
    db: Database,
    db_url: str,
    grid: KafkaAccess,
    trials: int,
    load_rate: float | None = None,
) -> None:
    """Reading → alert, over the stream and over an HTTP import, one trial at a time; with
    `load_rate`, while other readings stream at that rate (records/s)."""
    loaded = load_rate is not None
    codes = usccs(2 * trials, seed=4343 if loaded else 4242)
    tag = "L" if not loaded else "U"
    district = DISTRICTS[0]
    base = 100_000
    await _sealings(db, [(c, district, date(2019, 6, 10)) for c in codes])
    history = [
        _reading_record(
            c, f"GD{tag}{n:07d}", f"深圳市某路{tag}{n}号", district, date(2019, m, 1), base
        )
        for n, c in enumerate(codes)
        for m in range(1, 6)
    ]
    await produce(grid, history)
    async with pg(db_url) as conn:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            have = await conn.fetchval(
                "SELECT count(*) FROM watch_readings WHERE uscc = ANY($1::text[])", codes
            )
            if have == len(history):
                break
            await asyncio.sleep(0.2)
        alerts = _Alerts(bench.kafka)
        await alerts.start()
        to_row: dict[str, list[float]] = {"stream": [], "http": []}
        to_event: dict[str, list[float]] = {"stream": [], "http": []}
        answered: list[float] = []
        http = httpx.AsyncClient(timeout=60)
        url = f"http://127.0.0.1:{PORTS['technology']}{IMPORTS}"
        headers = {**bench.headers("miit"), "content-type": "text/csv"}
        steady = None
        if load_rate is not None:
            steady = _SteadyLoad(grid, load_rate, seed=7000)
            await steady.start()
            await asyncio.sleep(5.0)  # the consumer reaches its steady state first
        offered, lag = 0.0, 0
        # The grid company's system keeps its producer open: a reading arrives when it is sent
        # on that producer, not when a new one has connected and authenticated first.
        producer = AIOKafkaProducer(
            **grid.options(), client_id="bench-grid-trials", enable_idempotence=True, acks="all"
        )
        try:
            await producer.start()
            for n, code in enumerate(codes):
                way = "stream" if n < trials else "http"
                account, address = f"GD{tag}{n:07d}", f"深圳市某路{tag}{n}号"
                record = _reading_record(code, account, address, district, date(2019, 8, 1), base)
                sent = time.time()
                if way == "stream":
                    key, value, record_headers = record
                    await producer.send_and_wait(GRID, value, key=key, headers=record_headers)
                else:
                    body = (
                        "uscc,account,address,district,period,kwh,max_demand_kw\n"
                        f"{code},{account},{address},{district},2019-08,{base},{base // 500}\n"
                    )
                    r = await http.post(url, content=body.encode(), headers=headers)
                    answered.append(time.time() - sent)
                    assert r.status_code == 201, r.text
                row = await _alert_row(conn, code)
                event = await alerts.wait(code)
                if row is not None:
                    to_row[way].append(row - sent)
                if event is not None:
                    to_event[way].append(event - sent)
        finally:
            await producer.stop()
            if steady is not None:
                offered = await steady.stop()
                lag = await _grid_end(bench.kafka) - await _committed(bench.kafka, FEEDS_GROUP)
            await http.aclose()
            await alerts.stop()
    under = "" if load_rate is None else " (under load)"
    if steady is not None:
        section.add(
            "alert under load: other readings offered on the grid topic",
            offered,
            "records/s",
            f"asked {load_rate:.0f}/s; {steady.sent} in {steady.stopped - steady.started:.1f}s; "
            f"consumer behind by {lag} records when the trials ended",
        )
    for way, label in (("stream", "reading produced"), ("http", "one-row file POSTed")):
        row_s, event_s = summary_ms(to_row[way]), summary_ms(to_event[way])
        section.add(
            f"alert{under}: {label} → alert row, p50",
            row_s["p50_ms"],
            "ms",
            f"p99 {row_s['p99_ms']:.0f} ms, max {row_s['max_ms']:.0f} ms, n {len(to_row[way])}",
        )
        section.add(
            f"alert{under}: {label} → alert event on {TECHNOLOGY}, p50",
            event_s["p50_ms"],
            "ms",
            f"p99 {event_s['p99_ms']:.0f} ms, max {event_s['max_ms']:.0f} ms, "
            f"n {len(to_event[way])}",
        )
    http_s = summary_ms(answered)
    section.add(
        f"  the import's HTTP answer (alert committed){under}, p50",
        http_s["p50_ms"],
        "ms",
        f"p99 {http_s['p99_ms']:.0f} ms",
    )
    if loaded:
        stream_row = summary_ms(to_row["stream"])
        section.ratio(
            "under load: stream reading → alert row p99",
            stream_row["p99_ms"],
            1000.0,
            "target: the alert within 1 s (ratio to 1 000 ms)",
        )
        return
    bus = summary_ms(await bus_latency(bench, 20, 2.0))
    section.add(
        "baseline: the bus alone, produce → consume p50 (20/s)",
        bus["p50_ms"],
        "ms",
        f"p99 {bus['p99_ms']:.0f} ms",
    )
    stream_row = summary_ms(to_row["stream"])
    section.ratio("stream reading → alert row p50 / bus p50", stream_row["p50_ms"], bus["p50_ms"])
    section.ratio(
        "stream reading → alert row p99 / bus p99",
        stream_row["p99_ms"],
        bus["p99_ms"],
        "target: the alert within 1 s",
    )
