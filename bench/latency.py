"""Benchmark 3: end-to-end latency, from an agency API call to the event applied in the
aggregator, at fixed offered rates, with the rate actually achieved.

The technology service and the aggregator run as real processes (default settings: relay
every 0.1 s, consumer polling), on fresh databases; the aggregator's group starts at the end
of the topics. Each write registers a new enterprise (`POST /v1/enterprises`); its latency is
the aggregator's inbox `applied_at` (the applying transaction's start, a few ms before its
commit) minus the moment the request was sent, both on this machine's clock.

Baseline: the bus alone at the same offered rate: an idempotent acks=all producer (as the
relay's) to a consumer, record by record, in one process.
"""

from __future__ import annotations

import asyncio
import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from bench import load
from bench.corpus import DISTRICTS, usccs
from bench.env import AGENCY_TOPICS, PORTS, Bench, pg, skip_group_to_end
from bench.stats import Section, summary_ms
from phaseout_cli import stack
from phaseout_shared.bus import KafkaAccess

BUS_TOPIC = "bench.latency"


async def bus_latency(
    bench: Bench, rate: float, duration: float, kafka: KafkaAccess | None = None
) -> list[float]:
    """Produce at `rate` for `duration` seconds; each record's send-to-consume latency (over
    the secured listener, or `kafka`)."""
    kafka = kafka or bench.kafka
    await stack.aensure_topics(bench.config, [BUS_TOPIC], partitions=3)
    consumer = AIOKafkaConsumer(**kafka.options(), enable_auto_commit=False, fetch_max_wait_ms=100)
    await consumer.start()
    parts = [TopicPartition(BUS_TOPIC, p) for p in range(3)]
    consumer.assign(parts)
    await consumer.seek_to_end(*parts)
    for tp in parts:
        await consumer.position(tp)
    producer = AIOKafkaProducer(**kafka.options(), enable_idempotence=True, acks="all", linger_ms=5)
    await producer.start()
    total = int(rate * duration)
    seen: list[float] = []

    async def consume() -> None:
        while len(seen) < total:
            for records in (await consumer.getmany(timeout_ms=200)).values():
                now = time.time()
                seen.extend(now - float(r.value or b"0") for r in records)

    reader = asyncio.create_task(consume())
    try:
        started = time.perf_counter()
        for i in range(total):
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await producer.send(BUS_TOPIC, str(time.time()).encode(), key=str(i).encode())
        await asyncio.wait_for(reader, 60)
    finally:
        reader.cancel()
        await producer.stop()
        await consumer.stop()
    return seen


async def _relayed(url: str, codes: list[str]) -> dict[str, tuple[float, float]]:
    """Per enterprise: when its event entered the outbox (the write's transaction start) and
    when the relay took it (`sent_at` is `now()` of the relay's transaction, which starts with
    the SELECT ... FOR UPDATE, before publishing)."""
    async with pg(url) as conn:
        rows = await conn.fetch(
            "SELECT subject, extract(epoch FROM created_at)::float8 AS created,"
            " extract(epoch FROM sent_at)::float8 AS sent FROM outbox"
            " WHERE subject = ANY($1::text[]) AND sent_at IS NOT NULL",
            codes,
        )
    return {r["subject"]: (r["created"], r["sent"]) for r in rows}


async def _applied(url: str, codes: list[str]) -> dict[str, float]:
    async with pg(url) as conn:
        rows = await conn.fetch(
            "SELECT t.uscc, extract(epoch FROM i.applied_at)::float8 AS at FROM timeline t"
            " JOIN inbox i ON i.event_id = t.event_id AND i.consumer = 'aggregator'"
            " WHERE t.uscc = ANY($1::text[])",
            codes,
        )
    return {r["uscc"]: r["at"] for r in rows}


