"""The consumer's batch path on the real broker and database: a fetched batch is applied in one
transaction, each event once; a poison event inside a batch rolls the batch back, the others
are then applied one by one (exactly once) and the poison goes to the dead-letter topic; offsets
are committed after the batch."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord
from conftest import StackUnderTest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from support import eventually, make_uscc

from phaseout_aggregator.adapters.tables import timeline
from phaseout_aggregator.app.batch import apply_batch
from phaseout_aggregator.app.projections import apply
from phaseout_aggregator.main import SPEC
from phaseout_cli import stack
from phaseout_shared import migrations
from phaseout_shared.bus import make_producer
from phaseout_shared.consumer import Delivery, EventConsumer, Parsed
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.enterprise import REGISTERED
from phaseout_shared.db import Database, inbox
from phaseout_shared.envelope import Envelope, to_kafka
from phaseout_shared.reference import Dimension

pytestmark = pytest.mark.integration
rng = random.Random(20200115)


def registered(uscc: str) -> Envelope:
    payload = REGISTERED[Dimension.SAFETY](
        uscc=uscc,
        name="某水泥厂",
        district="baoan",
        industry="cement",
        effective_on=date(2019, 8, 1),
    )
    return Envelope.of(payload, source="/phaseout/safety", subject=uscc, time=datetime.now(UTC))


class Poisoned:
    """The aggregator's handler, except that one event id always fails."""

    def __init__(self, poison: str) -> None:
        self.poison = poison
        self.poison_attempts = 0

    async def __call__(
        self, session: AsyncSession, envelope: Envelope, payload: EventPayload, delivery: Delivery
    ) -> None:
        if envelope.id == self.poison:
            self.poison_attempts += 1
            raise RuntimeError("this event cannot be projected")
        await apply(session, envelope, payload, delivery)


class Fixture:
    def __init__(self, test_stack: StackUnderTest, name: str, db: Database) -> None:
        self.stack = test_stack
        self.topic = f"phaseout.{name}.events"
        self.db = db

    async def produce(self, envelopes: list[Envelope]) -> None:
        producer = make_producer(self.stack.kafka, "test-batch")
        await producer.start()
        try:
            for envelope in envelopes:
                key, value, headers = to_kafka(envelope)
                await producer.send_and_wait(self.topic, value, key=key, headers=headers)
        finally:
            await producer.stop()

    async def records(self, topic: str | None = None) -> list[ConsumerRecord[bytes, bytes]]:
        """Every record on the (one-partition) topic, read without a group."""
        consumer = AIOKafkaConsumer(**self.stack.kafka.options())
        await consumer.start()
        try:
            tp = TopicPartition(topic or self.topic, 0)
            consumer.assign([tp])
            await consumer.seek_to_beginning(tp)
            end = (await consumer.end_offsets([tp]))[tp]
            found: list[ConsumerRecord[bytes, bytes]] = []
            while await consumer.position(tp) < end:
                found += (await consumer.getmany(tp, timeout_ms=1000)).get(tp, [])
            return found
        finally:
            await consumer.stop()

    def consumer(self, handler: Any, group: str, **extra: Any) -> EventConsumer:
        producer = make_producer(self.stack.kafka, "test-batch-dlq")
        return EventConsumer(
            name=group,
            topics=[self.topic],
            kafka=self.stack.kafka,
            dead_letters=f"{self.topic}.dlq",
            # The fresh topic carries safety's events, as safety's own topic would.
            owner_of=lambda topic: "/phaseout/safety",
            sessions=self.db.sessions,
            handler=handler,
            dlq_producer=producer,
            max_retries=1,
            backoff=0.01,
            **extra,
        )

    async def applied(self, event_id: str) -> int:
        async with self.db.sessions() as session:
            on_timeline = await session.scalar(
                select(func.count()).where(timeline.c.event_id == event_id)
            )
        return int(on_timeline or 0)

    async def claims(self, group: str) -> list[tuple[str, datetime]]:
        async with self.db.sessions() as session:
            rows = await session.execute(
                select(inbox.c.event_id, inbox.c.applied_at).where(inbox.c.consumer == group)
            )
        return [(r.event_id, r.applied_at) for r in rows]


@pytest.fixture
async def fresh(test_stack: StackUnderTest) -> Any:
    """A one-partition topic (and its dead-letter topic) and an aggregator database, new."""
    name = f"batch{uuid.uuid4().hex[:8]}"
    urls = await stack.aensure_databases(test_stack.config, [name])
    await asyncio.to_thread(migrations.upgrade, urls[name], SPEC.version_locations, SPEC.metadata)
    topic = f"phaseout.{name}.events"
    await stack.aensure_topics(test_stack.config, [topic, f"{topic}.dlq"], partitions=1)
    db = Database(urls[name], pool_size=2)
    try:
        yield Fixture(test_stack, name, db)
    finally:
        await db.dispose()


async def test_a_batch_is_applied_in_one_transaction_and_once(fresh: Fixture) -> None:
    envelopes = [registered(make_uscc(rng)) for _ in range(8)]
    await fresh.produce(envelopes)
    records = await fresh.records()
    consumer = fresh.consumer(apply, "batch-once")
    await consumer.dlq_producer.start()
    try:
        await consumer.process_batch(records)
        await consumer.process_batch(records)  # redelivered: the inbox absorbs it
    finally:
        await consumer.dlq_producer.stop()
    assert consumer.applied == 8
    assert [await fresh.applied(e.id) for e in envelopes] == [1] * 8
    claims = await fresh.claims("batch-once")
    assert sorted(i for i, _ in claims) == sorted(e.id for e in envelopes)
    assert len({at for _, at in claims}) == 1, "one transaction: one transaction start time"


