"""Benchmarks 1 and 5: the aggregator's projection throughput, and its rebuild from the topics.

The baseline is a raw aiokafka consumer reading the same events from the same topics: the
ceiling of Python on this broker. Between the two, "parse only" decodes each record into its
envelope and validated payload, as the consumer does before it opens a transaction: what is
left after that is the database.
"""

from __future__ import annotations

import asyncio
import io
import statistics
import time
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

from bench import sink
from bench.before import (
    commit_floor,
    rebuild_per_event,
    sdk_parsing,
    stdlib_json,
    uncached_load_all,
)
from bench.env import AGENCY_TOPICS, Bench, aend_offsets, partitions, pg
from bench.stats import Section, stopwatch
from phaseout_aggregator.app.batch import apply_batch
from phaseout_aggregator.app.projections import apply
from phaseout_aggregator.main import SPEC
from phaseout_aggregator.rebuild import rebuild
from phaseout_shared import migrations, telemetry
from phaseout_shared.bus import KafkaAccess, dead_letters_of, make_producer
from phaseout_shared.consumer import MAX_BATCH, EventConsumer
from phaseout_shared.db import Database
from phaseout_shared.envelope import from_kafka
from phaseout_shared.settings import Settings

Visit = Callable[[ConsumerRecord[bytes, bytes]], Any]


async def read_all(kafka: KafkaAccess, visit: Visit | None = None) -> tuple[int, float]:
    """Read every record of the agency topics from the start up to their current end, with a
    raw consumer (no group); returns (records, seconds)."""
    parts = await partitions(kafka, AGENCY_TOPICS)
    consumer = AIOKafkaConsumer(
        **kafka.options(),
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=2_000_000,
    )
    await consumer.start()
    try:
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        remaining: set[TopicPartition] = {tp for tp in parts if ends[tp] > 0}
        count = 0
        started = time.perf_counter()
        while remaining:
            batches = await consumer.getmany(*remaining, timeout_ms=500, max_records=2000)
            for tp, records in batches.items():
                count += len(records)
                if visit is not None:
                    for record in records:
                        visit(record)
                if records and records[-1].offset + 1 >= ends[tp]:
                    remaining.discard(tp)
        return count, time.perf_counter() - started
    finally:
        await consumer.stop()


def _parse(record: ConsumerRecord[bytes, bytes]) -> None:
    from_kafka(record.key, record.value, list(record.headers)).payload()


async def baseline(bench: Bench, section: Section, repeat: int = 3, before: bool = False) -> float:
    """The raw consumer's rate (median of `repeat` reads); also prints the parse-only rate."""
    rates = []
    for _ in range(repeat):
        n, seconds = await read_all(bench.kafka)
        rates.append(n / seconds)
    raw = statistics.median(rates)
    section.add(f"raw aiokafka consumer ({n} records, median of {repeat})", raw, "events/s")
    plain = statistics.median([n / (await read_all(bench.plain))[1] for _ in range(repeat)])
    section.add("  same over PLAINTEXT (no TLS, SASL or ACLs)", plain, "events/s")
    section.ratio("raw consumer, secured / plain", raw, plain, "the bus's security cost")
    n, seconds = await read_all(bench.kafka, _parse)
    section.add("raw consumer + envelope and payload parsing", n / seconds, "events/s")
    if before:
        with stdlib_json():
            n, seconds = await read_all(bench.kafka, _parse)
        section.add("  same, before: bodies by the standard json", n / seconds, "events/s")
        with sdk_parsing():
            n, seconds = await read_all(bench.kafka, _parse)
        section.add(
            "  same, before: every record through the CloudEvents SDK", n / seconds, "events/s"
        )
        with sdk_parsing(), uncached_load_all():
            n, seconds = await read_all(bench.kafka, _parse)
        section.add("  same, and load_all not cached", n / seconds, "events/s")
    return raw


async def total_events(bench: Bench) -> int:
    return sum((await aend_offsets(bench.kafka, AGENCY_TOPICS)).values())


