"""The demo city's electricity and tax-invoice feeds, 2018–2020, for the revival watch.

Every demo enterprise draws power each month at a level of its own (±10 %). Capacity that
exits in the year's stories (sealed or dismantled and accepted, shut down, closed) draws almost
nothing from the month after its last act; three sealed lines draw 40 % of their earlier level
again from March 2020, and one enterprise on no register draws induction furnace power while
invoicing steel rebar without a steel licence (the 地条钢 signature): a newcomer finds alerts at
`/v1/watch/alerts`. The files go through the import API like the grid company's and the tax
bureau's, each at most `ROWS` rows; loading them again changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date

import httpx

from phaseout_cli.demo_city import DemoEnterprise
from phaseout_cli.demo_steps import Story
from phaseout_cli.demo_year import Assignment
from phaseout_shared.reference import USCC_ALPHABET, uscc_check_character

MONTHS = [date(y, m, 1) for y in (2018, 2019, 2020) for m in range(1, 13)]
EXITS = {
    Story.TECH_SEALED,
    Story.TECH_DISMANTLED,
    Story.ENERGY_OVERDUE,
    Story.ENERGY_FAILED,
    Story.ENV_CLOSED,
    Story.SAFETY_CLOSED,
}
REVIVED = 3
REVIVED_FROM = date(2020, 3, 1)
ROWS = 8_000
ELECTRICITY = "uscc,account,address,district,period,kwh,max_demand_kw"
INVOICES = "uscc,district,period,category,amount_yuan,tonnes"


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def ditiaogang_uscc(seed: int) -> str:
    rng = random.Random(f"ditiaogang-{seed}")
    body = "91440300" + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc_check_character(body)


def electricity_rows(
    city: Sequence[DemoEnterprise], assignments: Sequence[Assignment], seed: int
) -> list[str]:
    rng = random.Random(f"watch-{seed}")
    exits = {
        a.enterprise.uscc: (a.story, _next_month(max(s.on for s in a.steps)))
        for a in assignments
        if a.story in EXITS and a.steps
    }
    sealed = sorted(u for u, (story, _) in exits.items() if story is Story.TECH_SEALED)
    revived = set(sealed[:REVIVED])
    rows = []
    for n, e in enumerate(city):
        base = rng.randrange(20_000, 400_000)
        exited = exits.get(e.uscc)
        for period in MONTHS:
            kwh = base * rng.randint(90, 110) // 100
            if exited is not None and period > exited[1]:
                kwh = base // 100
                if e.uscc in revived and period >= REVIVED_FROM:
                    kwh = base * 40 // 100
            rows.append(
                f"{e.uscc},GD{seed % 1000:03d}{n:06d},深圳市{e.district.value}区某路{n + 1}号,"
                f"{e.district.value},{period:%Y-%m},{kwh},{kwh // 450}"
            )
    steel = ditiaogang_uscc(seed)
    for period in MONTHS[17:]:
        rows.append(
            f"{steel},GD{seed % 1000:03d}999999,深圳市宝安区某村旧厂房,baoan,{period:%Y-%m},"
            f"{rng.randrange(560_000, 640_000)},1500"
        )
    return rows


def invoice_rows(seed: int) -> list[str]:
    steel = ditiaogang_uscc(seed)
    return [f"{steel},baoan,{period:%Y-%m},steel_rebar,{3_900_000},1000" for period in MONTHS[17:]]


def files(header: str, rows: list[str]) -> Iterator[bytes]:
    for start in range(0, len(rows), ROWS):
        yield ("\n".join([header, *rows[start : start + ROWS]]) + "\n").encode()


async def load(
    technology: str,
    token: str,
    city: Sequence[DemoEnterprise],
    assignments: Sequence[Assignment],
    seed: int,
) -> int:
    """Import the feeds; the number of rows in them (alerts follow as the watch learns the
    year's orders from the topics). Each file goes on a connection of its own (a pooled one
    the server closed while idle would lose the upload), and is sent again if the connection
    fails: an import is idempotent."""
    loaded = 0
    for feed, header, rows in (
        ("electricity", ELECTRICITY, electricity_rows(city, assignments, seed)),
        ("invoices", INVOICES, invoice_rows(seed)),
    ):
        for content in files(header, rows):
            loaded += await _send(
                f"{technology.rstrip('/')}/v1/watch/feeds/{feed}/imports", token, content
            )
    return loaded


async def _send(url: str, token: str, content: bytes, attempts: int = 3) -> int:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
    for attempt in range(attempts):
        try:
            async with httpx.AsyncClient(timeout=120) as fresh:
                r = await fresh.post(url, content=content, headers=headers)
        except httpx.TransportError:
            if attempt == attempts - 1:
                raise
            continue
        if r.status_code != 201:
            raise RuntimeError(f"demo feed {url}: {r.status_code} {r.text[:500]}")
        return int(r.json()["rows"])
    raise AssertionError("unreachable")
