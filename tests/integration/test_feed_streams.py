"""The revival watch's feeds as streams, on the real broker: the grid company's and the tax
bureau's systems publish readings on their own topics as their own principals, and the
technology service loads them as it loads an imported file — once per key, a correction only
with its reason (else dead-lettered with the problem), and the rules run over what arrived."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from conftest import Platform
from support import dead_letter, eventually, make_uscc

from phaseout_shared.bus import dead_letters_of, make_producer
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.feeds import (
    InvoiceRecorded,
    InvoicesRecorded,
    ReadingRecorded,
    ReadingsRecorded,
)
from phaseout_shared.envelope import Envelope, to_kafka

pytestmark = pytest.mark.integration
rng = random.Random(2019_12)


async def publish(
    platform: Platform, system: str, payloads: Sequence[EventPayload], batch_key: str | None = None
) -> list[str]:
    """Publish as the feed's own system (`grid`, `tax`) on its topic, keyed by the enterprise
    or by `batch_key` (a batch's); the events' ids."""
    producer = make_producer(platform.stack.kafka_as(system), f"test-{system}")
    ids = []
    await asyncio.wait_for(producer.start(), 20)
    try:
        for p in payloads:
            if batch_key is None and isinstance(p, ReadingRecorded | InvoiceRecorded):
                subject = str(p.uscc)
            else:
                subject = str(batch_key)
            envelope = Envelope.of(
                p, source=f"/phaseout/{system}", subject=subject, time=datetime.now(UTC)
            )
            key, value, headers = to_kafka(envelope)
            await producer.send_and_wait(
                f"phaseout.{system}.events", value, key=key, headers=headers
            )
            ids.append(envelope.id)
    finally:
        await producer.stop()
    return ids


def readings(uscc: str, account: str, kwh: dict[str, int], **over: Any) -> list[ReadingRecorded]:
    return [
        ReadingRecorded(
            uscc=uscc,
            district="baoan",
            period=date.fromisoformat(f"{period}-01"),
            account=account,
            address="深圳市宝安区某工业园 9 栋",
            kwh=Decimal(amount),
            max_demand_kw=Decimal(amount // 500),
            **over,
        )
        for period, amount in kwh.items()
    ]


async def stored(platform: Platform, uscc: str, n: int) -> list[Any] | None:
    r = await platform.clients["technology"].get(
        "/v1/watch/readings", params={"uscc": uscc}, headers=platform.stack.headers("miit")
    )
    items: list[Any] = r.json()["items"]
    return items if len(items) == n else None


async def dead_letter_of(platform: Platform, event_id: str) -> dict[str, bytes] | None:
    return await dead_letter(platform.stack.kafka, dead_letters_of("technology"), event_id)


async def test_streamed_readings_load_once_and_a_correction_needs_its_reason(
    platform: Platform,
) -> None:
    uscc, account = make_uscc(rng), f"GD-S-{rng.randrange(10**6):06d}"
    months = {"2019-01": 9_000, "2019-02": 9_100, "2019-03": 9_200}
    await publish(platform, "grid", readings(uscc, account, months))
    items = await eventually(lambda: stored(platform, uscc, 3), within=60)
    assert [(x["period"], x["kwh"], x["revision"]) for x in items] == [
        ("2019-01-01", "9000.000", 1),
        ("2019-02-01", "9100.000", 1),
        ("2019-03-01", "9200.000", 1),
    ]

    # The same readings again change nothing; a changed figure without a reason is refused
    # alone (dead-lettered with its problem), a correction with its reason supersedes.
    await publish(platform, "grid", readings(uscc, account, months))
    (unexplained,) = await publish(platform, "grid", readings(uscc, account, {"2019-02": 9_900}))
    await publish(
        platform,
        "grid",
        readings(uscc, account, {"2019-03": 9_300}, correction_reason="抄表错误更正"),
    )

    async def corrected() -> list[Any] | None:
        found = await stored(platform, uscc, 3)
        return found if found and found[2]["revision"] == 2 else None

    items = await eventually(corrected, within=60)
    assert [(x["kwh"], x["revision"]) for x in items] == [
        ("9000.000", 1),
        ("9100.000", 1),
        ("9300.000", 2),
    ]
    assert items[2]["correction_reason"] == "抄表错误更正"
    letter = await eventually(lambda: dead_letter_of(platform, unexplained), within=90)
    assert b"correction_reason" in letter["dlq_reason"]
    assert letter["dlq_consumer"] == b"technology-feeds"


async def test_streamed_power_and_rebar_invoices_raise_a_ditiaogang_alert(
    platform: Platform,
) -> None:
    uscc = make_uscc(rng)
    await publish(
        platform, "grid", readings(uscc, f"GD-{uscc[-8:]}", {"2019-02": 20_000, "2019-03": 600_000})
    )
    await publish(
        platform,
        "tax",
        [
            InvoiceRecorded(
                uscc=uscc,
                district="baoan",
                period=date(2019, 3, 1),
                category="steel_rebar",
                amount_yuan=Decimal(3_800_000),
                tonnes=Decimal(1_000),
            )
        ],
    )

    async def raised() -> list[Any] | None:
        r = await platform.clients["technology"].get(
            "/v1/watch/alerts", params={"uscc": uscc}, headers=platform.stack.headers("miit")
        )
        return r.json()["items"] or None

    (alert,) = await eventually(raised, within=90)
    assert (alert["kind"], alert["rule"]) == ("ditiaogang", "D-induction-furnace-intensity")
    assert sorted(alert["to"]) == ["miit", "samr"]


async def test_an_event_on_a_feeds_topic_from_another_source_is_refused(
    platform: Platform,
) -> None:
    """The tax bureau's system may not pass readings off as the grid company's: the broker
    keeps it off the grid's topic, and the consumer refuses another source there all the same
    (here the grid's own principal sends an event that claims the tax bureau as its source)."""
    uscc = make_uscc(rng)
    payload = readings(uscc, "GD-F-1", {"2019-05": 1_000})[0]
    envelope = Envelope.of(payload, source="/phaseout/tax", subject=uscc, time=datetime.now(UTC))
    producer = make_producer(platform.stack.kafka_as("grid"), "test-grid-foreign")
    await asyncio.wait_for(producer.start(), 20)
    try:
        key, value, headers = to_kafka(envelope)
        await producer.send_and_wait("phaseout.grid.events", value, key=key, headers=headers)
    finally:
        await producer.stop()
    letter = await eventually(lambda: dead_letter_of(platform, envelope.id), within=90)
    assert letter["dlq_reason"].startswith(b"foreign")
    assert await stored(platform, uscc, 0) == []


async def test_a_batch_of_readings_loads_whole_or_is_refused_whole(platform: Platform) -> None:
    """A metering system's collection run as one event: its readings stored as a file's rows
    are; a batch holding one changed figure without its reason is dead-lettered whole, naming
    the reading, and none of its readings is stored (as a file with one bad row)."""
    first, second = make_uscc(rng), make_uscc(rng)
    run = [
        *readings(first, "GD-B-1", {"2019-01": 7_000, "2019-02": 7_100}),
        *readings(second, "GD-B-2", {"2019-01": 50_000}),
    ]
    batch = ReadingsRecorded(readings=run)
    await publish(platform, "grid", [batch], batch_key="baoan")
    items = await eventually(lambda: stored(platform, first, 2), within=60)
    assert [(x["period"], x["kwh"]) for x in items] == [
        ("2019-01-01", "7000.000"),
        ("2019-02-01", "7100.000"),
    ]
    assert [x["kwh"] for x in await eventually(lambda: stored(platform, second, 1))] == [
        "50000.000"
    ]

    third = make_uscc(rng)
    bad = [
        *readings(third, "GD-B-3", {"2019-03": 1_000}),
        *readings(first, "GD-B-1", {"2019-02": 9_999}),  # changed, no correction_reason
    ]
    (refused,) = await publish(
        platform, "grid", [ReadingsRecorded(readings=bad)], batch_key="baoan"
    )
    letter = await eventually(lambda: dead_letter_of(platform, refused), within=90)
    assert b"reading 2" in letter["dlq_reason"] and b"correction_reason" in letter["dlq_reason"]
    assert await stored(platform, third, 0) == []
    assert [x["kwh"] for x in await stored(platform, first, 2) or []] == ["7000.000", "7100.000"]


async def test_a_batch_of_invoices_loads_like_single_ones(platform: Platform) -> None:
    uscc = make_uscc(rng)
    invoices = [
        InvoiceRecorded(
            uscc=uscc,
            district="baoan",
            period=date(2019, month, 1),
            category="steel_rebar",
            amount_yuan=Decimal(1_000_000 + month),
            tonnes=Decimal(250),
        )
        for month in (4, 5, 6)
    ]
    await publish(platform, "tax", [InvoicesRecorded(invoices=invoices)], batch_key="baoan")

    async def loaded() -> list[Any] | None:
        r = await platform.clients["technology"].get(
            "/v1/watch/invoices", params={"uscc": uscc}, headers=platform.stack.headers("miit")
        )
        items: list[Any] = r.json()["items"] if r.status_code == 200 else []
        return items if len(items) == 3 else None

    items = await eventually(loaded, within=60)
    assert sorted(x["period"] for x in items) == ["2019-04-01", "2019-05-01", "2019-06-01"]