def telemetry_on() -> None:
    """Telemetry in this process as a service runs it: traces sampled at the default ratio,
    exported (to the bench's sink) with metrics. Once on, it stays on for the process."""
    telemetry.configure(
        "bench-aggregator", sink.ENDPOINT, sample_ratio=Settings().trace_sample_ratio
    )


async def projection(
    bench: Bench,
    section: Section,
    raw: float,
    max_batch: int = MAX_BATCH,
    label: str = "aggregator projection",
    database: str = "bench_projection",
) -> float:
    """The aggregator's consumer (EventConsumer with `apply_batch`, and `apply` for a batch
    that fails, as the service wires it) on a fresh database, in its own consumer group, until
    it has applied every event; `max_batch=1` is one transaction per event, as before
    batching (and then one event at a time, `apply`)."""
    url = await bench.database(database)
    await asyncio.to_thread(migrations.upgrade, url, SPEC.version_locations, SPEC.metadata)
    expected = await total_events(bench)
    db = Database(url)
    producer = make_producer(bench.kafka, "bench-dlq")
    await producer.start()
    consumer = EventConsumer(
        name=database.replace("_", "-"),
        topics=AGENCY_TOPICS,
        kafka=bench.kafka,
        dead_letters=dead_letters_of("aggregator"),
        sessions=db.sessions,
        handler=apply,
        batch_handler=apply_batch if max_batch > 1 else None,
        dlq_producer=producer,
        max_batch=max_batch,
    )
    try:
        cpu = time.process_time()
        started, first, done = await _consume_all(consumer, expected)
        cpu = time.process_time() - cpu
    finally:
        await producer.stop()
        await db.dispose()
    steady = (expected - 1) / (done - first) if done > first else float("nan")
    section.add(f"{label} ({expected} events)", steady, "events/s", "steady")
    section.add("  incl. group join, from start", expected / (done - started), "events/s")
    section.add(
        "  CPU of this process per event",
        cpu / expected * 1e6,
        "µs",
        "user + system, all its threads; less load-bound than rates",
    )
    section.ratio(f"{label} / raw consumer", steady, raw)
    async with pg(url) as conn:
        applied = await conn.fetchval("SELECT count(*) FROM timeline")
        inbox = await conn.fetchval("SELECT count(*) FROM inbox")
    section.note(f"{label}: timeline rows {applied}, inbox rows {inbox} (expected {expected})")
    return steady


PROJECTED = (
    "timeline",
    "identity",
    "case_events",
    "exit_events",
    "referral_events",
    "disclosures",
    "inbox",
)


async def copy_baseline(bench: Bench, section: Section, projected: str, subject: float) -> None:
    """PostgreSQL's COPY of the rows the projection wrote (every projection table and the
    inbox) into a fresh, migrated database (its indexes in place), in one transaction: the
    rate at which this PostgreSQL takes those rows at best. Also the projection's table and
    index sizes."""
    source = await bench.database(projected)
    target = await bench.database("bench_copy")
    await asyncio.to_thread(migrations.upgrade, target, SPEC.version_locations, SPEC.metadata)
    dumps: dict[str, bytes] = {}
    async with pg(source) as conn:
        events = await conn.fetchval("SELECT count(*) FROM timeline")
        for table in PROJECTED:
            buffer = io.BytesIO()
            await conn.copy_from_table(table, output=buffer, format="binary")
            dumps[table] = buffer.getvalue()
        sizes = await conn.fetchrow(
            "SELECT sum(pg_table_size(c.oid)) AS tables, sum(pg_indexes_size(c.oid)) AS indexes"
            " FROM pg_class c WHERE c.relkind = 'r' AND c.relname = ANY($1::text[])",
            list(PROJECTED),
        )
    async with pg(target) as conn:
        started = time.perf_counter()
        async with conn.transaction():
            for table, data in dumps.items():
                await conn.copy_to_table(table, source=io.BytesIO(data), format="binary")
        seconds = time.perf_counter() - started
    rate = events / seconds
    section.add(f"PostgreSQL COPY of the same rows ({events} events' rows)", rate, "events/s")
    section.ratio("aggregator projection / COPY of the same rows", subject, rate, "target ≥ 0.5")
    mib = 1024 * 1024
    section.add("projected tables and inbox: data", sizes["tables"] / mib, "MiB")
    section.add("projected tables and inbox: indexes", sizes["indexes"] / mib, "MiB")
    section.note(
        f"per event: {sizes['tables'] / events:.0f} bytes of rows, "
        f"{sizes['indexes'] / events:.0f} bytes of indexes"
    )


