"""Kafka plumbing: the idempotent producer, topic provisioning and the dead-letter topic."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from phaseout_shared.limits import MAX_EVENT_BYTES

log = logging.getLogger(__name__)
DEFAULT_REQUEST_BYTES = 1_048_576
"""aiokafka's own default `max_request_size`."""


def dlq_of(topic: str) -> str:
    """The dead-letter topic of a topic."""
    return f"{topic}.dlq"


def make_producer(
    bootstrap_servers: str, client_id: str, *, max_event_bytes: int = MAX_EVENT_BYTES
) -> AIOKafkaProducer:
    """An idempotent producer: acks from all in-sync replicas, no duplicates on retry. Its
    request size leaves room for a record of `max_event_bytes` and its batch's overhead."""
    return AIOKafkaProducer(
        max_request_size=max(DEFAULT_REQUEST_BYTES, max_event_bytes + 64 * 1024),
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        compression_type=None,
    )


async def ensure_topics(
    bootstrap_servers: str, topics: Iterable[str], *, partitions: int = 3, replication: int = 1
) -> None:
    """Create the topics that do not exist yet (idempotent)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(name=t, num_partitions=partitions, replication_factor=replication)
            for t in topics
            if t not in existing
        ]
        if wanted:
            try:
                await admin.create_topics(wanted)
            except TopicAlreadyExistsError:
                log.info("topics created concurrently by another process")
    finally:
        await admin.close()
