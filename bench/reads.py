"""Benchmark 4: the aggregator's reads at scale (100 k enterprises by default, 1 M with
`--million`): one enterprise's status, a page of the exit list, the annual xlsx; p50/p99.

The aggregator's tables are seeded directly with COPY (rows shaped as its projections write
them), not through HTTP, then the aggregator runs as a real process (workers off) and is
read over HTTP by one client. Baseline: the SQL that fetches the same rows, run with asyncpg
by the bench process (and, for the xlsx, the same rows written by openpyxl's write-only mode):
what the view costs beyond reading its data.

Per enterprise: on 1-3 agencies' registers (identity and timeline rows), one technology survey;
30% have an elimination case (open, deadline 6 months on), a third of those exited (sealed,
accepted) in 2019, 2020 or 2021.
"""

from __future__ import annotations

import asyncio
import gc
import io
import json
import random
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from bench.corpus import DISTRICTS, usccs
from bench.env import PORTS, Bench, pg
from bench.stats import Section, percentile, stopwatch
from phaseout_aggregator.main import SPEC
from phaseout_shared import migrations
from phaseout_shared.reference import Dimension, Industry

DIMS = [d.value for d in Dimension]
INDUSTRIES = [i.value for i in Industry]
RECORDED = datetime(2022, 1, 1, tzinfo=UTC)


class Rows:
    def __init__(self) -> None:
        self.identity: list[tuple[Any, ...]] = []
        self.timeline: list[tuple[Any, ...]] = []
        self.case_events: list[tuple[Any, ...]] = []
        self.exit_events: list[tuple[Any, ...]] = []
        self.offset = 0

    def event(self, uscc: str, dim: str, noun_verb: str, on: date, data: dict[str, Any]) -> str:
        event_id = str(uuid.uuid4())
        self.offset += 1
        self.timeline.append(
            (
                event_id,
                uscc,
                f"phaseout.{dim}.{noun_verb}.v1",
                dim,
                f"/phaseout/{dim}",
                f"phaseout.{dim}.events",
                self.offset % 3,
                self.offset,
                on,
                RECORDED,
                json.dumps(data, ensure_ascii=False),
            )
        )
        return event_id


def generate(count: int, seed: int = 4) -> tuple[Rows, list[str]]:
    rng = random.Random(seed)
    rows = Rows()
    codes = usccs(count, seed)
    for n, uscc in enumerate(codes):
        district = rng.choice(DISTRICTS)
        industry = rng.choice(INDUSTRIES)
        on = date(2019, 1, 1) + timedelta(days=rng.randrange(365))
        facts = {
            "uscc": uscc,
            "name": f"某企业{n:07d}有限公司",
            "district": district,
            "industry": industry,
            "address": f"{district} 工业路 {n % 997} 号",
            "effective_on": on.isoformat(),
        }
        for dim in rng.sample(DIMS, rng.choice((1, 2, 2, 3))):
            event_id = rows.event(uscc, dim, "enterprise.registered", on, facts)
            rows.identity.append(
                (
                    uscc,
                    dim,
                    facts["name"],
                    district,
                    industry,
                    facts["address"],
                    on,
                    event_id,
                    RECORDED,
                )
            )
        surveyed = on + timedelta(days=30)
        base = {"uscc": uscc, "district": district, "industry": industry}
        rows.event(uscc, "technology", "equipment.surveyed", surveyed, base | {"item_id": "L1"})
        if rng.random() >= 0.3:
            continue
        case_id = str(uuid.UUID(int=rng.getrandbits(128)))
        case = base | {"case_id": case_id, "effective_on": surveyed.isoformat()}
        event_id = rows.event(uscc, "technology", "case.opened", surveyed, case)
        deadline = surveyed + timedelta(days=182)
        rows.case_events.append(
            (event_id, "technology", case_id, uscc, district, industry, "open", deadline,
             surveyed, RECORDED, "phaseout.technology.case.opened.v1")
        )  # fmt: skip
        if rng.random() >= 1 / 3:
            continue
        exited = date(rng.choice((2019, 2020, 2021)), 1, 1) + timedelta(days=rng.randrange(365))
        exited = max(exited, surveyed + timedelta(days=1))
        sealed_id = rows.event(uscc, "technology", "case.sealed", exited, case)
        rows.case_events.append(
            (sealed_id, "technology", case_id, uscc, district, industry, "sealed", None,
             exited, RECORDED, "phaseout.technology.case.sealed.v1")
        )  # fmt: skip
        passed_id = rows.event(uscc, "technology", "case.acceptance_passed", exited, case)
        rows.case_events.append(
            (passed_id, "technology", case_id, uscc, district, industry, "exited", None,
             exited, RECORDED, "phaseout.technology.case.acceptance_passed.v1")
        )  # fmt: skip
        rows.exit_events.append(
            (passed_id, "technology", case_id, uscc, district, industry, "cultural_paper_line",
             Decimal(10000 + n % 50000), "t/a", "T5-paper-cultural-paper", "2019.1", "exited",
             exited, RECORDED)
        )  # fmt: skip
    return rows, codes


