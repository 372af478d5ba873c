"""The exit list as of any day, read from each exit's kept latest row (`exit_current`, kept by a
trigger on `exit_events`) where that row took effect by then and from the ranked rows
otherwise, is the list the rows themselves say: checked against a reading of the rows in
Python, over exits and revivals written in a shuffled order, several rows a statement or one,
some delivered twice, some of one day told apart by their sequence or, without one, by when
they were recorded."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from conftest import StackUnderTest
from projected_rows import fresh_database, write_shuffled
from sqlalchemy import select

from phaseout_aggregator.adapters.tables import exit_current, exit_events
from phaseout_aggregator.app.access import Scope
from phaseout_aggregator.app.history import Where, page_of_exits

pytestmark = pytest.mark.integration

RECORDED = datetime(2021, 1, 1, tzinfo=UTC)


def histories(rng: random.Random, cases: int) -> list[dict[str, Any]]:
    """Each case's rows: an exit, then revivals and exits again, some on one day."""
    rows = []
    for n in range(cases):
        dimension = rng.choice(("technology", "energy"))
        case_id = str(uuid.UUID(int=rng.getrandbits(128)))
        district = rng.choice(("baoan", "futian"))
        on = date(2019, 1, 1) + timedelta(days=rng.randrange(700))
        status = "exited"
        for k in range(rng.randint(1, 4)):
            same_day = k and rng.random() < 0.3
            on = on if same_day else on + timedelta(days=rng.randint(1, 200))
            rows.append(
                {
                    "event_id": f"e-{n}-{k}",
                    "dimension": dimension,
                    "case_id": case_id,
                    "uscc": f"U{n:017d}",
                    "district": district,
                    "industry": ("cement", "paper")[n % 2],
                    "item": f"mill {n}",
                    "capacity_amount": Decimal(1000 + n),
                    "capacity_unit": ("t/a", "kVA")[n % 3 == 0],
                    "rule": "T5",
                    "catalogue_version": "2019.1",
                    "status": status,
                    "effective_on": on,
                    # Of one day: a sequence where the agency gave one, else the record time.
                    "sequence": k + 1 if rng.random() < 0.6 else None,
                    "recorded_at": RECORDED + timedelta(minutes=rng.randrange(10_000)),
                    "basis": None,
                }
            )
            status = "revived" if status == "exited" else "exited"
    return rows


def later(a: dict[str, Any]) -> tuple[Any, ...]:
    return (a["effective_on"], a["sequence"] or 0, a["recorded_at"])


def expected_list(
    rows: list[dict[str, Any]],
    as_of: date,
    *,
    year: int | None = None,
    status: str | None = None,
    district: str | None = None,
    dimensions: frozenset[str] | None = None,
) -> list[tuple[Any, ...]]:
    """The list as the rows say: each case's latest row by the day, with its latest exit."""
    by_case: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        if r["effective_on"] <= as_of:
            by_case.setdefault((r["dimension"], r["case_id"]), []).append(r)
    listed = []
    for found in by_case.values():
        latest = max(found, key=later)
        exited_on = max(r["effective_on"] for r in found if r["status"] == "exited")
        if year is not None and exited_on.year != year:
            continue
        if status is not None and latest["status"] != status:
            continue
        if district is not None and latest["district"] != district:
            continue
        if dimensions is not None and latest["dimension"] not in dimensions:
            continue
        listed.append(
            (
                latest["effective_on"],
                latest["case_id"],
                latest["event_id"],
                latest["status"],
                exited_on,
            )
        )
    return sorted(listed)


def expected_sums(
    rows: list[dict[str, Any]], listed: list[tuple[Any, ...]]
) -> list[tuple[str, str, Decimal, int]]:
    """The listed items that exited (not revived), per industry and unit: amount and count."""
    events = {r["event_id"]: r for r in rows}
    sums: dict[tuple[str, str], tuple[Decimal, int]] = {}
    for _, _, event_id, status, _ in listed:
        if status == "exited":
            r = events[event_id]
            amount, n = sums.get((r["industry"], r["capacity_unit"]), (Decimal(0), 0))
            sums[(r["industry"], r["capacity_unit"])] = (amount + r["capacity_amount"], n + 1)
    return sorted((i, u, amount, n) for (i, u), (amount, n) in sums.items())


async def test_the_exit_list_as_of_any_day_is_what_its_rows_say(
    test_stack: StackUnderTest,
) -> None:
    rng = random.Random(20)
    rows = histories(rng, 60)
    assert any(r["status"] == "revived" for r in rows)
    assert len({(r["case_id"], r["effective_on"]) for r in rows}) < len(rows), "some same-day"
    db = await fresh_database(test_stack.config, "kept")
    try:
        await write_shuffled(db, exit_events, rows, rng, most=7)
        async with db.sessions() as session:
            kept = {
                (r.dimension, r.case_id): r for r in await session.execute(select(exit_current))
            }
            for key, r in kept.items():
                theirs = [x for x in rows if (x["dimension"], x["case_id"]) == key]
                assert r.event_id == max(theirs, key=later)["event_id"]
                assert r.opened_on == min(x["effective_on"] for x in theirs)
                assert r.exited_on == max(
                    x["effective_on"] for x in theirs if x["status"] == "exited"
                )
            assert len(kept) == 60
            last = max(r["effective_on"] for r in rows)
            days = [date(2018, 12, 31), *sorted(rng.sample([r["effective_on"] for r in rows], 8))]
            days += [d - timedelta(days=1) for d in days[1:4]] + [last, date(2026, 1, 1)]
            asked: list[dict[str, Any]] = [
                {},
                {"year": 2019},
                {"year": 2020, "status": "exited"},
                {"status": "revived"},
                {"district": "futian", "year": 2020},
                {"dimensions": frozenset({"energy"})},
            ]
            seen = 0
            for as_of in days:
                for filters in asked:
                    asking = {
                        "scope": Scope(dimensions=filters.get("dimensions"), district=None),
                        "where": Where(district=filters.get("district")),
                        "year": filters.get("year"),
                        "status": filters.get("status"),
                    }
                    page = await page_of_exits(session, as_of, **asking)
                    got = [
                        (
                            r["effective_on"],
                            r["case_id"],
                            r["event_id"],
                            r["status"],
                            r["exited_on"],
                        )
                        for r in page.rows
                    ]
                    expected = expected_list(rows, as_of, **filters)
                    assert got == expected, (as_of, filters)
                    assert page.listed == len(got)
                    seen += len(got)
                    paged = await page_of_exits(
                        session, as_of, **asking, limit=7, offset=5, with_sums=True
                    )
                    assert [(r["case_id"], r["status"]) for r in paged.rows] == [
                        (case_id, status) for _, case_id, _, status, _ in expected[5:12]
                    ]
                    assert paged.listed == len(expected)
                    assert paged.sums == expected_sums(rows, expected)
            assert seen > 200, "the days and filters asked list many exits"
    finally:
        await db.dispose()
