"""Rebuild the aggregator's projections from the agencies' topics into a fresh database.

`phaseout-aggregator-rebuild --database-url URL` migrates the (empty) target database, reads
every agency topic from its first offset up to the end it has when the rebuild starts, and
applies each event once, exactly as the live consumer does. Records that are not valid events
are skipped: the live consumer has put them on the dead-letter topics already.
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import ConsumerRecord

from phaseout_aggregator.app.projections import apply
from phaseout_aggregator.main import AGENCY_TOPICS, SPEC
from phaseout_shared import migrations
from phaseout_shared.consumer import Delivery, apply_once
from phaseout_shared.db import Database
from phaseout_shared.envelope import MalformedEvent, from_kafka
from phaseout_shared.settings import Settings

log = logging.getLogger(__name__)


async def rebuild(bootstrap_servers: str, database_url: str) -> int:
    """Replay every agency topic into `database_url`; returns how many events were applied."""
    await asyncio.to_thread(migrations.upgrade, database_url, SPEC.version_locations, SPEC.metadata)
    db = Database(database_url)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False)
    applied = 0
    try:
        await consumer.start()
        parts = await _partitions(bootstrap_servers)
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        remaining = {tp for tp in parts if ends[tp] > 0}
        while remaining:
            for tp, records in (await consumer.getmany(*remaining, timeout_ms=500)).items():
                for record in records:
                    applied += await _replay(db, record)
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()
        await db.dispose()
    return applied


async def _partitions(bootstrap_servers: str) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
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


async def _replay(db: Database, r: ConsumerRecord[bytes, bytes]) -> int:
    try:
        envelope = from_kafka(r.key, r.value, list(r.headers))
        payload = envelope.payload()
    except MalformedEvent:
        return 0
    delivery = Delivery(r.topic, r.partition, r.offset)
    return int(await apply_once(db.sessions, "aggregator", apply, envelope, payload, delivery))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="An empty database for the rebuild")
    args = parser.parse_args()
    settings = Settings(service="aggregator")
    applied = asyncio.run(rebuild(settings.kafka_bootstrap_servers, args.database_url))
    print(f"rebuilt: {applied} events applied")
