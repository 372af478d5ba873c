"""Kafka plumbing: how a client reaches the broker, the idempotent producer, topic
provisioning and the dead-letter topics."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.helpers import create_ssl_context

from phaseout_shared.limits import MAX_EVENT_BYTES

log = logging.getLogger(__name__)
DEFAULT_REQUEST_BYTES = 1_048_576
"""aiokafka's own default `max_request_size`."""

SASL_MECHANISM = "SCRAM-SHA-512"


def dead_letters_of(service: str) -> str:
    """The dead-letter topic of a service's consumers: each service writes its own."""
    return f"phaseout.{service}.dlq"


@dataclass(frozen=True)
class KafkaAccess:
    """Where the broker is and who this client is on it.

    With a username the client authenticates with SASL/SCRAM-SHA-512 over TLS (the broker's
    certificate checked against `ca_file`, or the system's authorities); without one it speaks
    plain text, as an unsecured development broker expects.
    """

    bootstrap_servers: str
    username: str | None = None
    password: str | None = None
    ca_file: Path | None = None

    @property
    def secured(self) -> bool:
        return self.username is not None

    def options(self) -> dict[str, Any]:
        """Keyword arguments for aiokafka's producer, consumer and admin client."""
        if not self.secured:
            return {"bootstrap_servers": self.bootstrap_servers}
        return {
            "bootstrap_servers": self.bootstrap_servers,
            "security_protocol": "SASL_SSL",
            "sasl_mechanism": SASL_MECHANISM,
            "sasl_plain_username": self.username,
            "sasl_plain_password": self.password,
            "ssl_context": self.ssl_context(),
        }

    def ssl_context(self) -> ssl.SSLContext:
        context: ssl.SSLContext = create_ssl_context(
            cafile=str(self.ca_file) if self.ca_file else None
        )
        return context

    def as_user(self, username: str, password: str) -> KafkaAccess:
        """The same broker, as another principal."""
        return KafkaAccess(self.bootstrap_servers, username, password, self.ca_file)


def make_producer(
    kafka: KafkaAccess, client_id: str, *, max_event_bytes: int = MAX_EVENT_BYTES
) -> AIOKafkaProducer:
    """An idempotent producer: acks from all in-sync replicas, no duplicates on retry. Its
    request size leaves room for a record of `max_event_bytes` and its batch's overhead."""
    return AIOKafkaProducer(
        **kafka.options(),
        max_request_size=max(DEFAULT_REQUEST_BYTES, max_event_bytes + 64 * 1024),
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        compression_type=None,
    )


async def ensure_topics(
    kafka: KafkaAccess, topics: Iterable[str], *, partitions: int = 3, replication: int = 1
) -> list[str]:
    """Create the topics that do not exist yet (idempotent); returns those it created.

    On a secured broker only the admin principal may create topics, so a service finds them
    provisioned and asks for nothing. A topic another process created meanwhile is no error.
    """
    admin = AIOKafkaAdminClient(**kafka.options())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(name=t, num_partitions=partitions, replication_factor=replication)
            for t in sorted(set(topics) - existing)
        ]
        if not wanted:
            return []
        try:
            response = await admin.create_topics(wanted)
        except TopicAlreadyExistsError:
            log.info("topics created concurrently by another process")
            return []
    finally:
        await admin.close()
    return _created(response.topic_errors)


def _created(topic_errors: Sequence[tuple[object, ...]]) -> list[str]:
    """The topics a CreateTopics response created; 'already exists' (36) is not an error."""
    failed = [(t, code) for t, code, *_ in topic_errors if code not in (0, 36)]
    if failed:
        raise RuntimeError(f"creating topics failed (topic, Kafka error code): {failed}")
    return [str(t) for t, code, *_ in topic_errors if code == 0]