COLUMNS = {
    "identity": [
        "uscc", "dimension", "name", "district", "industry", "address", "effective_on",
        "event_id", "recorded_at",
    ],
    "timeline": [
        "event_id", "uscc", "type", "dimension", "source", "topic", "partition", "offset",
        "effective_on", "recorded_at", "data",
    ],
    "case_events": [
        "event_id", "dimension", "case_id", "uscc", "district", "industry", "state", "deadline",
        "effective_on", "recorded_at", "type",
    ],
    "exit_events": [
        "event_id", "dimension", "case_id", "uscc", "district", "industry", "item",
        "capacity_amount", "capacity_unit", "rule", "catalogue_version", "status",
        "effective_on", "recorded_at",
    ],
}  # fmt: skip


async def seed(url: str, rows: Rows) -> dict[str, int]:
    """COPY the rows in (and the inbox ids of the events), then ANALYZE."""
    counts = {}
    async with pg(url) as conn:
        for table, columns in COLUMNS.items():
            records = getattr(rows, table)
            await conn.copy_records_to_table(table, records=records, columns=columns)
            counts[table] = len(records)
        inbox = [("aggregator", r[0], RECORDED) for r in rows.timeline]
        await conn.copy_records_to_table(
            "inbox", records=inbox, columns=["consumer", "event_id", "applied_at"]
        )
        await conn.execute("ANALYZE")
    return counts


async def sample(
    label: str,
    section: Section,
    n: int,
    api: Callable[[int], Awaitable[None]],
    raw: Callable[[int], Awaitable[None]],
) -> None:
    """Time `n` API calls and `n` baseline reads, one at a time; print p50/p99 and the ratio.

    The bench's own heap (the corpus it made, the codes it picks from) is collected and frozen
    first (`gc.freeze`): otherwise a full collection of it, a pause of 100 ms or more in this
    process, lands in one of the timed calls and is counted as the service's."""
    gc.collect()
    gc.freeze()
    timings: dict[str, list[float]] = {"api": [], "raw": []}
    for kind, call in (("api", api), ("raw", raw)):
        await call(0)  # warm-up
        for i in range(n):
            with stopwatch() as t:
                await call(i)
            timings[kind].append(t[0])
    a50, a99 = (percentile(timings["api"], p) * 1000 for p in (50, 99))
    r50, r99 = (percentile(timings["raw"], p) * 1000 for p in (50, 99))
    section.add(f"{label}: API p50 ({n} calls)", a50, "ms")
    section.add(f"{label}: API p99", a99, "ms")
    section.add(f"{label}: baseline SQL p50 / p99", r50, "ms", f"p99 {r99:.1f} ms")
    section.ratio(f"{label}: API p50 / baseline p50", a50, r50)


def _cell(v: object) -> object:
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, datetime):
        return v.replace(tzinfo=None)
    return v


