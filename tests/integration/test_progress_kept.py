"""The enterprises registered and inspected by a day, per district and dimension and per
district over the caller's dimensions, counted from each enterprise's first days
(`enterprise_firsts`, kept by a statement-level trigger on the timeline, and filled from the
timeline by its migration) are the counts the timeline's rows themselves give: checked against
a count of the rows in Python, over rows written in a shuffled order, several a statement or
one, some without a district or a day, some of events that count for neither."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from conftest import StackUnderTest
from projected_rows import fresh_database, write_shuffled
from sqlalchemy import select, text

from phaseout_aggregator.adapters.tables import enterprise_firsts, timeline
from phaseout_aggregator.app.progress import _enterprise_counts
from phaseout_aggregator.migrations import aggregator_0017_enterprise_firsts as migration
from phaseout_shared.db import Database

pytestmark = pytest.mark.integration

TYPES = [
    ("technology", "phaseout.technology.enterprise.registered.v1", "registered"),
    ("technology", "phaseout.technology.enterprise.updated.v1", "registered"),
    ("energy", "phaseout.energy.enterprise.registered.v1", "registered"),
    ("quality", "phaseout.quality.enterprise.registered.v1", "registered"),
    ("energy", "phaseout.energy.inspection.recorded.v1", "inspected"),
    ("technology", "phaseout.technology.equipment.surveyed.v1", "inspected"),
    ("quality", "phaseout.quality.spot_check.recorded.v1", "inspected"),
    ("environment", "phaseout.environment.measurement.recorded.v1", "inspected"),
    ("technology", "phaseout.technology.case.opened.v1", None),
    ("energy", "phaseout.energy.case.rectified.v1", None),
]
SCOPES: list[frozenset[str] | None] = [
    None,
    frozenset({"technology"}),
    frozenset({"energy", "quality"}),
]


def rows_of(rng: random.Random, enterprises: int) -> list[dict[str, Any]]:
    rows = []
    for n in range(enterprises):
        uscc = f"U{n:017d}"
        home = rng.choice(("baoan", "futian", "pingshan"))
        for k in range(rng.randint(1, 6)):
            dimension, kind, _ = rng.choice(TYPES)
            district = home if rng.random() < 0.9 else rng.choice(("baoan", "futian"))
            data: dict[str, Any] = {"district": district} if rng.random() < 0.95 else {}
            on = date(2019, 1, 1) + timedelta(days=rng.randrange(700))
            rows.append(
                {
                    "event_id": f"e-{n}-{k}",
                    "uscc": uscc,
                    "type": kind,
                    "dimension": dimension,
                    "source": f"/phaseout/{dimension}",
                    "topic": f"phaseout.{dimension}.events",
                    "partition": 0,
                    "offset": n * 10 + k,
                    "effective_on": on if rng.random() < 0.97 else None,
                    "recorded_at": datetime(2021, 1, 1, tzinfo=UTC),
                    "data": data,
                }
            )
    return rows


def expected_counts(
    rows: list[dict[str, Any]], as_of: date, scope: frozenset[str] | None
) -> set[tuple[Any, ...]]:
    """As the timeline says: the distinct enterprises with such an event by the day."""
    kinds = {kind: counted for _, kind, counted in TYPES}
    seen: dict[tuple[str, str | None], dict[str, set[str]]] = defaultdict(
        lambda: {"registered": set(), "inspected": set()}
    )
    for r in rows:
        counted, district = kinds[r["type"]], r["data"].get("district")
        if counted is None or district is None or r["effective_on"] is None:
            continue
        if r["effective_on"] > as_of or (scope is not None and r["dimension"] not in scope):
            continue
        for dimension in (r["dimension"], None):
            seen[(district, dimension)][counted].add(r["uscc"])
    return {
        (district, dimension, len(s["registered"]), len(s["inspected"]))
        for (district, dimension), s in seen.items()
    }


async def counted(db: Database, as_of: date, scope: frozenset[str] | None) -> set[tuple[Any, ...]]:
    async with db.sessions() as session:
        found = await session.execute(_enterprise_counts(scope), {"as_of": as_of})
        # A district or dimension with nothing by the day is a row of zeros, or no row.
        return {tuple(r) for r in found.tuples() if r[2] or r[3]}


async def test_the_enterprises_counted_by_a_day_are_what_the_timeline_says(
    test_stack: StackUnderTest,
) -> None:
    rng = random.Random(17)
    rows = rows_of(rng, 150)
    db = await fresh_database(test_stack.config, "firsts")
    days = [date(2018, 12, 31), date(2019, 3, 1), date(2019, 9, 30), date(2020, 6, 1)]
    days += [date(2021, 1, 1)]
    try:
        await write_shuffled(db, timeline, rows, rng, most=9)
        kept = await _firsts(db)
        assert len(kept) > 150
        checked = 0
        for as_of in days:
            for scope in SCOPES:
                expected = expected_counts(rows, as_of, scope)
                assert await counted(db, as_of, scope) == expected, (as_of, scope)
                checked += sum(n + m for *_, n, m in expected)
        assert checked > 1000, "the days and scopes count many enterprises"
        # The migration's fill from the timeline makes the same rows as the trigger did.
        async with db.sessions.begin() as session:
            await session.execute(text("TRUNCATE enterprise_firsts"))
            await session.execute(
                text(
                    "INSERT INTO enterprise_firsts "
                    "(uscc, district, dimension, registered_on, inspected_on) "
                    + migration.FIRSTS.format(rows="timeline")
                )
            )
        assert await _firsts(db) == kept
    finally:
        await db.dispose()


async def _firsts(db: Database) -> list[tuple[Any, ...]]:
    async with db.sessions() as session:
        found = await session.execute(
            select(enterprise_firsts).order_by(*enterprise_firsts.primary_key.columns)
        )
        return [tuple(r) for r in found]
