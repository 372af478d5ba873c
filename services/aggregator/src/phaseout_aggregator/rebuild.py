"""Rebuild the aggregator's projections from the agencies' topics into a fresh database.

`phaseout-aggregator-rebuild --database-url URL` migrates the (empty) target database, reads
every agency topic from its first offset up to the end it has when the rebuild starts, and
applies each event once, exactly as the live consumer does: each fetched batch in one
transaction, every event claimed in the inbox before it is applied, the batch's projections
written set-based (`app.batch`). Its connections commit
without waiting for the write-ahead log to reach the disk (`synchronous_commit = off`): a
rebuild that dies is started again into a fresh database, so it needs no per-commit
durability. Records that are not valid events are skipped: the live consumer has put them on
the dead-letter topics already.
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import ConsumerRecord
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from phaseout_aggregator.app.batch import apply_batch
from phaseout_aggregator.main import AGENCY_TOPICS, SPEC
from phaseout_shared import inbox, migrations
from phaseout_shared.bus import KafkaAccess
from phaseout_shared.consumer import (
    MAX_BATCH,
    MAX_MESSAGE_BYTES,
    Delivery,
    Parsed,
    refuse_foreign,
)
from phaseout_shared.envelope import MalformedEvent, from_kafka
from phaseout_shared.settings import Settings

log = logging.getLogger(__name__)
CONSUMER = "aggregator"
"""The live consumer's name: the rebuilt inbox is the one the live aggregator would have."""


async def rebuild(kafka: KafkaAccess, database_url: str) -> int:
    """Replay every agency topic into `database_url`; returns how many events were applied."""
    await asyncio.to_thread(migrations.upgrade, database_url, SPEC.version_locations, SPEC.metadata)
    engine = create_async_engine(
        database_url, connect_args={"server_settings": {"synchronous_commit": "off"}}
    )
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    consumer = AIOKafkaConsumer(
        **kafka.options(),
        enable_auto_commit=False,
        max_partition_fetch_bytes=2 * MAX_MESSAGE_BYTES,
    )
    applied = 0
    try:
        await consumer.start()
        parts = await _partitions(kafka)
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        remaining = {tp for tp in parts if ends[tp] > 0}
        while remaining:
            batches = await consumer.getmany(*remaining, timeout_ms=500, max_records=MAX_BATCH)
            events = [e for rs in batches.values() for r in rs if (e := _parsed(r)) is not None]
            applied += await _replay(sessions, events)
            for tp in batches:
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()
        await engine.dispose()
    return applied


async def _partitions(kafka: KafkaAccess) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(**kafka.options())
    await admin.start()
    try:
        described = await admin.describe_topics(AGENCY_TOPICS)
    finally:
        await admin.close()
    return [
        TopicPartition(t["topic"], p["partition"])
        for t in described
        for p in sorted(t["partitions"], key=lambda p: p["partition"])
    ]


def _parsed(r: ConsumerRecord[bytes, bytes]) -> Parsed | None:
    try:
        envelope = from_kafka(r.key, r.value, list(r.headers))
        refuse_foreign(envelope, r.topic)
        payload = envelope.payload()
    except MalformedEvent:
        return None
    return Parsed(r, envelope, payload, Delivery(r.topic, r.partition, r.offset))


async def _replay(sessions: async_sessionmaker[AsyncSession], events: list[Parsed]) -> int:
    """Apply a batch of events in one transaction; how many were new."""
    async with sessions.begin() as session:
        new = await inbox.claim_many(session, CONSUMER, [e.envelope.id for e in events])
        fresh = []
        for e in events:
            if e.envelope.id in new:
                new.discard(e.envelope.id)
                fresh.append(e)
        await apply_batch(session, fresh)
    return len(fresh)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="An empty database for the rebuild")
    args = parser.parse_args()
    settings = Settings(service="aggregator")
    applied = asyncio.run(rebuild(settings.kafka(), args.database_url))
    print(f"rebuilt: {applied} events applied")
