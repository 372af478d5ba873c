"""How many statements one write sends to PostgreSQL: each is a round trip on the write path."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from conftest import Platform
from support import make_uscc

rng = random.Random(1616)


@contextmanager
def statements(platform: Platform, service: str) -> Iterator[list[str]]:
    engine = platform.apps[service].state.db.engine.sync_engine
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement.split()[0] + " " + statement[:160].replace("\n", " "))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_print(platform: Platform) -> None:
    tech, h = platform.clients["technology"], platform.stack.headers("miit", "baoan")
    uscc = make_uscc(rng)
    with statements(platform, "technology") as seen:
        r = await tech.post(
            "/v1/enterprises",
            json={"uscc": uscc, "name": "某厂", "district": "baoan", "industry": "paper",
                  "effective_on": "2019-04-01"},
            headers=platform.stack.headers("miit"),
        )
    assert r.status_code == 201
    print("REGISTER", len(seen), *seen, sep="\n  ")
    with statements(platform, "technology") as seen:
        r = await tech.post(
            f"/v1/enterprises/{uscc}/items",
            json={"item_id": "PM-3", "equipment": {"kind": "cultural_paper_line", "width_m": 1.76, "speed_m_per_min": 110},
                  "capacity_amount": "30000", "capacity_unit": "t/a", "effective_on": "2019-06-03"},
            headers=h,
        )
    assert r.status_code == 201, r.text
    print("ITEM", len(seen), *seen, sep="\n  ")
