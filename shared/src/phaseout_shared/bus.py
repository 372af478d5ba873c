"""Kafka plumbing: how a client reaches the broker, the idempotent producer, topic
provisioning and the dead-letter topics."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.helpers import create_ssl_context

log = logging.getLogger(__name__)

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


def make_producer(kafka: KafkaAccess, client_id: str) -> AIOKafkaProducer:
    """An idempotent producer: acks from all in-sync replicas, no duplicates on retry."""
    return AIOKafkaProducer(
        **kafka.options(),
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        compression_type=None,
    )


async def ensure_topics(
    kafka: KafkaAccess, topics: Iterable[str], *, partitions: int = 3, replication: int = 1
) -> list[str]:
    """Create the topics that do not exist yet (idempotent); returns those it asked for.

    On a secured broker only the admin principal may create topics, so a service finds them
    provisioned and asks for nothing.
    """
    admin = AIOKafkaAdminClient(**kafka.options())
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
        return [t.name for t in wanted]
    finally:
        await admin.close()
