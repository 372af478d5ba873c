"""The revival watch's feeds as streams: the grid company's and the tax bureau's systems publish
each reading, or a batch of readings, as an event on their own topic (`contracts.feeds`), and
this consumer (`technology-feeds`) loads them exactly as an imported file's rows.

A fetched batch loads in one transaction with its inbox claims, through the same set-based load
as a file: stored once per key, the same reading again changes nothing, a different figure
supersedes only with a `correction_reason`. A batch with a conflicting reading (a changed figure
without its reason, one key twice) fails whole and its events are then applied one by one: the
conflicting one is dead-lettered with its problem, the others load; a batch event is one of
them, stored whole or dead-lettered whole, as a file is. The rules then run over the
enterprises the batch touched, as after an import.

An event costs the consumer more than a row of a file does (its record fetched, its envelope and
payload read, its inbox claim written); a batch event spreads that over its readings.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared.consumer import Delivery, Parsed
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.feeds import (
    InvoiceRecorded,
    InvoicesRecorded,
    ReadingRecorded,
    ReadingsRecorded,
)
from phaseout_shared.envelope import Envelope
from phaseout_shared.outbox import Outbox, topic_of
from phaseout_shared.principals import FEED_TOPICS
from phaseout_shared.reference import Dimension
from phaseout_shared.web import ConsumerSpec
from phaseout_technology.watch import store
from phaseout_technology.watch.feeds import Feed, Invoice, Reading, Rejected, Row

STREAM_BATCH = 5_000
"""Events applied in one transaction at most (the consumer's default is 500). Batch events are
bounded by the bytes a fetch brings (the consumer's `max_partition_fetch_bytes`, 2 MB a
partition): a few thousand readings a partition."""


class FeedProblem(ValueError):
    """A streamed reading the store refuses: dead-lettered with its problems."""


def rows_of(payload: EventPayload, first: int) -> tuple[Feed, list[Row]]:
    """The feed and the rows a streamed event carries (one reading, or a batch of them),
    numbered from `first` as a file's lines would be."""
    p = payload
    if isinstance(p, ReadingRecorded):
        return Feed.ELECTRICITY, [_reading(p, first)]
    if isinstance(p, InvoiceRecorded):
        return Feed.INVOICES, [_invoice(p, first)]
    if isinstance(p, ReadingsRecorded):
        return Feed.ELECTRICITY, [_reading(r, first + n) for n, r in enumerate(p.readings)]
    if isinstance(p, InvoicesRecorded):
        return Feed.INVOICES, [_invoice(r, first + n) for n, r in enumerate(p.invoices)]
    raise FeedProblem(f"{payload.event_type} is not a feed's reading")


def _reading(p: ReadingRecorded, line: int) -> Reading:
    return Reading(
        line,
        p.uscc,
        account=p.account,
        address=p.address,
        district=str(p.district),
        period=p.period,
        kwh=p.kwh,
        max_demand_kw=p.max_demand_kw,
        correction_reason=p.correction_reason,
    )


def _invoice(p: InvoiceRecorded, line: int) -> Invoice:
    return Invoice(
        line,
        p.uscc,
        district=str(p.district),
        period=p.period,
        category=p.category,
        amount_yuan=p.amount_yuan,
        tonnes=p.tonnes,
        correction_reason=p.correction_reason,
    )


async def load_events(
    session: AsyncSession,
    events: Sequence[tuple[Envelope, EventPayload]],
    outbox: Outbox,
    delivery: Delivery,
) -> None:
    """Load the events' readings and invoices, each feed in one set-based load. A problem is
    reported by the reading's place in the events applied (1 for an event of one reading)."""
    by_feed: dict[Feed, list[Row]] = {}
    ids: dict[Feed, list[str]] = {}
    line = 1
    for envelope, payload in events:
        feed, rows = rows_of(payload, line)
        line += len(rows)
        by_feed.setdefault(feed, []).extend(rows)
        ids.setdefault(feed, []).append(envelope.id)
    for feed, rows in by_feed.items():
        try:
            await store.load(
                session,
                feed,
                rows,
                "\n".join(ids[feed]).encode(),
                now=delivery.clock(),
                outbox=outbox,
            )
        except Rejected as rejected:
            raise FeedProblem(
                "; ".join(
                    f"{_place(p.line, len(rows))}{p.column}: {p.reason}" for p in rejected.problems
                )
            ) from None


def _place(line: int, rows: int) -> str:
    """Where in a batch event a problem is: its reading's number, if the event has several."""
    return f"reading {line}, " if rows > 1 else ""


def consumer() -> ConsumerSpec:
    outbox = Outbox(topic=topic_of(Dimension.TECHNOLOGY.value), source="/phaseout/technology")

    async def handle(
        session: AsyncSession, envelope: Envelope, payload: EventPayload, delivery: Delivery
    ) -> None:
        await load_events(session, [(envelope, payload)], outbox, delivery)

    async def handle_batch(session: AsyncSession, events: Sequence[Parsed]) -> None:
        await load_events(
            session, [(e.envelope, e.payload) for e in events], outbox, events[0].delivery
        )

    return ConsumerSpec(
        name="technology-feeds",
        topics=list(FEED_TOPICS),
        handler=handle,
        batch_handler=handle_batch,
        # A batch is one set-based load (a temporary table, COPY, three statements) and one run
        # of the rules: larger batches spread that over more readings.
        max_batch=STREAM_BATCH,
    )
