"""Benchmark 7: the revival watch's import of monthly electricity readings vs PostgreSQL COPY.

N readings (default 1,000,000: one year of monthly readings for N/12 accounts, one account per
enterprise) as a CSV file are imported the way the API imports them — checked row by row
(`feeds.parse`), then loaded in one transaction (`store.load`: COPY into a temporary table,
the set-based inserts, the rules over every enterprise touched) — into a fresh technology
database. The same file is then imported again (nothing changes). Baseline, same run: asyncpg's
binary `COPY` of the same rows into a table of the same shape with the same indexes.

A third of the enterprises carry a sealing the watch learnt before the import (an order row),
and a tenth of those draw power again after it, so the rules raise alerts inside the import:
the alert exists when the import's transaction commits.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert

from bench.corpus import DISTRICTS, usccs
from bench.env import Bench, pg
from bench.stats import Section
from phaseout_shared import migrations
from phaseout_shared.db import Database
from phaseout_shared.outbox import Outbox, topic_of
from phaseout_technology.main import SPEC
from phaseout_technology.watch import feeds, store
from phaseout_technology.watch.tables import orders

SEALED = "phaseout.technology.case.sealed.v1"
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


async def _import(db: Database, content: bytes) -> tuple[float, float, store.ImportReport]:
    outbox = Outbox(topic=topic_of("technology"), source="/phaseout/technology")
    started = time.perf_counter()
    rows = feeds.parse(feeds.Feed.ELECTRICITY, content, "text/csv")
    parsed = time.perf_counter()
    async with db.sessions.begin() as session:
        report = await store.load(
            session, feeds.Feed.ELECTRICITY, rows, content, now=NOW, outbox=outbox
        )
    return parsed - started, time.perf_counter() - parsed, report


async def _copy(url: str, content: bytes) -> float:
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
        await conn.execute("CREATE TABLE copy_readings (LIKE watch_readings INCLUDING ALL)")
        started = time.perf_counter()
        async with conn.transaction():
            await conn.copy_records_to_table(
                "copy_readings",
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


async def run(bench: Bench, section: Section, count: int) -> None:
    print(f"\nwatch: making a file of {count} readings ...", flush=True)
    content, sealings = file_of(count)
    url = await bench.database(f"watch_{uuid.uuid4().hex[:8]}")
    await asyncio.to_thread(migrations.upgrade, url, SPEC.version_locations, SPEC.metadata)
    db = Database(url)
    try:
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
        parse_s, load_s, first = await _import(db, content)
        rows = first.rows
        section.add("readings in the file", rows, "rows", f"{len(content) / 1e6:.1f} MB CSV")
        section.add("import: check every row (feeds.parse)", rows / parse_s, "rows/s")
        section.add(
            "import: load, one transaction (store.load)",
            rows / load_s,
            "rows/s",
            f"{load_s:.1f}s, rules over every enterprise; {len(first.alerts_raised)} alerts",
        )
        total = rows / (parse_s + load_s)
        section.add("import: check and load", total, "rows/s")
        again_parse, again_load, second = await _import(db, content)
        section.add(
            "the same file again (changes nothing)",
            rows / (again_parse + again_load),
            "rows/s",
            f"new {second.new}, corrected {second.corrected}, alerts {len(second.alerts_raised)}",
        )
        copy_s = await _copy(url, content)
        section.add("baseline: asyncpg COPY of the same rows", rows / copy_s, "rows/s")
        section.ratio("load (store.load) / COPY", rows / load_s, rows / copy_s, "target ≥ 0.33")
        section.ratio("check and load / COPY", total, rows / copy_s)
    finally:
        await db.dispose()
