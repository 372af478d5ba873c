"""The transactional outbox and its relay.

A command appends its events to `outbox` in the same transaction as its state change; the
relay publishes unsent rows in order with an idempotent producer (acks=all) and marks them sent.
A crash between publishing and marking re-publishes on restart, and the consumers' inbox makes
that redelivery change nothing: no event is lost, none is applied twice.

Each event carries its `sequence` in its subject's stream (every event this service publishes
about one enterprise: 1, 2, 3 …), given from the stream's counter row, which the writing
transaction holds locked until it commits: two transactions on one subject number their events
in the order they commit, and their outbox rows are in that order too. One relay publishes at a
time (a transaction-scoped advisory lock), so each subject's events reach their partition in
sequence order; consumers order and de-duplicate by it all the same.

No single record can stop the relay: an event is measured as the record it will be before its
transaction commits (over `max_bytes`, the command is refused), and a row the producer or the
broker refuses for itself (too large for the broker's own limit, or not serialisable) is parked
with the reason (`parked_at`, `parked_reason`), counted, and passed over; the rows after it go
out. Parked rows stay in the outbox for an operator, and `/health/ready` reports them.
"""

from __future__ import annotations

import asyncio
import json
import logging
from asyncio import FIRST_COMPLETED
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from aiokafka import AIOKafkaProducer
from aiokafka.errors import MessageSizeTooLargeError, RecordListTooLargeError
from opentelemetry import propagate, trace
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from phaseout_shared import telemetry
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.db import outbox
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.envelope import Envelope, to_kafka
from phaseout_shared.limits import MAX_EVENT_BYTES

log = logging.getLogger(__name__)
tracer = trace.get_tracer("phaseout.outbox")


PARKED_ERRORS = (MessageSizeTooLargeError, RecordListTooLargeError, TypeError, ValueError)
"""What a record fails with for itself, not because the broker is away: publishing it again
would fail again, so it is parked."""


def record_size(envelope: Envelope) -> int:
    """The bytes of the Kafka record an envelope becomes: key, value and headers."""
    key, value, headers = to_kafka(envelope)
    return len(key) + len(value) + sum(len(k) + len(v) for k, v in headers)


def topic_of(dimension: str) -> str:
    """The topic a dimension's service alone writes."""
    return f"phaseout.{dimension}.events"


class Outbox:
    """Appends a service's events to its outbox, inside the caller's transaction."""

    def __init__(self, *, topic: str, source: str, max_bytes: int = MAX_EVENT_BYTES) -> None:
        self.topic = topic
        self.source = source
        self.max_bytes = max_bytes
        self.written = asyncio.Event()
        """Set when a transaction that wrote to this outbox has committed (`committed`): the
        relay in this process wakes at once instead of waiting for its next poll."""

    def committed(self) -> None:
        """Tell this process's relay that rows were committed."""
        self.written.set()

    def envelopes(
        self,
        payloads: Sequence[EventPayload],
        *,
        subject: str,
        at: datetime,
        acting_agency: str | None = None,
    ) -> list[Envelope]:
        """The events' envelopes (their ids fixed), to `write` before the transaction commits."""
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        return [
            Envelope.of(
                p,
                source=self.source,
                subject=subject,
                time=at,
                trace=carrier,
                acting_agency=acting_agency,
            )
            for p in payloads
        ]

    async def append(
        self,
        session: AsyncSession,
        payloads: Sequence[EventPayload],
        *,
        subject: str,
        at: datetime,
        acting_agency: str | None = None,
    ) -> list[Envelope]:
        """Append events to the outbox in the caller's transaction: kept with the session, and
        written by `flush`, which whoever owns the transaction calls just before committing.
        `acting_agency` is the agency whose officer's command recorded them, if one did."""
        envelopes = self.envelopes(payloads, subject=subject, at=at, acting_agency=acting_agency)
        for envelope in envelopes:
            self._check_size(envelope)
        session.info.setdefault(_UNSENT, []).append((self, envelopes))
        return envelopes

    def _check_size(self, envelope: Envelope) -> None:
        """Refuse (422, and so roll back the command) an event over the size limit, measured
        with the largest sequence number it may get."""
        size = record_size(replace(envelope, data={**envelope.data, "sequence": 2**63 - 1}))
        if size > self.max_bytes:
            raise InvalidInput(
                f"the {envelope.type} event this would record is {size} bytes, over the limit "
                f"of {self.max_bytes} bytes: send fewer items or shorter texts",
                rule="event.size",
            )

    def row(self, e: Envelope, order: int, pos: int, n: int) -> dict[str, object]:
        """The event as `WRITE_PENDING` reads it: its place among the transaction's events
        (`order`), and in its subject's part of them (`pos` of `n`)."""
        return {
            "ord": order,
            "event_id": e.id,
            "topic": self.topic,
            "type": e.type,
            "source": e.source,
            "subject": e.subject,
            "time": e.time.isoformat(),
            "data": e.data,
            "trace": e.trace,
            "acting_agency": e.acting_agency,
            "pos": pos,
            "n": n,
        }


