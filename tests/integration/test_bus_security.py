"""The bus knows who speaks, on the real broker: no client without credentials, each service's
principal limited by ACLs to its own topic, dead letters and consumer groups, and a consumer
that refuses an event whose source is not the owner of the topic it came from."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)
from conftest import Platform, StackUnderTest
from support import dead_letter, eventually, make_uscc

from phaseout_shared.bus import KafkaAccess, dead_letters_of, make_producer
from phaseout_shared.contracts.enterprise import REGISTERED
from phaseout_shared.contracts.feeds import ReadingRecorded
from phaseout_shared.envelope import Envelope, to_kafka
from phaseout_shared.principals import AGENCY_TOPICS, FEEDS, PRINCIPALS, owner_source
from phaseout_shared.reference import Dimension

pytestmark = pytest.mark.integration
rng = random.Random(20260601)


async def produce(kafka: KafkaAccess, topic: str, envelope: Envelope | None = None) -> None:
    """One record: the envelope, or (to try a permission) a dead letter that says so."""
    producer = make_producer(kafka, f"test-{kafka.username}")
    try:
        await asyncio.wait_for(producer.start(), 20)
        if envelope is None:
            headers = [("dlq_reason", b"test: may this principal write here")]
            await producer.send_and_wait(topic, b"{}", key=b"k", headers=headers)
        else:
            key, value, headers = to_kafka(envelope)
            await producer.send_and_wait(topic, value, key=key, headers=headers)
    finally:
        await producer.stop()


async def join(kafka: KafkaAccess, topic: str, group: str) -> None:
    consumer = AIOKafkaConsumer(topic, group_id=group, **kafka.options())
    try:
        await asyncio.wait_for(consumer.start(), 20)
        await consumer.getmany(timeout_ms=3000)
        await consumer.commit()
    finally:
        await consumer.stop()


def registered(uscc: str, dimension: Dimension, source: str) -> Envelope:
    payload = REGISTERED[dimension](
        uscc=uscc,
        name="某伪造钢铁厂",
        district="longgang",
        industry="steel",
        effective_on=date(2019, 9, 2),
    )
    return Envelope.of(payload, source=source, subject=uscc, time=datetime.now(UTC))


def reading(uscc: str, source: str) -> Envelope:
    payload = ReadingRecorded(
        uscc=uscc,
        district="longgang",
        period=date(2019, 9, 1),
        account=f"GD-{uscc[-8:]}",
        address="深圳市龙岗区某工业园 3 栋",
        kwh=Decimal(12_000),
        max_demand_kw=Decimal(40),
    )
    return Envelope.of(payload, source=source, subject=uscc, time=datetime.now(UTC))


async def test_a_feeds_system_cannot_write_an_agencys_topic_or_read_its_own(
    test_stack: StackUnderTest,
) -> None:
    grid = test_stack.kafka_as("grid")
    with pytest.raises(TopicAuthorizationFailedError):
        await produce(grid, "phaseout.technology.events")
    with pytest.raises(TopicAuthorizationFailedError):
        await produce(grid, "phaseout.tax.events")
    with pytest.raises((GroupAuthorizationFailedError, TopicAuthorizationFailedError)):
        await join(grid, "phaseout.grid.events", "grid-probe")


async def test_a_client_without_credentials_cannot_connect(test_stack: StackUnderTest) -> None:
    plain = KafkaAccess(test_stack.kafka.bootstrap_servers)
    with pytest.raises(KafkaConnectionError):
        await produce(plain, AGENCY_TOPICS[0])


async def test_wrong_credentials_are_refused(test_stack: StackUnderTest) -> None:
    wrong = test_stack.kafka_as("quality").as_user("quality", "not-the-password")
    with pytest.raises(KafkaConnectionError):
        await produce(wrong, "phaseout.quality.events")
    nobody = test_stack.kafka_as("quality").as_user("nobody", "whatever")
    with pytest.raises(KafkaConnectionError):
        await produce(nobody, "phaseout.quality.events")


async def test_a_service_produces_to_its_own_topic_only(test_stack: StackUnderTest) -> None:
    quality = test_stack.kafka_as("quality")
    with pytest.raises(TopicAuthorizationFailedError):
        await produce(quality, "phaseout.energy.events")
    with pytest.raises(TopicAuthorizationFailedError):
        await produce(quality, dead_letters_of("energy"))


async def test_the_aggregator_writes_no_agency_topic(test_stack: StackUnderTest) -> None:
    aggregator = test_stack.kafka_as("aggregator")
    for topic in AGENCY_TOPICS:
        with pytest.raises(TopicAuthorizationFailedError):
            await produce(aggregator, topic)


async def test_a_service_cannot_join_another_services_consumer_group(
    test_stack: StackUnderTest,
) -> None:
    energy = test_stack.kafka_as("energy")
    with pytest.raises(GroupAuthorizationFailedError):
        await join(energy, "phaseout.technology.events", "aggregator")
    with pytest.raises(GroupAuthorizationFailedError):
        await join(energy, "phaseout.technology.events", "quality-referrals")


async def test_a_service_cannot_read_a_topic_it_does_not_subscribe_to(
    test_stack: StackUnderTest,
) -> None:
    environment = test_stack.kafka_as("environment")
    with pytest.raises(TopicAuthorizationFailedError):
        await join(environment, "phaseout.quality.events", "environment-probe")


async def test_each_principal_may_write_what_the_table_grants(test_stack: StackUnderTest) -> None:
    """The table is what the broker enforces: every principal can write its topics (an agency
    topic gets a registration from its owner, a dead-letter topic a letter)."""
    for principal in PRINCIPALS:
        for topic in principal.writes:
            owner = owner_source(topic)
            envelope = None
            if owner is not None and principal.name in FEEDS:
                envelope = reading(make_uscc(rng), owner)
            elif owner is not None:
                envelope = registered(make_uscc(rng), Dimension(principal.name), owner)
            await produce(test_stack.kafka_as(principal.name), topic, envelope)


async def aggregator_registers(platform: Platform, uscc: str) -> list[dict[str, Any]]:
    r = await platform.clients["aggregator"].get(
        "/v1/registers", headers=platform.stack.headers("miit")
    )
    assert r.status_code == 200, r.text
    return [row for row in r.json() if row.get("uscc") == uscc]


async def dead_lettered(platform: Platform, event_id: str) -> dict[str, bytes] | None:
    return await dead_letter(platform.stack.kafka, dead_letters_of("aggregator"), event_id)


@pytest.mark.parametrize(
    ("dimension", "source", "reason"),
    [
        (Dimension.SAFETY, "/phaseout/safety", b"foreign: source '/phaseout/safety' does not own"),
        (Dimension.SAFETY, "/phaseout/energy", b"foreign: type 'phaseout.safety.enterprise"),
    ],
)
async def test_an_event_forged_on_a_topic_its_writer_owns_goes_to_the_dlq(
    platform: Platform, dimension: Dimension, source: str, reason: bytes
) -> None:
    """energy's principal may write energy's topic, but not safety's findings onto it: the
    consumers dead-letter the forged event with the reason, and no view changes."""
    uscc = make_uscc(rng)
    forged = registered(uscc, dimension, source)
    await produce(platform.stack.kafka_as("energy"), "phaseout.energy.events", forged)
    letter = await eventually(lambda: dead_lettered(platform, forged.id), within=30)
    assert reason in letter["dlq_reason"]
    assert letter["dlq_origin"].startswith(b"phaseout.energy.events/")
    # An event after it, from the topic's owner, is applied: the forged one changed nothing.
    own = registered(make_uscc(rng), Dimension.ENERGY, "/phaseout/energy")
    await produce(platform.stack.kafka_as("energy"), "phaseout.energy.events", own)
    await eventually(lambda: _listed(platform, own.subject))
    assert await aggregator_registers(platform, uscc) == []


async def _listed(platform: Platform, uscc: str) -> list[dict[str, Any]] | None:
    return await aggregator_registers(platform, uscc) or None
