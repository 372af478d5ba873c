"""The consumer runner: apply each event once, commit offsets only after the applying transaction.

For each record: parse the envelope (a record that is not a valid event goes to `<topic>.dlq`
with the reason), then in one database transaction claim its id in the inbox and apply it; a
failure is retried with backoff a bounded number of times, then dead-lettered, and consumption
goes on. Offsets are committed after each batch's transactions and on partition revocation.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError
from aiokafka.structs import ConsumerRecord, OffsetAndMetadata
from opentelemetry import propagate, trace
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import AsyncRetrying, stop_after_attempt, wait_exponential

from phaseout_shared import inbox, telemetry
from phaseout_shared.bus import dlq_of
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.envelope import Envelope, MalformedEvent, from_kafka

log = logging.getLogger(__name__)
tracer = trace.get_tracer("phaseout.consumer")

MAX_MESSAGE_BYTES = 1_000_000

Handler = Callable[[AsyncSession, Envelope, EventPayload, "Delivery"], Awaitable[None]]


class Delivery:
    """Where a record came from: its topic, partition and offset (the event's provenance)."""

    def __init__(self, topic: str, partition: int, offset: int) -> None:
        self.topic = topic
        self.partition = partition
        self.offset = offset


async def apply_once(
    sessions: async_sessionmaker[AsyncSession],
    consumer: str,
    handler: Handler,
    envelope: Envelope,
    payload: EventPayload,
    delivery: Delivery,
) -> bool:
    """Apply an event in one transaction with its inbox record; False if applied before."""
    async with sessions.begin() as session:
        if not await inbox.claim(session, consumer, envelope.id):
            return False
        await handler(session, envelope, payload, delivery)
    return True


class _CommitOnRevoke(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, runner: EventConsumer) -> None:
        self.runner = runner

    async def on_partitions_revoked(self, revoked: Sequence[TopicPartition]) -> None:
        await self.runner.commit(only=set(revoked))

    async def on_partitions_assigned(self, assigned: Sequence[TopicPartition]) -> None:
        return None


class EventConsumer:
    """Consumes topics in a group and applies each event once through `handler`."""

    def __init__(
        self,
        *,
        name: str,
        topics: Sequence[str],
        bootstrap_servers: str,
        sessions: async_sessionmaker[AsyncSession],
        handler: Handler,
        dlq_producer: AIOKafkaProducer,
        max_retries: int = 3,
        backoff: float = 0.2,
    ) -> None:
        self.name = name
        self.topics = list(topics)
        self.sessions = sessions
        self.handler = handler
        self.dlq_producer = dlq_producer
        self.max_retries = max_retries
        self.backoff = backoff
        self._kafka_config: dict[str, Any] = dict(
            bootstrap_servers=bootstrap_servers,
            group_id=name,
            client_id=name,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
            max_partition_fetch_bytes=2 * MAX_MESSAGE_BYTES,
        )
        self.kafka: AIOKafkaConsumer | None = None
        self._pending: dict[TopicPartition, int] = {}
        self._positions: dict[TopicPartition, int] = {}
        self.applied = 0

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until `stop` is set; each run uses a fresh client, so it can be restarted."""
        kafka = self.kafka = AIOKafkaConsumer(**self._kafka_config)
        self._pending.clear()
        kafka.subscribe(self.topics, listener=_CommitOnRevoke(self))
        await kafka.start()
        try:
            while not stop.is_set():
                batches = await kafka.getmany(timeout_ms=200, max_records=500)
                for tp, records in batches.items():
                    for record in records:
                        await self.process(record)
                        self._pending[tp] = self._positions[tp] = record.offset + 1
                await self.commit()
                self._report_lag(kafka)
        finally:
            await self.commit()
            await kafka.stop()

    async def commit(self, only: set[TopicPartition] | None = None) -> None:
        """Commit the offsets of records whose transactions are done."""
        offsets = {
            tp: OffsetAndMetadata(self._pending.pop(tp), "")
            for tp in list(self._pending)
            if only is None or tp in only
        }
        if not offsets or self.kafka is None:
            return
        try:
            await self.kafka.commit(offsets)
        except (CommitFailedError, IllegalStateError) as exc:
            # The group rebalanced under us: whoever owns the partitions now re-reads from the
            # last committed offset, and the inbox makes what we already applied change nothing.
            log.info("offsets not committed (%s); they will be read again", exc.__class__.__name__)

    async def process(self, record: ConsumerRecord[Any, Any]) -> None:
        delivery = Delivery(record.topic, record.partition, record.offset)
        try:
            if record.value is not None and len(record.value) > MAX_MESSAGE_BYTES:
                raise MalformedEvent(f"message of {len(record.value)} bytes exceeds the limit")
            envelope = from_kafka(record.key, record.value, list(record.headers))
            payload = envelope.payload()
        except MalformedEvent as exc:
            await self.dead_letter(record, f"malformed: {exc}")
            return
        with tracer.start_as_current_span(
            f"{record.topic} process",
            context=propagate.extract(envelope.trace),
            kind=trace.SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.destination.name": record.topic,
                "messaging.message.id": envelope.id,
                "messaging.consumer.group.name": self.name,
            },
        ):
            try:
                await self._apply_with_retries(envelope, payload, delivery)
            except Exception as exc:  # every failure is dead-lettered, never dropped
                log.exception("event %s could not be applied", envelope.id)
                await self.dead_letter(record, f"failed after retries: {exc!r}")

    async def _apply_with_retries(
        self, envelope: Envelope, payload: EventPayload, delivery: Delivery
    ) -> None:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(self.max_retries + 1),
            wait=wait_exponential(multiplier=self.backoff, max=5),
            reraise=True,
        ):
            with attempt:
                await self._apply(envelope, payload, delivery)

    async def _apply(self, envelope: Envelope, payload: EventPayload, delivery: Delivery) -> None:
        if await apply_once(self.sessions, self.name, self.handler, envelope, payload, delivery):
            self.applied += 1
            telemetry.EVENTS_CONSUMED.add(1, {"consumer": self.name, "type": envelope.type})

    async def dead_letter(self, record: ConsumerRecord[Any, Any], reason: str) -> None:
        headers = [
            *list(record.headers),
            ("dlq_reason", reason[:2000].encode()),
            ("dlq_consumer", self.name.encode()),
            ("dlq_origin", f"{record.topic}/{record.partition}/{record.offset}".encode()),
        ]
        await self.dlq_producer.send_and_wait(
            dlq_of(record.topic), record.value, key=record.key, headers=headers
        )
        telemetry.EVENTS_DEAD_LETTERED.add(1, {"consumer": self.name})
        log.warning(
            "dead-lettered %s/%s/%s: %s", record.topic, record.partition, record.offset, reason
        )

    def _report_lag(self, kafka: AIOKafkaConsumer) -> None:
        for tp in kafka.assignment():
            end = kafka.highwater(tp)
            position = self._positions.get(tp)
            if end is not None and position is not None:
                telemetry.CONSUMER_LAG.set(
                    end - position, {"consumer": self.name, "topic": tp.topic}
                )
