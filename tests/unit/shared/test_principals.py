"""The principal table grants each service what its wiring uses, and nothing of another's."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import import_module

import pytest

from phaseout_cli.kafka_security import acl_rows
from phaseout_shared.bus import dead_letters_of
from phaseout_shared.consumer import ForeignEvent, refuse_foreign
from phaseout_shared.contracts.enterprise import REGISTERED
from phaseout_shared.envelope import Envelope
from phaseout_shared.principals import (
    AGENCY_TOPICS,
    FEED_TOPICS,
    FEEDS,
    PRINCIPALS,
    owner_source,
    principal,
    topics,
)
from phaseout_shared.reference import Dimension
from phaseout_shared.web import ServiceSpec

SERVICES = [d.value for d in Dimension] + ["aggregator"]


def spec_of(service: str) -> ServiceSpec:
    spec: ServiceSpec = import_module(f"phaseout_{service}.main").SPEC
    return spec


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_reads_only_what_its_principal_may(service: str) -> None:
    spec, grant = spec_of(service), principal(service)
    for consumer in spec.consumers:
        assert set(consumer.topics) <= set(grant.reads), consumer.name
        assert consumer.name.startswith(grant.groups), consumer.name


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_writes_its_own_topic_and_dead_letters_only(service: str) -> None:
    spec, grant = spec_of(service), principal(service)
    own = {f"phaseout.{service}.events"} if spec.publishes else set()
    assert set(grant.writes) == own | {dead_letters_of(service)}


def test_no_two_services_share_a_consumer_group_prefix() -> None:
    prefixes = [p.groups for p in PRINCIPALS]
    for a in prefixes:
        assert [b for b in prefixes if b.startswith(a) or a.startswith(b)] == [a]


def test_the_provisioned_topics_are_the_agencies_the_feeds_and_every_dead_letter_topic() -> None:
    assert set(topics()) == (
        set(AGENCY_TOPICS) | set(FEED_TOPICS) | {dead_letters_of(s) for s in SERVICES}
    )


@pytest.mark.parametrize("feed", FEEDS)
def test_a_feeds_system_writes_its_topic_only_and_the_watch_reads_it(feed: str) -> None:
    grant = principal(feed)
    assert (grant.writes, grant.reads) == ((f"phaseout.{feed}.events",), ())
    assert f"phaseout.{feed}.events" in principal("technology").reads
    assert [r for r in acl_rows() if r[0] == feed] == [
        (feed, "WRITE", "TOPIC", f"phaseout.{feed}.events")
    ]
    readers = [p.name for p in PRINCIPALS if f"phaseout.{feed}.events" in p.reads]
    assert readers == ["technology"]


def test_the_acl_table_has_a_row_per_grant() -> None:
    rows = acl_rows()
    assert ("aggregator", "READ", "GROUP", "aggregator*") in rows
    assert not [r for r in rows if r[0] == "aggregator" and r[1] == "WRITE" and "events" in r[3]]
    assert ("quality", "WRITE", "TOPIC", "phaseout.quality.events") in rows
    assert ("quality", "WRITE", "TOPIC", "phaseout.energy.events") not in rows


def envelope(source: str, dimension: Dimension = Dimension.SAFETY) -> Envelope:
    payload = REGISTERED[dimension](
        uscc="91440300708461136T",
        name="某水泥厂",
        district="baoan",
        industry="cement",
        effective_on=datetime(2019, 5, 6, tzinfo=UTC).date(),
    )
    return Envelope.of(payload, source=source, subject=payload.uscc, time=datetime.now(UTC))


def test_an_event_from_the_topics_owner_is_accepted() -> None:
    refuse_foreign(envelope("/phaseout/safety"), "phaseout.safety.events")


@pytest.mark.parametrize(
    ("source", "topic", "reason"),
    [
        ("/phaseout/safety", "phaseout.energy.events", "does not own phaseout.energy.events"),
        ("/phaseout/energy", "phaseout.energy.events", "is not of phaseout.energy.events"),
        ("/phaseout/safety", "phaseout.safety.dlq", "no agency's topic"),
    ],
)
def test_an_event_on_a_topic_its_source_does_not_own_is_foreign(
    source: str, topic: str, reason: str
) -> None:
    with pytest.raises(ForeignEvent, match=reason):
        refuse_foreign(envelope(source), topic)


def test_the_owner_of_a_topic_is_named_after_it() -> None:
    assert owner_source("phaseout.quality.events") == "/phaseout/quality"
    assert owner_source("phaseout.aggregator.dlq") is None
