"""The revival watch's feeds as streams: the grid company's and the tax bureau's systems publish
each reading as an event on their own topic (`contracts.feeds`), and this consumer
(`technology-feeds`) loads them exactly as an imported file's rows.

A fetched batch loads in one transaction with its inbox claims, through the same set-based load
as a file: stored once per key, the same reading again changes nothing, a different figure
supersedes only with a `correction_reason`. A batch with a conflicting reading (a changed figure
without its reason, one key twice) fails whole and its events are then applied one by one: the
conflicting one is dead-lettered with its problem, the others load. The rules then run over the
enterprises the batch touched, as after an import.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared.consumer import Delivery, Parsed
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.feeds import InvoiceRecorded, ReadingRecorded
from phaseout_shared.envelope import Envelope
from phaseout_shared.outbox import Outbox, topic_of
from phaseout_shared.principals import FEED_TOPICS
from phaseout_shared.reference import Dimension
from phaseout_shared.web import ConsumerSpec
from phaseout_technology.watch import store
from phaseout_technology.watch.feeds import Feed, Invoice, Reading, Rejected, Row

STREAM_BATCH = 5_000
"""Readings applied in one transaction at most (the consumer's default is 500)."""


class FeedProblem(ValueError):
    """A streamed reading the store refuses: dead-lettered with its problems."""


def row_of(payload: EventPayload, line: int) -> tuple[Feed, Row]:
    """The feed and the row a streamed reading is, numbered as a file's line would be."""
    p = payload
    if isinstance(p, ReadingRecorded):
        return Feed.ELECTRICITY, Reading(
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
    if isinstance(p, InvoiceRecorded):
        return Feed.INVOICES, Invoice(
            line,
            p.uscc,
            district=str(p.district),
            period=p.period,
            category=p.category,
            amount_yuan=p.amount_yuan,
            tonnes=p.tonnes,
            correction_reason=p.correction_reason,
        )
    raise FeedProblem(f"{payload.event_type} is not a feed's reading")


async def load_events(
    session: AsyncSession,
    events: Sequence[tuple[Envelope, EventPayload]],
    outbox: Outbox,
    delivery: Delivery,
) -> None:
    """Load the events' readings and invoices, each feed in one set-based load."""
    by_feed: dict[Feed, list[Row]] = {}
    ids: dict[Feed, list[str]] = {}
    for line, (envelope, payload) in enumerate(events, start=1):
        feed, row = row_of(payload, line)
        by_feed.setdefault(feed, []).append(row)
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
                "; ".join(f"{p.column}: {p.reason}" for p in rejected.problems)
            ) from None


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
