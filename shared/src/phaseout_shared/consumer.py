"""The consumer runner: apply each event once, commit offsets only after the applying transaction.

Each fetched batch of records: parse every envelope (a record that is not a valid event goes
to `<topic>.dlq` with the reason), then apply the batch's events in ONE database transaction,
every event's id claimed in the inbox (one statement) before the handlers run: a commit, and
so a WAL flush, per batch rather than per event. If that transaction fails it is rolled back
and the batch is applied again event by event, each in its own transaction: a failure is
retried with backoff a bounded number of times, then dead-lettered, and consumption goes on.
Offsets are committed after the batch's transactions and on partition revocation. The events
handlers append to the service's outbox are written last in their transaction (`outbox.flush`),
numbered in their streams.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, NamedTuple

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError
from aiokafka.structs import ConsumerRecord, OffsetAndMetadata
from opentelemetry import propagate, trace
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import AsyncRetrying, stop_after_attempt, wait_exponential

from phaseout_shared import inbox, outbox, telemetry
from phaseout_shared.bus import KafkaAccess
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.domain.time import Clock, system_clock
from phaseout_shared.envelope import Envelope, MalformedEvent, from_kafka
from phaseout_shared.limits import MAX_EVENT_BYTES
from phaseout_shared.principals import owner_source

log = logging.getLogger(__name__)
tracer = trace.get_tracer("phaseout.consumer")

MAX_MESSAGE_BYTES = MAX_EVENT_BYTES
"""The default limit of an event's body, the producer's own (`Settings.max_event_bytes`): an
event the outbox admitted is never too large here; a larger record (written by something else)
is dead-lettered."""

Handler = Callable[[AsyncSession, Envelope, EventPayload, "Delivery"], Awaitable[None]]
BatchHandler = Callable[[AsyncSession, Sequence["Parsed"]], Awaitable[None]]
"""Applies a batch of new events (claimed in the inbox) at once, in the session's transaction,
leaving the database as the `Handler` would applying them one by one, in order."""
MAX_BATCH = 500


class Delivery:
    """Where a record came from: its topic, partition and offset (the event's provenance), and
    the platform's injected clock, for a handler that records when it applied the event."""

    def __init__(
        self, topic: str, partition: int, offset: int, clock: Clock = system_clock
    ) -> None:
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.clock = clock


class Parsed(NamedTuple):
    """A record that is a valid event: the record, its envelope, payload and provenance (a
    tuple: made for every event, it costs a third of a frozen dataclass)."""

    record: ConsumerRecord[Any, Any]
    envelope: Envelope
    payload: EventPayload
    delivery: Delivery


async def apply_once(
    sessions: async_sessionmaker[AsyncSession],
    consumer: str,
    handler: Handler,
    envelope: Envelope,
    payload: EventPayload,
    delivery: Delivery,
    wake: Callable[[], None] | None = None,
) -> bool:
    """Apply an event in one transaction with its inbox record; False if applied before.
    `wake` tells the service's relay that the transaction wrote to the outbox."""
    async with sessions.begin() as session:
        if not await inbox.claim(session, consumer, envelope.id):
            return False
        await handler(session, envelope, payload, delivery)
        written = await outbox.flush(session)
    _committed(written, wake)
    return True


def _committed(written: Sequence[outbox.Outbox], wake: Callable[[], None] | None) -> None:
    """After a commit that wrote events: a handler's own outbox is not the one the service's
    relay waits on, so the relay is woken through `wake` as well, not left to its next poll."""
    for box in written:
        box.committed()
    if written and wake is not None:
        wake()


class _CommitOnRevoke(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, runner: EventConsumer) -> None:
        self.runner = runner

    async def on_partitions_revoked(self, revoked: Sequence[TopicPartition]) -> None:
        await self.runner.commit(only=set(revoked))

    async def on_partitions_assigned(self, assigned: Sequence[TopicPartition]) -> None:
        return None


class ForeignEvent(MalformedEvent):
    """An event on a topic whose owner did not write it: dead-lettered as foreign."""


def _sampled(context: dict[str, str]) -> bool:
    """Whether a W3C `traceparent` says its trace is sampled (its flags' last bit)."""
    parent = context.get("traceparent", "")
    return len(parent) >= 55 and parent[-1] in "13579bdf"


def refuse_foreign(
    envelope: Envelope, topic: str, owner_of: Callable[[str], str | None] = owner_source
) -> None:
    """Only a topic's owner speaks on it: an event whose source or type is another's is
    refused, so a principal allowed to write a topic still cannot pass off its event as another
    agency's (the broker's ACLs keep others off the topic; this holds if they are wrong)."""
    owner = owner_of(topic)
    if owner is None:
        raise ForeignEvent(f"{topic} is no agency's topic")
    if envelope.source != owner:
        raise ForeignEvent(f"source {envelope.source!r} does not own {topic}")
    if not envelope.type.startswith(owner.replace("/", ".").lstrip(".") + "."):
        raise ForeignEvent(f"type {envelope.type!r} is not of {topic}'s owner")


class EventConsumer:
    """Consumes topics in a group and applies each event once through `handler`."""

    def __init__(
        self,
        *,
        name: str,
        topics: Sequence[str],
        kafka: KafkaAccess,
        dead_letters: str,
        sessions: async_sessionmaker[AsyncSession],
        handler: Handler,
        dlq_producer: AIOKafkaProducer,
        max_retries: int = 3,
        backoff: float = 0.2,
        max_batch: int = MAX_BATCH,
        max_message_bytes: int = MAX_MESSAGE_BYTES,
        owner_of: Callable[[str], str | None] = owner_source,
        clock: Clock = system_clock,
        batch_handler: BatchHandler | None = None,
        wake: Callable[[], None] | None = None,
    ) -> None:
        self.name = name
        self.wake = wake
        """Wakes the service's relay after a transaction that wrote events."""
        self.batch_handler = batch_handler
        self.clock = clock
        self.topics = list(topics)
        self.dead_letters = dead_letters
        self.owner_of = owner_of
        self.sessions = sessions
        self.handler = handler
        self.dlq_producer = dlq_producer
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_batch = max_batch
        self.max_message_bytes = max_message_bytes
        self._kafka_config: dict[str, Any] = dict(
            **kafka.options(),
            group_id=name,
            client_id=name,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
            max_partition_fetch_bytes=2 * max(max_message_bytes, MAX_MESSAGE_BYTES),
        )
        self.kafka: AIOKafkaConsumer | None = None
        self._pending: dict[TopicPartition, int] = {}
        self._positions: dict[TopicPartition, int] = {}
        self.applied = 0
        self.polled_at = time.monotonic()
        """When its loop last asked the broker for records (readiness: is it consuming?)."""

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until `stop` is set; each run uses a fresh client, so it can be restarted."""
        kafka = self.kafka = AIOKafkaConsumer(**self._kafka_config)
        self._pending.clear()
        kafka.subscribe(self.topics, listener=_CommitOnRevoke(self))
        await kafka.start()
        try:
            while not stop.is_set():
                self.polled_at = time.monotonic()
                batches = await kafka.getmany(timeout_ms=200, max_records=self.max_batch)
                await self.process_batch([r for records in batches.values() for r in records])
                for tp, records in batches.items():
                    if records:
                        self._pending[tp] = self._positions[tp] = records[-1].offset + 1
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
        """Apply one record (a batch of one)."""
        await self.process_batch([record])

    async def process_batch(self, records: Sequence[ConsumerRecord[Any, Any]]) -> None:
        """Apply the records' events in one transaction; if it fails, one by one."""
        events: list[Parsed] = []
        for record in records:
            read = self._read(record)
            if isinstance(read, Parsed):
                events.append(read)
            else:
                await self.dead_letter(record, read)
        if len(events) > 1 and await self._apply_batch(events):
            return
        for event in events:
            await self._apply_alone(event)

    def _read(self, record: ConsumerRecord[Any, Any]) -> Parsed | str:
        """The record's event, or why it is to be dead-lettered (without waiting for anything,
        so a batch of valid records is read without a pause per record)."""
        try:
            size, limit = len(record.value or b""), self.max_message_bytes
            if size > limit:
                raise MalformedEvent(f"oversized: {size} bytes, over the limit of {limit}")
            envelope = from_kafka(record.key, record.value, record.headers)
            refuse_foreign(envelope, record.topic, self.owner_of)
            payload = envelope.payload()
        except MalformedEvent as exc:
            kind = "foreign" if isinstance(exc, ForeignEvent) else "malformed"
            return f"{kind}: {exc}"
        delivery = Delivery(record.topic, record.partition, record.offset, self.clock)
        return Parsed(record, envelope, payload, delivery)

    def _span(self, event: Parsed) -> AbstractContextManager[trace.Span]:
        """The consumer span of one event, a child of the trace that produced it."""
        return tracer.start_as_current_span(
            f"{event.record.topic} process",
            context=propagate.extract(event.envelope.trace),
            kind=trace.SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.destination.name": event.record.topic,
                "messaging.message.id": event.envelope.id,
                "messaging.consumer.group.name": self.name,
            },
        )

    @contextmanager
    def _spans(self, events: Sequence[Parsed]) -> Iterator[None]:
        """The consumer span of each event applied together in one batch, each a child of the
        trace that produced it, all over the batch's time. Only for events whose trace is
        sampled: the others would make no span worth recording, at a cost per event."""
        sampled = [e for e in events if _sampled(e.envelope.trace)]
        if not sampled:
            yield
            return
        started = time.time_ns()
        try:
            yield
        finally:
            ended = time.time_ns()
            for event in sampled:
                span = tracer.start_span(
                    f"{event.record.topic} process",
                    context=propagate.extract(event.envelope.trace),
                    kind=trace.SpanKind.CONSUMER,
                    attributes={
                        "messaging.system": "kafka",
                        "messaging.destination.name": event.record.topic,
                        "messaging.message.id": event.envelope.id,
                        "messaging.consumer.group.name": self.name,
                        "messaging.batch.message_count": len(events),
                    },
                    start_time=started,
                )
                span.end(end_time=ended)

    async def _apply_batch(self, events: Sequence[Parsed]) -> bool:
        """Apply the events in one transaction, all claimed in the inbox (one statement) before
        their handlers run; False (and nothing applied) if the transaction failed."""
        applied: list[str] = []
        written: list[outbox.Outbox] = []
        try:
            async with self.sessions.begin() as session:
                ids = [e.envelope.id for e in events]
                new = await inbox.claim_many(session, self.name, ids)
                fresh: list[Parsed] = []
                for event in events:
                    if event.envelope.id in new:  # not applied before, nor earlier in the batch
                        new.discard(event.envelope.id)
                        fresh.append(event)
                if self.batch_handler is not None:
                    with self._spans(fresh):
                        await self.batch_handler(session, fresh)
                else:
                    for event in fresh:
                        with self._span(event):
                            await self.handler(
                                session, event.envelope, event.payload, event.delivery
                            )
                applied = [event.envelope.type for event in fresh]
                written = await outbox.flush(session)
        except Exception:
            log.warning(
                "a batch of %d events failed; applying them one by one",
                len(events),
                exc_info=True,
            )
            return False
        _committed(written, self.wake)
        for event_type, n in Counter(applied).items():
            self._count(event_type, n)
        return True

    async def _apply_alone(self, event: Parsed) -> None:
        with self._span(event):
            try:
                await self._apply_with_retries(event.envelope, event.payload, event.delivery)
            except Exception as exc:  # every failure is dead-lettered, never dropped
                log.exception("event %s could not be applied", event.envelope.id)
                await self.dead_letter(event.record, f"failed after retries: {exc!r}")

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
        if await apply_once(
            self.sessions, self.name, self.handler, envelope, payload, delivery, self.wake
        ):
            self._count(envelope.type)

    def _count(self, event_type: str, n: int = 1) -> None:
        self.applied += n
        telemetry.EVENTS_CONSUMED.add(n, {"consumer": self.name, "type": event_type})

    async def dead_letter(self, record: ConsumerRecord[Any, Any], reason: str) -> None:
        headers = [
            *list(record.headers),
            ("dlq_reason", reason[:2000].encode()),
            ("dlq_consumer", self.name.encode()),
            ("dlq_origin", f"{record.topic}/{record.partition}/{record.offset}".encode()),
        ]
        await self.dlq_producer.send_and_wait(
            self.dead_letters, record.value, key=record.key, headers=headers
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