async def _consume_all(consumer: EventConsumer, expected: int) -> tuple[float, float, float]:
    """Run the consumer until it applied `expected` events: (start, first applied, done)."""
    stop = asyncio.Event()
    started = time.perf_counter()
    task = asyncio.create_task(consumer.run(stop))
    first: float | None = None
    try:
        while consumer.applied < expected:
            if task.done():
                task.result()
                raise RuntimeError("the consumer stopped early")
            if first is None and consumer.applied > 0:
                first = time.perf_counter()
            await asyncio.sleep(0.05)
        return started, first or started, time.perf_counter()
    finally:
        stop.set()
        await asyncio.gather(task, return_exceptions=True)


async def projection_stdlib_json(bench: Bench, section: Section, raw: float) -> None:
    """The projection with the JSON of before (`bench.before.stdlib_json`) and, right after
    it, as it is now again: a pair taken back to back, telemetry on in both."""
    with stdlib_json():
        before = await projection(
            bench,
            section,
            raw,
            label="before: bodies and rows by the standard json",
            database="bench_projection_stdlib",
        )
    now = await projection(
        bench, section, raw, label="now again, right after it", database="bench_projection_again"
    )
    section.ratio("projection now / before (bodies and rows by json), back to back", now, before)


async def projection_before(bench: Bench, section: Section, raw: float, after: float) -> None:
    """One transaction per event, as before batching; and PostgreSQL's commit floor."""
    url = await bench.database("bench_floor")
    db = Database(url)
    try:
        on, off = await commit_floor(db.sessions)
    finally:
        await db.dispose()
    section.add("PostgreSQL one-row transactions, synchronous_commit=on", on, "tx/s", "floor")
    section.add("PostgreSQL one-row transactions, synchronous_commit=off", off, "tx/s")
    before = await projection(
        bench,
        section,
        raw,
        max_batch=1,
        label="before: one transaction per event",
        database="bench_projection_per_event",
    )
    section.ratio("batched (after) / one transaction per event (before)", after, before)


async def rebuild_bench(bench: Bench, section: Section, raw: float, before: bool = False) -> float:
    """`phaseout-aggregator-rebuild` into a fresh database: events/s and total time."""
    url = await bench.database("bench_rebuild")
    expected = await total_events(bench)
    with stopwatch() as took:
        applied = await rebuild(bench.kafka, url)
    seconds = took[0]
    section.add(f"rebuild: events applied (of {expected} on the topics)", applied, "events")
    section.add("rebuild: total time (migrations included)", seconds, "s")
    section.add("rebuild: throughput", applied / seconds, "events/s")
    section.ratio("rebuild / raw consumer", applied / seconds, raw)
    section.add("raw consumer would read them in", expected / raw, "s")
    section.add(
        "10 million events at this rate",
        10_000_000 / (applied / seconds) / 60,
        "min",
        "target < 15 min",
    )
    after = applied / seconds
    if before:
        url = await bench.database("bench_rebuild_per_event")
        with stopwatch() as took:
            applied = await rebuild_per_event(bench.kafka, url)
        per_event = applied / took[0]
        section.add("before: rebuild, one durable transaction per event: total", took[0], "s")
        section.add("before: rebuild, one durable transaction per event", per_event, "events/s")
        section.ratio("rebuild (after) / per event (before)", after, per_event)
    return after