def _xlsx(rows: list[Any]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("exits")
    for r in rows:
        sheet.append([_cell(v) for v in r.values()])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


EXITS_PAGE = (
    "SELECT e.*, (SELECT name FROM identity i WHERE i.uscc = e.uscc LIMIT 1) AS name"
    " FROM exit_events e WHERE e.district = $1 AND e.effective_on BETWEEN $2 AND $3"
    " ORDER BY e.effective_on, e.case_id"
)


EXITS_TOTALS = (
    "SELECT industry, capacity_unit, sum(capacity_amount), count(*) FROM exit_events e"
    " WHERE e.district = $1 AND e.effective_on BETWEEN $2 AND $3 AND status = 'exited'"
    " GROUP BY industry, capacity_unit"
)
PAGE = 50
"""Rows on one page of the exit list (its `limit`)."""


async def run(bench: Bench, section: Section, enterprises: int, samples: int) -> None:
    url = await bench.database("reads")
    await asyncio.to_thread(migrations.upgrade, url, SPEC.version_locations, SPEC.metadata)
    with stopwatch() as made:
        rows, codes = generate(enterprises)
    with stopwatch() as copied:
        counts = await seed(url, rows)
    section.add(f"seed: generate rows for {enterprises} enterprises", made[0], "s")
    section.add(f"seed: COPY {sum(counts.values())} rows + ANALYZE", copied[0], "s", str(counts))
    exits_2019 = sum(1 for r in rows.exit_events if r[12].year == 2019)
    del rows
    bench.start(bench.service("aggregator", url, PHASEOUT_RUN_WORKERS="false"))
    base = f"http://127.0.0.1:{PORTS['aggregator']}"
    headers = bench.headers("miit")
    rng = random.Random(44)
    picks = [rng.choice(codes) for _ in range(samples + 1)]
    today = date.today()
    try:
        async with (
            httpx.AsyncClient(base_url=base, headers=headers, timeout=600) as http,
            pg(url) as conn,
        ):

            async def status_api(i: int) -> None:
                r = await http.get(f"/v1/enterprises/{picks[i]}")
                assert r.status_code == 200, r.text

            async def status_raw(i: int) -> None:
                await conn.fetch(
                    "SELECT * FROM timeline WHERE uscc = $1 AND effective_on <= $2"
                    " ORDER BY effective_on, recorded_at",
                    picks[i],
                    today,
                )
                await conn.fetch("SELECT * FROM case_events WHERE uscc = $1", picks[i])
                await conn.fetch("SELECT * FROM exit_events WHERE uscc = $1", picks[i])

            await sample("one enterprise's status", section, samples, status_api, status_raw)

            page_n = max(5, min(samples, 50))

            async def page_api(i: int) -> None:
                district = DISTRICTS[i % len(DISTRICTS)]
                params: dict[str, str | int] = {"district": district, "year": 2019, "limit": PAGE}
                r = await http.get("/v1/exits", params=params)
                assert r.status_code == 200, r.text

            async def page_raw(i: int) -> None:
                district = DISTRICTS[i % len(DISTRICTS)]
                year = (district, date(2019, 1, 1), date(2019, 12, 31))
                await conn.fetch(f"{EXITS_PAGE} LIMIT {PAGE}", *year)
                await conn.fetch(EXITS_TOTALS, *year)

            await sample("exit list, one district's 2019 page", section, page_n, page_api, page_raw)

            xlsx_n = max(3, min(samples, 5))
            sizes: list[int] = []

            async def xlsx_api(i: int) -> None:
                r = await http.get("/v1/reports/annual", params={"year": 2019, "format": "xlsx"})
                assert r.status_code == 200, r.text
                sizes.append(len(r.content))

            async def xlsx_raw(i: int) -> None:
                found = await conn.fetch(
                    EXITS_PAGE.replace("e.district = $1 AND ", "$1::text IS NULL AND "),
                    None,
                    date(2019, 1, 1),
                    date(2019, 12, 31),
                )
                _xlsx([dict(r) for r in found])

            await sample("annual report 2019, xlsx", section, xlsx_n, xlsx_api, xlsx_raw)
            section.note(f"{exits_2019} exits in 2019 on the annual report; xlsx {sizes[-1]} bytes")
    finally:
        bench.stop("aggregator")