async def test_a_poison_event_in_a_batch_goes_to_the_dlq_and_the_others_apply_once(
    fresh: Fixture,
) -> None:
    good = [registered(make_uscc(rng)) for _ in range(6)]
    poison = registered(make_uscc(rng))
    # the poison in the middle, and one good event delivered twice within the batch
    await fresh.produce([*good[:3], poison, good[1], *good[3:]])
    records = await fresh.records()
    handler = Poisoned(poison.id)
    consumer = fresh.consumer(handler, "batch-poison")
    await consumer.dlq_producer.start()
    try:
        await consumer.process_batch(records)
    finally:
        await consumer.dlq_producer.stop()

    assert handler.poison_attempts == 1 + 2, "once in the batch, then alone with one retry"
    assert consumer.applied == 6
    assert [await fresh.applied(e.id) for e in good] == [1] * 6
    assert await fresh.applied(poison.id) == 0
    claimed = {i for i, _ in await fresh.claims("batch-poison")}
    assert claimed == {e.id for e in good}
    letters = await fresh.records(f"{fresh.topic}.dlq")
    assert len(letters) == 1
    headers = dict(letters[0].headers)
    assert headers["ce_id"] == poison.id.encode()
    assert headers["dlq_reason"].startswith(b"failed after retries: RuntimeError")
    assert headers["dlq_origin"] == f"{fresh.topic}/0/3".encode()


class PoisonedBatch:
    """The aggregator's set-based batch path, except that a batch holding the poison fails
    (as a statement of the batch would), after writing the rows before it."""

    def __init__(self, poison: str) -> None:
        self.poison = poison
        self.batches: list[int] = []

    async def __call__(self, session: AsyncSession, events: Sequence[Parsed]) -> None:
        self.batches.append(len(events))
        await apply_batch(session, [e for e in events if e.envelope.id != self.poison])
        if any(e.envelope.id == self.poison for e in events):
            raise RuntimeError("this batch cannot be projected")


async def test_the_set_based_batch_path_applies_once_and_falls_back_event_by_event(
    fresh: Fixture,
) -> None:
    good = [registered(make_uscc(rng)) for _ in range(6)]
    await fresh.produce([*good[:3], good[1], *good[3:]])
    records = await fresh.records()
    batch = PoisonedBatch("none")
    consumer = fresh.consumer(apply, "set-based", batch_handler=batch)
    await consumer.dlq_producer.start()
    try:
        await consumer.process_batch(records)
        await consumer.process_batch(records)  # redelivered: the inbox absorbs it
    finally:
        await consumer.dlq_producer.stop()
    assert batch.batches == [6, 0], "the duplicate once; nothing new the second time"
    assert consumer.applied == 6
    assert [await fresh.applied(e.id) for e in good] == [1] * 6
    claims = await fresh.claims("set-based")
    assert len({at for _, at in claims}) == 1, "one transaction"

    more = [registered(make_uscc(rng)) for _ in range(4)]
    poison = registered(make_uscc(rng))
    await fresh.produce([more[0], poison, *more[1:]])
    records = (await fresh.records())[len(records) :]
    batch = PoisonedBatch(poison.id)
    handler = Poisoned(poison.id)
    consumer = fresh.consumer(handler, "set-based", batch_handler=batch)
    await consumer.dlq_producer.start()
    try:
        await consumer.process_batch(records)
    finally:
        await consumer.dlq_producer.stop()
    assert batch.batches == [5], "the batch failed, and was rolled back"
    assert handler.poison_attempts == 2, "then event by event: the poison with one retry"
    assert [await fresh.applied(e.id) for e in more] == [1] * 4
    assert await fresh.applied(poison.id) == 0
    assert poison.id not in {i for i, _ in await fresh.claims("set-based")}
    letters = await fresh.records(f"{fresh.topic}.dlq")
    assert [dict(r.headers)["ce_id"] for r in letters] == [poison.id.encode()]


async def test_the_running_consumer_commits_offsets_after_its_batches(fresh: Fixture) -> None:
    good = [registered(make_uscc(rng)) for _ in range(5)]
    poison = registered(make_uscc(rng))
    await fresh.produce([good[0], poison, *good[1:]])
    group = f"batch-run-{uuid.uuid4().hex[:6]}"
    consumer = fresh.consumer(Poisoned(poison.id), group)
    await consumer.dlq_producer.start()
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:

        async def all_applied() -> bool | None:
            return True if consumer.applied == 5 else None

        await eventually(all_applied)

        async def committed() -> int | None:
            assert consumer.kafka is not None
            tp = TopicPartition(fresh.topic, 0)
            offset = await consumer.kafka.committed(tp)
            return offset if offset == 6 else None

        assert await eventually(committed) == 6
    finally:
        stop.set()
        await task
        await consumer.dlq_producer.stop()
    assert [await fresh.applied(e.id) for e in good] == [1] * 5
    assert await fresh.applied(poison.id) == 0
    assert len(await fresh.records(f"{fresh.topic}.dlq")) == 1
