"""Delivery guarantees on the real broker and database: a relay that dies between publishing
and marking sent loses nothing and duplicates nothing; a redelivered event is applied once;
a malformed message goes to the DLQ and consumption goes on; one trace spans the hop."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from conftest import SPANS, Platform, create_app_for, running
from sqlalchemy import func, select
from support import eventually, make_uscc

from phaseout_aggregator.adapters.tables import timeline
from phaseout_shared.bus import KafkaAccess, make_producer
from phaseout_shared.contracts.enterprise import REGISTERED
from phaseout_shared.db import outbox
from phaseout_shared.envelope import Envelope, to_kafka
from phaseout_shared.outbox import Relay
from phaseout_shared.reference import Dimension

pytestmark = pytest.mark.integration
rng = random.Random(20191231)


async def applied_count(platform: Platform, event_id: str) -> int:
    async with platform.apps["aggregator"].state.db.sessions() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(timeline).where(timeline.c.event_id == event_id)
            )
            or 0
        )


async def copies_on_topic(kafka: KafkaAccess, topic: str, event_id: str) -> int:
    consumer = AIOKafkaConsumer(**kafka.options(), enable_auto_commit=False)
    await consumer.start()
    try:
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        if not parts:
            parts = [TopicPartition(topic, p) for p in range(3)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        found = 0
        while [tp for tp in parts if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found += sum(dict(r.headers).get("ce_id") == event_id.encode() for r in records)
        return found
    finally:
        await consumer.stop()


class RelayDied(Exception):
    pass


async def test_relay_killed_between_publish_and_mark_sent(platform: Platform) -> None:
    stack = platform.stack
    app = create_app_for(
        "energy", stack.settings("energy", database="relaytest", run_workers=False)
    )
    uscc = make_uscc(rng)
    async with running(app):
        from conftest import client

        # what the service wrote as it started (its catalogue's names) goes out first
        await Relay(app.state.db.sessions, app.state.producer).publish_batch()
        async with client(app, "energy-relaytest") as http:
            body = {
                "uscc": uscc,
                "name": "某铜冶炼厂",
                "district": "longgang",
                "industry": "copper_smelting",
                "effective_on": "2019-06-01",
            }
            assert (
                await http.post("/v1/enterprises", json=body, headers=stack.headers("miit"))
            ).status_code == 201
        async with app.state.db.sessions() as session:
            event_id = str(
                await session.scalar(select(outbox.c.event_id).where(outbox.c.subject == uscc))
            )

        async def die(_: int) -> None:
            raise RelayDied

        dying = Relay(app.state.db.sessions, app.state.producer)
        dying.after_publish = die
        with pytest.raises(RelayDied):
            await dying.publish_batch()
        async with app.state.db.sessions() as session:
            unsent = await session.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
            )
        assert unsent == 1, "the row must stay unsent when the relay dies before marking it"

        restarted = Relay(app.state.db.sessions, app.state.producer)
        assert await restarted.publish_batch() == 1
        assert await restarted.publish_batch() == 0

    assert await copies_on_topic(stack.kafka, "phaseout.energy.events", event_id) == 2
    await eventually(lambda: _at_least(applied_count(platform, event_id), 1))
    assert await applied_count(platform, event_id) == 1


async def _at_least(count: Any, n: int) -> int | None:
    value = await count
    return value if value >= n else None


def registered(uscc: str, dimension: Dimension = Dimension.SAFETY) -> Envelope:
    payload = REGISTERED[dimension](
        uscc=uscc,
        name="某陶瓷厂",
        district="guangming",
        industry="ceramics",
        effective_on=date(2019, 7, 1),
    )
    return Envelope.of(
        payload, source=f"/phaseout/{dimension.value}", subject=uscc, time=datetime.now(UTC)
    )


async def test_the_same_event_delivered_twice_is_applied_once(platform: Platform) -> None:
    envelope = registered(make_uscc(rng))
    producer = make_producer(platform.stack.kafka, "test-duplicates")
    await producer.start()
    try:
        key, value, headers = to_kafka(envelope)
        for _ in range(2):
            await producer.send_and_wait("phaseout.safety.events", value, key=key, headers=headers)
    finally:
        await producer.stop()
    await eventually(lambda: _at_least(applied_count(platform, envelope.id), 1))
    later = registered(make_uscc(rng))
    producer = make_producer(platform.stack.kafka, "test-duplicates-2")
    await producer.start()
    try:
        key, value, headers = to_kafka(later)
        await producer.send_and_wait("phaseout.safety.events", value, key=key, headers=headers)
    finally:
        await producer.stop()
    await eventually(lambda: _at_least(applied_count(platform, later.id), 1))
    assert await applied_count(platform, envelope.id) == 1


async def dead_letters(kafka: KafkaAccess, topic: str) -> list[dict[str, bytes]]:
    consumer = AIOKafkaConsumer(
        topic,
        **kafka.options(),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=2000)
        return [dict(r.headers) | {"value": r.value or b""} for rs in batches.values() for r in rs]
    finally:
        await consumer.stop()


@pytest.mark.parametrize(
    ("value", "headers", "reason"),
    [
        (
            b"{not json",
            [
                ("ce_id", b"x1"),
                ("ce_type", b"phaseout.quality.enterprise.registered.v1"),
                ("ce_source", b"/phaseout/quality"),
                ("ce_specversion", b"1.0"),
                ("ce_time", b"2019-07-01T00:00:00Z"),
                ("content-type", b"application/json"),
            ],
            b"malformed",
        ),
        (b"{}", [], b"missing CloudEvents headers"),
        (
            b'{"a": 1}',
            [
                ("ce_id", b"x2"),
                ("ce_type", b"phaseout.quality.nothing.happened.v1"),
                ("ce_source", b"/phaseout/quality"),
                ("ce_specversion", b"1.0"),
                ("ce_time", b"2019-07-01T00:00:00Z"),
                ("content-type", b"application/json"),
            ],
            b"unknown event type",
        ),
    ],
)
async def test_malformed_message_goes_to_the_dlq_and_consumption_goes_on(
    platform: Platform, value: bytes, headers: list[tuple[str, bytes]], reason: bytes
) -> None:
    producer: AIOKafkaProducer = make_producer(platform.stack.kafka, "test-poison")
    good = registered(make_uscc(rng), Dimension.QUALITY)
    await producer.start()
    try:
        await producer.send_and_wait(
            "phaseout.quality.events", value, key=b"poison", headers=headers
        )
        k, v, h = to_kafka(good)
        await producer.send_and_wait("phaseout.quality.events", v, key=k, headers=h)
    finally:
        await producer.stop()
    await eventually(lambda: _at_least(applied_count(platform, good.id), 1))

    async def landed() -> list[dict[str, bytes]] | None:
        found = [
            d
            for d in await dead_letters(platform.stack.kafka, "phaseout.aggregator.dlq")
            if d["value"] == value and reason in d.get("dlq_reason", b"")
        ]
        return found or None

    letter = (await eventually(landed))[0]
    assert letter["dlq_consumer"] == b"aggregator"
    assert letter["dlq_origin"].startswith(b"phaseout.quality.events/")


async def test_one_trace_from_the_agency_api_to_the_aggregator(platform: Platform) -> None:
    uscc = make_uscc(rng)
    SPANS.clear()
    r = await platform.clients["technology"].post(
        "/v1/enterprises",
        json={
            "uscc": uscc,
            "name": "某平板玻璃厂",
            "district": "dapeng",
            "industry": "flat_glass",
            "effective_on": "2019-05-20",
        },
        headers=platform.stack.headers("miit"),
    )
    assert r.status_code == 201

    async def consumer_span() -> Any:
        for span in SPANS.get_finished_spans():
            if (
                span.name == "phaseout.technology.events process"
                and span.attributes
                and span.attributes.get("messaging.consumer.group.name") == "aggregator"
            ):
                return span
        return None

    consumed = await eventually(consumer_span)
    spans = SPANS.get_finished_spans()
    http = [s for s in spans if s.name == "POST /v1/enterprises" and s.kind.name == "SERVER"]
    publish = [s for s in spans if s.name == "phaseout.technology.events publish"]
    trace_ids = {s.context.trace_id for s in http}
    assert consumed.context.trace_id in trace_ids
    assert any(p.context.trace_id == consumed.context.trace_id for p in publish)
    assert consumed.parent is not None


def poison_headers(event_type: str, event_id: str, subject: str) -> list[tuple[str, bytes]]:
    return [
        ("ce_id", event_id.encode()),
        ("ce_type", event_type.encode()),
        ("ce_source", b"/phaseout/safety"),
        ("ce_specversion", b"1.0"),
        ("ce_time", b"2019-07-01T00:00:00Z"),
        ("ce_subject", subject.encode()),
        ("content-type", b"application/json"),
    ]


async def all_dead_letters(kafka: KafkaAccess, topic: str) -> list[dict[str, bytes]]:
    """Every record on a dead-letter topic so far, its headers and its value."""
    consumer = AIOKafkaConsumer(
        **kafka.options(),
        enable_auto_commit=False,
        max_partition_fetch_bytes=4 * 1024 * 1024,  # the oversized letter is over 1 MB
    )
    await consumer.start()
    try:
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        parts = parts or [TopicPartition(topic, p) for p in range(3)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        found: list[dict[str, bytes]] = []
        while [tp for tp in parts if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found += [dict(r.headers) | {"value": r.value or b""} for r in records]
        return found
    finally:
        await consumer.stop()


async def test_poison_messages_of_every_kind_go_to_the_dlq_with_their_reason(
    platform: Platform,
) -> None:
    """Malformed JSON, an unknown type, a payload against its schema and an oversized body:
    each is dead-lettered by the aggregator with its reason, and a good event after them is
    applied."""
    limit = platform.apps["aggregator"].state.settings.max_event_bytes
    registered_v1 = "phaseout.safety.enterprise.registered.v1"
    oversized = b'{"name": "' + b"x" * limit + b'"}'
    poison = {
        "malformed JSON": (b'{"uscc": ', registered_v1, b"not a JSON object"),
        "unknown type": (b'{"a": 1}', "phaseout.safety.nothing.happened.v1", b"unknown event"),
        "schema-invalid": (
            b'{"uscc": "not-a-code", "district": "atlantis"}',
            registered_v1,
            b"payload does not match " + registered_v1.encode(),
        ),
        "oversized": (
            oversized,
            registered_v1,
            f"oversized: {len(oversized)} bytes, over the limit of {limit}".encode(),
        ),
    }
    ids = {kind: f"poison-{kind}-{rng.random()}" for kind in poison}
    uscc = make_uscc(rng)
    good = Envelope.of(
        REGISTERED[Dimension.SAFETY](
            uscc=uscc,
            name="某造纸厂",
            district="pingshan",
            industry="paper",
            effective_on=date(2019, 8, 1),
        ),
        source="/phaseout/safety",
        subject=uscc,
        time=datetime.now(UTC),
    )
    # one key, so one partition: the good event comes after the four poisons
    producer = make_producer(platform.stack.kafka, "test-poison-kinds")
    await producer.start()
    try:
        for kind, (value, event_type, _) in poison.items():
            headers = poison_headers(event_type, ids[kind], uscc)
            await producer.send_and_wait(
                "phaseout.safety.events", value, key=uscc.encode(), headers=headers
            )
        k, v, h = to_kafka(good)
        await producer.send_and_wait("phaseout.safety.events", v, key=k, headers=h)
    finally:
        await producer.stop()
    await eventually(lambda: _at_least(applied_count(platform, good.id), 1))

    async def letters() -> dict[str, dict[str, bytes]] | None:
        by_id = {
            d["ce_id"].decode(): d
            for d in await all_dead_letters(platform.stack.kafka, "phaseout.aggregator.dlq")
            if d.get("dlq_consumer") == b"aggregator" and "ce_id" in d
        }
        found = {kind: by_id[i] for kind, i in ids.items() if i in by_id}
        return found if len(found) == len(poison) else None

    found = await eventually(letters)
    for kind, (value, _, reason) in poison.items():
        assert found[kind]["value"] == value, kind
        assert reason in found[kind]["dlq_reason"], (kind, found[kind]["dlq_reason"][:200])
        assert found[kind]["dlq_origin"].startswith(b"phaseout.safety.events/")
    assert await applied_count(platform, good.id) == 1