_UNSENT = "phaseout.unsent"
_AUDITED = "phaseout.audited"


def record_audit(session: AsyncSession, row: Mapping[str, object]) -> None:
    """Keep an audit row (`db.audit`) with the transaction: `flush` writes it with the events."""
    session.info.setdefault(_AUDITED, []).append(dict(row))


async def flush(session: AsyncSession) -> list[Outbox]:
    """Write what this session's transaction appended — its events, numbered in their
    subjects' streams, and its audit rows — in one statement: the last thing a transaction
    does before it commits (the unit of work's, the consumer's).

    Subjects take their numbers in sorted order (so that two writers never wait on each
    other's counters), each subject's events in the order they were emitted, and the outbox
    rows are written in that order. Returns the outboxes written to: the caller tells them
    when it has committed (`Outbox.committed`).
    """
    pending: list[tuple[Outbox, list[Envelope]]] = session.info.pop(_UNSENT, [])
    audits: list[dict[str, object]] = session.info.pop(_AUDITED, [])
    by_subject: dict[str, list[tuple[Outbox, Envelope]]] = {}
    for box, envelopes in pending:
        for e in envelopes:
            by_subject.setdefault(e.subject, []).append((box, e))
    events: list[dict[str, object]] = []
    for subject in sorted(by_subject):
        stream = by_subject[subject]
        events += [
            box.row(e, len(events) + i, i + 1, len(stream)) for i, (box, e) in enumerate(stream)
        ]
    if not events and not audits:
        return []
    await session.execute(
        WRITE_PENDING,
        {
            "audits": _json(audits),
            "streams": _json([{"subject": s, "n": len(by_subject[s])} for s in sorted(by_subject)]),
            "events": _json(events),
        },
    )
    return list({id(box): box for box, _ in pending}.values())


def _json(rows: list[dict[str, object]]) -> str:
    return json.dumps(rows, default=_iso, ensure_ascii=False, separators=(",", ":"))


