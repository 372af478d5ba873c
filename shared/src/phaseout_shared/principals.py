"""Who speaks on the bus: one Kafka principal per service, and what each may do there.

The table is data. The local stack and the test stack create the principals and their ACLs from
it (`phaseout_cli.kafka_security`), `phaseout status` prints it, the k8s manifests' `KafkaUser`
resources are checked against it, and a test checks that every service's consumers read only
what it grants. The broker denies whatever no ACL allows (`allow.everyone.if.no.acl.found=false`).

- An agency service produces to its own topic (through its outbox relay) and to its own
  dead-letter topic; it reads the other agencies' topics its referral and supersession
  consumers subscribe to, in consumer groups named after it.
- The aggregator reads the five agency topics and writes nothing but its own dead letters.
- The grid company's and the tax bureau's systems (`grid`, `tax`) each write their feed's topic
  and nothing else: the revival watch in the technology service reads them
  (`contracts.feeds`).
- `admin` (a super user) creates topics, principals and ACLs; the command line's provisioning
  and the operators' tools use it, never a service.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from phaseout_shared.bus import dead_letters_of
from phaseout_shared.outbox import topic_of
from phaseout_shared.reference import Dimension

ADMIN = "admin"

AGENCY_TOPICS = tuple(topic_of(d.value) for d in Dimension)
FEEDS = ("grid", "tax")
"""The systems outside the platform that stream a feed to it, each on its own topic."""
FEED_TOPICS = tuple(topic_of(f) for f in FEEDS)


@dataclass(frozen=True)
class Principal:
    """A Kafka principal (`User:<name>`) and the operations its ACLs allow."""

    name: str
    writes: tuple[str, ...]
    reads: tuple[str, ...]
    groups: str
    """Consumer groups it may use: those whose id starts with this prefix."""


def _agency(dimension: Dimension, *reads: Dimension) -> Principal:
    name = dimension.value
    return Principal(
        name=name,
        writes=(topic_of(name), dead_letters_of(name)),
        reads=tuple(topic_of(d.value) for d in reads),
        groups=f"{name}-",
    )


E, V, Q, S, T = (
    Dimension.ENERGY,
    Dimension.ENVIRONMENT,
    Dimension.QUALITY,
    Dimension.SAFETY,
    Dimension.TECHNOLOGY,
)

PRINCIPALS: tuple[Principal, ...] = (
    _agency(E, E, V, S, T),
    _agency(V, E, S, T),
    _agency(Q, E, V, S, T),
    _agency(S, E, V, T),
    Principal(
        name=T.value,
        writes=(topic_of(T.value), dead_letters_of(T.value)),
        reads=(*(topic_of(d.value) for d in (E, V, Q, S, T)), *FEED_TOPICS),
        groups=f"{T.value}-",
    ),
    Principal(
        name="aggregator",
        writes=(dead_letters_of("aggregator"),),
        reads=AGENCY_TOPICS,
        groups="aggregator",
    ),
    *(Principal(name=f, writes=(topic_of(f),), reads=(), groups=f"{f}-") for f in FEEDS),
)


def principal(name: str) -> Principal:
    """A principal of the table by name."""
    for p in PRINCIPALS:
        if p.name == name:
            return p
    raise KeyError(f"no Kafka principal named {name!r}")


def topics() -> list[str]:
    """Every topic the platform provisions: the agencies', the feeds', and the dead letters of
    each service (a principal that reads)."""
    return [
        *AGENCY_TOPICS,
        *FEED_TOPICS,
        *(dead_letters_of(p.name) for p in PRINCIPALS if p.reads),
    ]


@lru_cache(maxsize=256)
def owner_source(topic: str) -> str | None:
    """The CloudEvents source every event on an agency's or a feed's topic must carry: its
    owner's."""
    parts = topic.split(".")
    if len(parts) == 3 and parts[0] == "phaseout" and parts[2] == "events":
        return f"/phaseout/{parts[1]}"
    return None