async def run(bench: Bench, section: Section, rates: list[int], duration: float) -> None:
    tech_url = await bench.database("latency_technology")
    agg_url = await bench.database("latency_aggregator")
    await skip_group_to_end(bench.kafka, "aggregator", AGENCY_TOPICS)
    bench.start(bench.service("technology", tech_url), bench.service("aggregator", agg_url))
    base = f"http://127.0.0.1:{PORTS['technology']}"
    miit = bench.headers("miit")
    codes = usccs(int(sum(rates) * duration) + 50, seed=33)
    used = 0
    try:
        for rate in rates:
            batch = codes[used : used + int(rate * duration)]
            used += len(batch)

            def make(i: int, batch: list[str] = batch) -> load.Request:
                body = {
                    "uscc": batch[i],
                    "name": f"某水泥厂{i:06d}",
                    "district": DISTRICTS[i % len(DISTRICTS)],
                    "industry": "cement",
                    "effective_on": "2019-05-06",
                }
                return ("POST", f"{base}/v1/enterprises", body)

            out = await load.open_loop(make, miit, rate, duration)
            accepted = [batch[i] for i in out.accepted]
            applied: dict[str, float] = {}
            deadline = time.monotonic() + 120
            while len(applied) < len(accepted) and time.monotonic() < deadline:
                await asyncio.sleep(0.5)
                applied = await _applied(agg_url, accepted)
            sent = {batch[i]: out.sent_at[i] for i in out.accepted}
            e2e = [applied[u] - sent[u] for u in accepted if u in applied]
            s = summary_ms(e2e)
            http = summary_ms(out.latencies)
            section.add(
                f"{rate}/s offered: achieved (2xx answered / s)", out.ok / out.seconds, "writes/s"
            )
            section.add(f"{rate}/s: API call → applied p50", s["p50_ms"], "ms")
            section.add(f"{rate}/s: API call → applied p95", s["p95_ms"], "ms")
            section.add(f"{rate}/s: API call → applied p99", s["p99_ms"], "ms")
            section.add(
                f"{rate}/s: HTTP answer p50", http["p50_ms"], "ms", f"p99 {http['p99_ms']:.0f} ms"
            )
            relayed = await _relayed(tech_url, accepted)
            in_outbox = summary_ms([relayed[u][1] - relayed[u][0] for u in relayed])
            on_bus = summary_ms([applied[u] - relayed[u][1] for u in relayed if u in applied])
            section.add(
                f"{rate}/s:   of which in outbox until the relay took it p50",
                in_outbox["p50_ms"],
                "ms",
                f"p99 {in_outbox['p99_ms']:.0f} ms",
            )
            section.add(
                f"{rate}/s:   of which relay took it → applied p50",
                on_bus["p50_ms"],
                "ms",
                f"p99 {on_bus['p99_ms']:.0f} ms",
            )
            if len(applied) < len(accepted) or out.ok < out.sent:
                section.note(
                    f"{rate}/s: sent {out.sent}, 2xx {out.ok}, applied {len(applied)},"
                    f" statuses {out.statuses}, errors {len(out.errors)} {out.errors[:2]}"
                )
            bus = summary_ms(await bus_latency(bench, rate, min(duration, 5)))
            section.add(f"{rate}/s: baseline bus produce → consume p50", bus["p50_ms"], "ms")
            section.add(f"{rate}/s: baseline bus p99", bus["p99_ms"], "ms")
            section.ratio(f"{rate}/s: e2e p50 / bus p50", s["p50_ms"], bus["p50_ms"])
            plain = summary_ms(await bus_latency(bench, rate, min(duration, 5), bench.plain))
            section.add(
                f"{rate}/s: bus over PLAINTEXT p50 (no TLS, SASL, ACLs)", plain["p50_ms"], "ms"
            )
            section.ratio(f"{rate}/s: bus p50, secured / plain", bus["p50_ms"], plain["p50_ms"])
    finally:
        bench.stop("technology")
        bench.stop("aggregator")