def _iso(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


WRITE_PENDING = text(
    """
WITH audited AS (
    INSERT INTO audit (at, subject, agency, jurisdiction, action, target, changes)
    SELECT a.at, a.subject, a.agency, a.jurisdiction, a.action, a.target, a.changes
    FROM jsonb_array_elements(CAST(:audits AS jsonb)) WITH ORDINALITY AS r(value, ord),
        jsonb_to_record(r.value) AS a(
            at timestamptz, subject text, agency text, jurisdiction text, action text,
            target text, changes jsonb)
    ORDER BY r.ord
), streams AS (
    INSERT INTO event_streams (subject, sequence)
    SELECT s.subject, s.n
    FROM jsonb_to_recordset(CAST(:streams AS jsonb)) AS s(subject text, n bigint)
    ORDER BY s.subject
    ON CONFLICT (subject) DO UPDATE SET sequence = event_streams.sequence + EXCLUDED.sequence
    RETURNING subject, sequence
)
INSERT INTO outbox (event_id, topic, type, source, subject, time, data, trace, acting_agency)
SELECT e.event_id, e.topic, e.type, e.source, e.subject, e.time,
    e.data || jsonb_build_object('sequence', streams.sequence - e.n + e.pos), e.trace,
    e.acting_agency
FROM jsonb_to_recordset(CAST(:events AS jsonb)) AS e(
    ord int, event_id uuid, topic text, type text, source text, subject text,
    time timestamptz, data jsonb, trace jsonb, acting_agency text, pos bigint, n bigint)
JOIN streams ON streams.subject = e.subject
ORDER BY e.ord
"""
)
"""Audit rows, the next numbers of each subject's stream (its counter row locked until the
transaction commits), and the numbered events, in one round trip."""
RELAY_LOCK = text("SELECT pg_try_advisory_xact_lock(hashtext('phaseout.outbox.relay'))")
"""One relay publishes at a time, so that each subject's events are published in order."""


def _envelope(row: Row[tuple[object, ...]]) -> Envelope:
    m = row._mapping
    return Envelope(
        id=str(m["event_id"]),
        type=m["type"],
        source=m["source"],
        subject=m["subject"],
        time=m["time"],
        data=m["data"],
        trace=m["trace"],
        acting_agency=m["acting_agency"],
    )


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


class Relay:
    """Publishes the outbox in order and marks what the broker acknowledged."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        producer: AIOKafkaProducer,
        *,
        batch_size: int = 200,
        interval: float = 0.1,
        retention: timedelta = timedelta(days=14),
        written: asyncio.Event | None = None,
    ) -> None:
        self.sessions = sessions
        self.written = written or asyncio.Event()
        """Set by commits in this process (`Outbox.written`); rows another process committed
        are found by polling every `interval`."""
        self.producer = producer
        self.batch_size = batch_size
        self.interval = interval
        self.retention = retention
        self.parked = 0
        """Rows this relay parked since it started."""
        self.after_publish: Callable[[int], Awaitable[None]] | None = None
        """A hook between publishing and marking sent; fault tests use it to crash there."""

    async def publish_batch(self) -> int:
        """Publish one batch of unsent events; return how many were published or parked."""
        async with self.sessions.begin() as session:
            if not await session.scalar(RELAY_LOCK):
                return 0
            rows = (
                await session.execute(
                    select(outbox)
                    .where(outbox.c.sent_at.is_(None), outbox.c.parked_at.is_(None))
                    .order_by(outbox.c.seq)
                    .limit(self.batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            refused = await self._send([(r._mapping["topic"], _envelope(r)) for r in rows])
            if self.after_publish is not None:
                await self.after_publish(len(rows))
            seqs = [r._mapping["seq"] for r in rows]
            sent = [seq for i, seq in enumerate(seqs) if i not in refused]
            await session.execute(
                update(outbox).where(outbox.c.seq.in_(sent)).values(sent_at=func.now())
            )
            for i, reason in refused.items():
                await self._park(session, rows[i], reason)
        telemetry.EVENTS_PUBLISHED.add(len(sent))
        return len(rows)

    async def _park(self, session: AsyncSession, row: Row[tuple[object, ...]], reason: str) -> None:
        m = row._mapping
        await session.execute(
            update(outbox)
            .where(outbox.c.seq == m["seq"])
            .values(parked_at=func.now(), parked_reason=reason[:2000])
        )
        self.parked += 1
        telemetry.EVENTS_PARKED.add(1, {"topic": m["topic"]})
        log.error("outbox row %s (event %s) parked: %s", m["seq"], m["event_id"], reason)

    async def _send(self, items: list[tuple[str, Envelope]]) -> dict[int, str]:
        """Send the items; the reasons of those refused for themselves, by position. Any
        other failure (the broker away, a timeout) raises: the whole batch is tried again."""
        refused: dict[int, str] = {}
        futures: dict[int, asyncio.Future[object]] = {}
        for i, (topic, envelope) in enumerate(items):
            try:
                futures[i] = await self._send_one(topic, envelope)
            except PARKED_ERRORS as exc:
                refused[i] = _reason(exc)
        results = await asyncio.gather(*futures.values(), return_exceptions=True)
        for i, result in zip(futures, results, strict=True):
            if isinstance(result, PARKED_ERRORS):
                refused[i] = _reason(result)
            elif isinstance(result, BaseException):
                raise result
        return refused

    async def _send_one(self, topic: str, envelope: Envelope) -> asyncio.Future[object]:
        parent = propagate.extract(envelope.trace)
        with tracer.start_as_current_span(
            f"{topic} publish", context=parent, kind=trace.SpanKind.PRODUCER
        ) as span:
            span.set_attribute("messaging.system", "kafka")
            span.set_attribute("messaging.destination.name", topic)
            span.set_attribute("messaging.message.id", envelope.id)
            carrier: dict[str, str] = {}
            propagate.inject(carrier)
            traced = Envelope(**{**envelope.__dict__, "trace": carrier})
            key, value, headers = to_kafka(traced)
            future: asyncio.Future[object] = await self.producer.send(
                topic, value, key=key, headers=headers
            )
            return future

    async def backlog(self) -> int:
        """Rows waiting to be published (parked rows are not waiting)."""
        async with self.sessions() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(outbox)
                .where(outbox.c.sent_at.is_(None), outbox.c.parked_at.is_(None))
            )
        return int(count or 0)

    async def parked_rows(self) -> int:
        """Rows parked because they could not be published."""
        async with self.sessions() as session:
            count = await session.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.parked_at.is_not(None))
            )
        return int(count or 0)

    async def purge(self) -> int:
        """Delete sent rows older than the retention period."""
        async with self.sessions.begin() as session:
            result = await session.execute(
                delete(outbox).where(outbox.c.sent_at < func.now() - self.retention)
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until `stop` is set; a failure is logged and retried after a pause."""
        while not stop.is_set():
            try:
                published = await self.publish_batch()
            except Exception:
                log.exception("outbox relay failed; retrying")
                published = 0
                await asyncio.sleep(1)
            if published < self.batch_size:
                await self._idle(stop)

    async def _idle(self, stop: asyncio.Event) -> None:
        """Wait for a commit in this process, the next poll, or the service to stop."""
        if not self.written.is_set():
            waits = [asyncio.ensure_future(e.wait()) for e in (self.written, stop)]
            try:
                await asyncio.wait(waits, timeout=self.interval, return_when=FIRST_COMPLETED)
            finally:
                for w in waits:
                    w.cancel()
        self.written.clear()
