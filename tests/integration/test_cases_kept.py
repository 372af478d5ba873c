"""The cases as of any day, and their open and overdue counts, read from each case's kept latest
row (`case_current`, kept by a statement-level trigger on `case_events`, and filled by its
migration) where that row took effect by then and from the ranked rows otherwise, are what the
rows themselves say: checked against a reading of the rows in Python, over case histories
written in a shuffled order, several rows a statement or one, some delivered twice, some of
one day told apart by their sequence or, without one, by when they were recorded."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from conftest import StackUnderTest
from projected_rows import fresh_database, write_shuffled
from sqlalchemy import select, text

from phaseout_aggregator.adapters.tables import case_current, case_events
from phaseout_aggregator.app.access import Scope
from phaseout_aggregator.app.history import Where, _judged, case_counts, cases_as_of
from phaseout_aggregator.migrations import aggregator_0018_cases_kept_current as migration
from phaseout_shared.contracts.stages import STAGES
from phaseout_shared.db import Database

pytestmark = pytest.mark.integration

RECORDED = datetime(2021, 1, 1, tzinfo=UTC)
DIMENSIONS = ("technology", "energy", "quality")


def histories(rng: random.Random, cases: int) -> list[dict[str, Any]]:
    """Each case's rows: its states one after another, some on one day, some with a deadline."""
    rows = []
    for n in range(cases):
        dimension = rng.choice(DIMENSIONS)
        states = sorted(STAGES[dimension])
        case_id = str(uuid.UUID(int=rng.getrandbits(128)))
        district = rng.choice(("baoan", "futian"))
        on = date(2019, 1, 1) + timedelta(days=rng.randrange(600))
        for k in range(rng.randint(1, 5)):
            on = on if k and rng.random() < 0.3 else on + timedelta(days=rng.randint(1, 150))
            rows.append(
                {
                    "event_id": f"c-{n}-{k}",
                    "dimension": dimension,
                    "case_id": case_id,
                    "uscc": f"U{n:017d}",
                    "district": district,
                    "industry": "cement",
                    "state": rng.choice(states),
                    "deadline": on + timedelta(days=rng.randint(10, 200))
                    if rng.random() < 0.7
                    else None,
                    "effective_on": on,
                    "recorded_at": RECORDED + timedelta(minutes=rng.randrange(10_000)),
                    "type": f"phaseout.{dimension}.case.step.v1",
                    "sequence": k + 1 if rng.random() < 0.6 else None,
                }
            )
    return rows


def later(r: dict[str, Any]) -> tuple[Any, ...]:
    return (r["effective_on"], r["sequence"] or 0, r["recorded_at"])


def latest_by_case(rows: list[dict[str, Any]], as_of: date) -> list[dict[str, Any]]:
    by_case: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        if r["effective_on"] <= as_of:
            by_case.setdefault((r["dimension"], r["case_id"]), []).append(r)
    return [
        {**max(found, key=later), "opened_on": min(r["effective_on"] for r in found)}
        for found in by_case.values()
    ]


def in_scope(row: dict[str, Any], scope: Scope, where: Where) -> bool:
    return (scope.dimensions is None or row["dimension"] in scope.dimensions) and (
        (where.district or scope.district) in (None, row["district"])
    )


async def _kept_rows(db: Database) -> list[tuple[Any, ...]]:
    async with db.sessions() as session:
        found = await session.execute(
            select(case_current).order_by(case_current.c.dimension, case_current.c.case_id)
        )
        return [tuple(r) for r in found]


async def test_the_cases_as_of_any_day_are_what_their_rows_say(
    test_stack: StackUnderTest,
) -> None:
    rng = random.Random(21)
    rows = histories(rng, 80)
    assert len({(r["case_id"], r["effective_on"]) for r in rows}) < len(rows), "some same-day"
    db = await fresh_database(test_stack.config, "cases")
    scopes = [
        (Scope(dimensions=None, district=None), Where()),
        (Scope(dimensions=frozenset({"energy", "quality"}), district=None), Where()),
        (Scope(dimensions=None, district="futian"), Where()),
        (Scope(dimensions=frozenset({"technology"}), district=None), Where(district="baoan")),
    ]
    try:
        await write_shuffled(db, case_events, rows, rng, most=7)
        kept = await _kept_rows(db)
        assert len(kept) == 80
        days = [date(2018, 12, 31), *sorted(rng.sample([r["effective_on"] for r in rows], 8))]
        days += [d - timedelta(days=1) for d in days[1:4]] + [date(2026, 1, 1)]
        listed = 0
        async with db.sessions() as session:
            for as_of in days:
                latest = latest_by_case(rows, as_of)
                for scope, where in scopes:
                    expected = sorted(
                        (r["opened_on"], r["case_id"], r["event_id"], r["state"], r["deadline"])
                        for r in latest
                        if in_scope(r, scope, where)
                    )
                    got = [
                        (r["opened_on"], r["case_id"], r["event_id"], r["state"], r["deadline"])
                        for r in await cases_as_of(session, as_of, scope, where)
                    ]
                    assert got == expected, (as_of, scope, where)
                    listed += len(got)
                    if where != Where():
                        continue
                    counts: Counter[tuple[str, str]] = Counter()
                    overdue: Counter[tuple[str, str]] = Counter()
                    for r in latest:
                        if in_scope(r, scope, where):
                            late = r["deadline"] is not None and r["deadline"] < as_of
                            is_open, is_overdue = _judged(r["dimension"], r["state"], late)
                            counts[(r["district"], r["dimension"])] += is_open
                            overdue[(r["district"], r["dimension"])] += is_overdue
                    found = await case_counts(session, as_of, scope)
                    assert found == {
                        key: (counts[key], overdue[key]) for key in {*counts, *overdue}
                    }, (as_of, scope)
        assert listed > 300, "the days and scopes list many cases"
        # The migration's fill from the rows makes the same rows as the trigger did.
        async with db.sessions.begin() as session:
            await session.execute(text("TRUNCATE case_current"))
            columns = ", ".join(("dimension", "case_id", *migration.KEPT, "opened_on"))
            await session.execute(
                text(
                    f"INSERT INTO case_current ({columns}) "
                    + migration.LATEST.format(rows="case_events")
                )
            )
        assert await _kept_rows(db) == kept
    finally:
        await db.dispose()
