"""Benchmark 2: the agency write path over HTTP against a bare FastAPI + asyncpg insert.

The write: `POST /v1/enterprises/{uscc}/items` at the technology service (a real process, as
`phaseout up` runs it, relay on): token check, the enterprise loaded, Table 5's verdict, an
elimination case opened, the item saved, two events in the outbox and an audit row, in one
transaction. Its telemetry is on and exported as a deployment exports it (to the bench's OTLP
sink), at the default sampling; the same write with `PHASEOUT_TELEMETRY=false` gives its cost.
The baseline: the same request body to a bare FastAPI endpoint (also uvicorn, a pool of 10
like the service's) that inserts one row with asyncpg. Same client, same concurrency, same
machine.
"""

from __future__ import annotations

from bench import load
from bench.corpus import DISTRICTS, ELIMINATED, usccs
from bench.env import BARE_PORT, PORTS, Bench, pg
from bench.stats import Section, summary_ms

Measured = tuple[load.Outcome, float]
"""A closed loop's outcome and the CPU seconds the serving process spent on it."""


async def _measured(
    bench: Bench, name: str, requests: list[load.Request], headers: dict[str, str], clients: int
) -> Measured:
    before = bench.cpu_seconds(name)
    outcome = await load.closed_loop(requests, headers, clients)
    return outcome, bench.cpu_seconds(name) - before


WARMUP = 100


def _items(base: str, codes: list[str]) -> list[load.Request]:
    return [
        (
            "POST",
            f"{base}/v1/enterprises/{uscc}/items",
            {
                "item_id": f"PM-{n}",
                "equipment": ELIMINATED,
                "capacity_amount": "30000",
                "capacity_unit": "t/a",
                "effective_on": "2019-06-03",
            },
        )
        for n, uscc in enumerate(codes)
    ]


def _registrations(base: str, codes: list[str]) -> list[load.Request]:
    return [
        (
            "POST",
            f"{base}/v1/enterprises",
            {
                "uscc": uscc,
                "name": f"某造纸厂{n:06d}",
                "district": DISTRICTS[n % len(DISTRICTS)],
                "industry": "paper",
                "effective_on": "2019-04-01",
            },
        )
        for n, uscc in enumerate(codes)
    ]


def _report(section: Section, label: str, measured: Measured) -> float:
    out, cpu = measured
    rate = out.ok / out.seconds
    s = summary_ms(out.latencies)
    section.add(f"{label}: throughput ({out.ok}/{out.sent} 2xx)", rate, "writes/s")
    section.add(f"{label}: latency p50", s["p50_ms"], "ms")
    section.add(f"{label}: latency p99", s["p99_ms"], "ms")
    section.add(f"{label}: CPU of the serving process per request", 1000 * cpu / out.sent, "ms")
    if out.ok != out.sent:
        section.note(f"{label}: statuses {out.statuses}, errors {out.errors[:3]}")
    return rate


async def _service(
    bench: Bench, section: Section, database: str, codes: list[str], concurrency: int, **env: str
) -> Measured | None:
    """Register `codes` at a technology service on a fresh database, then survey an item of
    each; the survey's outcome (None for a run with `env`, reported by the caller)."""
    url = await bench.database(database)
    bench.start(bench.service("technology", url, **env))
    base = f"http://127.0.0.1:{PORTS['technology']}"
    miit = bench.headers("miit")
    try:
        await load.closed_loop(_registrations(base, codes[:WARMUP]), miit, concurrency)
        registered = await _measured(
            bench, "technology", _registrations(base, codes[WARMUP:]), miit, concurrency
        )
        await load.closed_loop(_items(base, codes[:WARMUP]), miit, concurrency)
        surveyed = await _measured(
            bench, "technology", _items(base, codes[WARMUP:]), miit, concurrency
        )
    finally:
        bench.stop("technology")
    if env:
        return surveyed
    _report(section, "register enterprise (register → outbox)", registered)
    async with pg(url) as conn:
        cases = await conn.fetchval("SELECT count(*) FROM cases")
        events = await conn.fetchval("SELECT count(*) FROM outbox")
        unsent = await conn.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
    section.note(f"technology db: {cases} cases, {events} outbox rows ({unsent} unsent at stop)")
    return surveyed


async def run(bench: Bench, section: Section, writes: int, concurrency: int) -> None:
    codes = usccs(writes + WARMUP, seed=22)
    surveyed = await _service(bench, section, "technology", codes, concurrency)
    assert surveyed is not None
    write_rate = _report(section, "survey → verdict → case → outbox", surveyed)
    off = await _service(
        bench, section, "technology_off", codes, concurrency, PHASEOUT_TELEMETRY="false"
    )
    assert off is not None
    off_rate = _report(section, "  same, telemetry off (PHASEOUT_TELEMETRY=false)", off)
    section.ratio("survey write, telemetry on / off, throughput", write_rate, off_rate)
    section.ratio(
        "survey write, telemetry on / off, p50 latency",
        summary_ms(surveyed[0].latencies)["p50_ms"],
        summary_ms(off[0].latencies)["p50_ms"],
    )
    section.ratio("survey write, telemetry on / off, CPU per request", surveyed[1], off[1])

    bare_url = await bench.database("bare")
    bench.start_bare(bare_url)
    bare = f"http://127.0.0.1:{BARE_PORT}"
    try:
        await load.closed_loop(_items(bare, codes[:WARMUP]), {}, concurrency)
        baseline = await _measured(bench, "bare", _items(bare, codes[WARMUP:]), {}, concurrency)
        bare_rate = _report(section, "bare FastAPI + asyncpg insert (baseline)", baseline)
    finally:
        bench.stop("bare")
    section.ratio("survey write / bare insert, throughput", write_rate, bare_rate)
    section.ratio(
        "survey write / bare insert, p50 latency",
        summary_ms(surveyed[0].latencies)["p50_ms"],
        summary_ms(baseline[0].latencies)["p50_ms"],
    )
    section.ratio("survey write / bare insert, CPU per request", surveyed[1], baseline[1])
    section.note(f"{writes} writes per side after {WARMUP} warm-up, {concurrency} clients")
