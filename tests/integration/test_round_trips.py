"""How many statements a write sends to PostgreSQL: each one is a round trip on the write path.

The request's own statements are those of the connection that wrote its state (the relay and
the consumers run on other connections of the same engine at the same time).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from conftest import Platform
from sqlalchemy import event
from support import eventually, make_uscc

rng = random.Random(1616)


@contextmanager
def statements(platform: Platform, service: str) -> Iterator[dict[int, list[str]]]:
    """The statements each connection of the service's engine sends within the block, each as
    its first words (`INSERT INTO items`, `WITH audited`)."""
    engine = platform.apps[service].state.db.engine.sync_engine
    seen: dict[int, list[str]] = {}

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        words = statement.split()
        seen.setdefault(id(conn.connection.dbapi_connection), []).append(" ".join(words[:3]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def of_request(seen: dict[int, list[str]], writes: str) -> list[str]:
    """The statements of the one connection that sent `writes`."""
    (found,) = [s for s in seen.values() if writes in s]
    return found


async def test_a_write_is_its_state_and_one_statement_for_audit_and_events(
    platform: Platform,
) -> None:
    tech = platform.clients["technology"]
    uscc = make_uscc(rng)
    with statements(platform, "technology") as seen:
        r = await tech.post(
            "/v1/enterprises",
            json={
                "uscc": uscc,
                "name": "某纸业有限公司",
                "district": "baoan",
                "industry": "paper",
                "effective_on": "2019-04-01",
            },
            headers=platform.stack.headers("miit"),
        )
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 1 and r.json()["name"] == "某纸业有限公司"
    assert of_request(seen, "INSERT INTO enterprises") == [
        "INSERT INTO enterprises",
        "WITH audited AS",
    ]

    body = {
        "item_id": "PM-3",
        "equipment": {"kind": "cultural_paper_line", "width_m": 1.76, "speed_m_per_min": 110},
        "capacity_amount": "30000",
        "capacity_unit": "t/a",
        "effective_on": "2019-06-03",
    }
    h = platform.stack.headers("miit", "baoan")
    with statements(platform, "technology") as seen:
        r = await tech.post(f"/v1/enterprises/{uscc}/items", json=body, headers=h)
    assert r.status_code == 201, r.text
    assert of_request(seen, "INSERT INTO items") == [
        "SELECT enterprises.uscc, enterprises.name,",
        "INSERT INTO cases",
        "INSERT INTO items",
        "WITH audited AS",
    ]

    # An item that stays, surveyed again: the insert finds it, and it is read and saved.
    kept = body | {
        "item_id": "PM-9",
        "equipment": {"kind": "cultural_paper_line", "width_m": 5.6, "speed_m_per_min": 900},
    }
    r = await tech.post(f"/v1/enterprises/{uscc}/items", json=kept, headers=h)
    assert r.status_code == 201 and r.json()["case_id"] is None, r.text
    with statements(platform, "technology") as seen:
        r = await tech.post(f"/v1/enterprises/{uscc}/items", json=kept, headers=h)
    assert r.status_code == 201, r.text
    assert of_request(seen, "INSERT INTO items")[-3:] == [
        "SELECT items.doc, items.version",
        "UPDATE items SET",
        "WITH audited AS",
    ]


async def test_a_status_reads_catalogue_names_only_for_its_table_5_exits(
    platform: Platform,
) -> None:
    """The names of Table 5's kinds and rules are read for the exits that show them, not the
    whole catalogue on every read of an enterprise."""
    uscc = make_uscc(rng)
    body = {
        "uscc": uscc,
        "name": "某水泥有限公司",
        "district": "baoan",
        "industry": "cement",
        "effective_on": "2019-04-01",
    }
    miit = platform.stack.headers("miit")
    r = await platform.clients["energy"].post("/v1/enterprises", json=body, headers=miit)
    assert r.status_code == 201, r.text
    aggregator = platform.clients["aggregator"]

    async def known() -> bool | None:
        r = await aggregator.get(f"/v1/enterprises/{uscc}", headers=miit)
        return True if r.status_code == 200 else None

    await eventually(known)
    with statements(platform, "aggregator") as seen:
        r = await aggregator.get(f"/v1/enterprises/{uscc}", headers=miit)
    assert r.status_code == 200 and r.json()["exits"] == [], r.text
    sent = [s for found in seen.values() for s in found]
    assert any("timeline" in s for s in sent), sent  # the read was seen
    assert not any("catalogue_names" in s for s in sent), sent
