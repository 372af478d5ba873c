"""Probe: does aiokafka work against the local broker the way the platform uses Kafka?

Run against a running broker (`python -m phaseout_cli.stack up` first):

    .venv/bin/python deploy/local/probe_kafka.py [--profile local|test]

It connects as the stack's admin principal (SASL/SCRAM-SHA-512 over TLS).

It checks, on a fresh topic of 3 partitions that it deletes at the end:
1. topic creation through the admin client (and that creating it again reports "exists");
2. an idempotent producer (enable_idempotence=True, acks="all") sending keyed messages with
   CloudEvents-style headers; each key lands on one partition, in order;
3. a consumer in a group with enable_auto_commit=False reading them, checking keys and
   headers, and committing offsets explicitly;
4. a second consumer joining the group: the first one's partitions are revoked (it commits in
   the revocation callback) and split between the two; the newcomer starts at the committed
   offsets (not at the beginning), and together they read exactly the messages produced
   after the rebalance (nothing of the first batch again, nothing twice);
5. the first consumer leaving: the second takes every partition and again reads only what is
   new; the group's committed offsets end equal to the partitions' end offsets.
Exits 0 and prints "probe passed" when all hold; prints the failed check and exits 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from collections import Counter
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiokafka
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.structs import ConsumerRecord, TopicPartition

from phaseout_cli import stack
from phaseout_shared.bus import KafkaAccess

PARTITIONS = 3
KEYS = [f"9144030000000000{i:02d}" for i in range(10)]
"""Ten keys that the default partitioner spreads over all three partitions."""
PER_BATCH = 30
STEP_TIMEOUT = 60.0
T = TypeVar("T")


class ProbeFailed(Exception):
    pass


def check(condition: bool, what: str) -> None:
    if not condition:
        raise ProbeFailed(what)


def ok(message: str) -> None:
    print(f"ok    {message}", flush=True)


async def step(awaitable: Awaitable[T]) -> T:
    return await asyncio.wait_for(awaitable, STEP_TIMEOUT)


# --- admin -----------------------------------------------------------------------------------


async def create_topic(kafka: KafkaAccess, topic: str) -> None:
    admin = AIOKafkaAdminClient(**kafka.options())
    await admin.start()
    try:
        cluster = await admin.describe_cluster()
        ok(
            f"broker answers metadata: cluster {cluster['cluster_id']}, {len(cluster['brokers'])}"
            f" broker(s), controller {cluster['controller_id']}"
        )
        new = [NewTopic(name=topic, num_partitions=PARTITIONS, replication_factor=1)]
        first = (await admin.create_topics(new)).topic_errors
        check([e[1] for e in first] == [0], f"create_topics answered {first}")
        again = (await admin.create_topics(new)).topic_errors
        check([e[1] for e in again] == [36], f"second create_topics answered {again}")
        described = await admin.describe_topics([topic])
        partitions = described[0]["partitions"]
        check(len(partitions) == PARTITIONS, f"describe_topics: {described}")
        ok(
            f"admin client created {topic} ({PARTITIONS} partitions, RF 1); creating it again"
            " answered TOPIC_ALREADY_EXISTS (36)"
        )
    finally:
        await admin.close()


async def delete_topic(kafka: KafkaAccess, topic: str) -> None:
    admin = AIOKafkaAdminClient(**kafka.options())
    await admin.start()
    try:
        await admin.delete_topics([topic])
        ok(f"deleted {topic}")
    finally:
        await admin.close()


# --- producing -------------------------------------------------------------------------------


def headers_for(event_id: str, key: str) -> list[tuple[str, bytes]]:
    return [
        ("ce_id", event_id.encode()),
        ("ce_source", b"/probe"),
        ("ce_type", b"phaseout.probe.thing.happened.v1"),
        ("ce_subject", key.encode()),
        ("ce_time", b"2026-01-01T00:00:00Z"),
        ("traceparent", b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
    ]


async def produce(producer: AIOKafkaProducer, topic: str, batch: int) -> dict[str, int]:
    """Send PER_BATCH keyed messages; returns the partition each key went to."""
    placed: dict[str, set[int]] = {}
    futures = []
    for n in range(PER_BATCH):
        key = KEYS[n % len(KEYS)]
        event_id = f"b{batch}-{n:03d}"
        value = json.dumps({"batch": batch, "n": n}).encode()
        futures.append(
            (
                key,
                await producer.send(
                    topic, value, key=key.encode(), headers=headers_for(event_id, key)
                ),
            )
        )
    for key, future in futures:
        placed.setdefault(key, set()).add((await future).partition)
    check(all(len(p) == 1 for p in placed.values()), f"a key spread over partitions: {placed}")
    check(set().union(*placed.values()) == set(range(PARTITIONS)), f"a partition unused: {placed}")
    return {k: next(iter(p)) for k, p in placed.items()}


# --- consuming -------------------------------------------------------------------------------


@dataclass
class Member:
    """One consumer of the group, with what its rebalance callbacks saw."""

    name: str
    consumer: AIOKafkaConsumer
    assigned: list[set[int]] = field(default_factory=list)
    revoked: list[set[int]] = field(default_factory=list)
    records: list[ConsumerRecord[bytes, bytes]] = field(default_factory=list)

    def partitions(self) -> set[int]:
        return {tp.partition for tp in self.consumer.assignment()}


class Listener(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, member: Member) -> None:
        self.member = member

    async def on_partitions_revoked(self, revoked: Iterable[TopicPartition]) -> None:
        parts = {tp.partition for tp in revoked}
        if parts:
            await self.member.consumer.commit()
        self.member.revoked.append(parts)

    async def on_partitions_assigned(self, assigned: Iterable[TopicPartition]) -> None:
        self.member.assigned.append({tp.partition for tp in assigned})


async def join(kafka: KafkaAccess, topic: str, group: str, name: str) -> Member:
    consumer = AIOKafkaConsumer(
        **kafka.options(),
        group_id=group,
        client_id=name,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        heartbeat_interval_ms=500,
        session_timeout_ms=10000,
    )
    member = Member(name, consumer)
    consumer.subscribe([topic], listener=Listener(member))
    await consumer.start()
    return member


async def read(members: list[Member], count: int) -> list[ConsumerRecord[bytes, bytes]]:
    """Poll every member until they have read `count` new records between them."""
    got: list[ConsumerRecord[bytes, bytes]] = []
    while len(got) < count:
        for member in members:
            batches = await member.consumer.getmany(timeout_ms=200)
            for records in batches.values():
                member.records.extend(records)
                got.extend(records)
    await asyncio.sleep(1.0)  # anything beyond `count` would be a duplicate: look for it
    for member in members:
        for records in (await member.consumer.getmany(timeout_ms=500)).values():
            got.extend(records)
    return got


def verify(records: list[ConsumerRecord[bytes, bytes]], batch: int, placed: dict[str, int]) -> None:
    ids = [dict(r.headers)["ce_id"].decode() for r in records]
    dupes = [i for i, c in Counter(ids).items() if c > 1]
    check(not dupes, f"read twice: {dupes}")
    check(
        sorted(ids) == [f"b{batch}-{n:03d}" for n in range(PER_BATCH)],
        f"batch {batch}: read {sorted(ids)}",
    )
    for r in records:
        key = r.key.decode() if r.key else ""
        headers = dict(r.headers)
        check(r.partition == placed[key], f"{key} read from partition {r.partition}")
        check(headers["ce_subject"].decode() == key, f"ce_subject {headers['ce_subject']!r}")
        check(json.loads(r.value)["batch"] == batch if r.value else False, "body")
    per_key: dict[str, list[int]] = {}
    for r in sorted(records, key=lambda r: (r.partition, r.offset)):
        per_key.setdefault(r.key.decode() if r.key else "", []).append(
            json.loads(r.value or b"")["n"]
        )
    check(all(ns == sorted(ns) for ns in per_key.values()), f"order per key: {per_key}")


async def committed_equals_end(member: Member, topic: str) -> dict[int, int]:
    tps = [TopicPartition(topic, p) for p in range(PARTITIONS)]
    ends = await member.consumer.end_offsets(tps)
    committed = {tp.partition: await member.consumer.committed(tp) for tp in tps}
    check(
        all(committed[tp.partition] == ends[tp] for tp in tps),
        f"committed {committed} != end offsets {ends}",
    )
    return committed


async def positions(member: Member) -> dict[int, int]:
    """The member's fetch positions; they must equal the group's committed offsets (> 0)."""
    found = {}
    for tp in member.consumer.assignment():
        position = await member.consumer.position(tp)
        committed = await member.consumer.committed(tp)
        check(position == committed and position > 0, f"{tp}: at {position}, committed {committed}")
        found[tp.partition] = position
    return found


async def wait_for(predicate: Any, what: str, members: list[Member]) -> None:
    """Keep the members polling (no records expected) until `predicate()` holds."""
    while not predicate():
        for member in members:
            got = await member.consumer.getmany(timeout_ms=100)
            check(not any(got.values()), f"{member.name} read records while {what}")


# --- the probe -------------------------------------------------------------------------------


async def probe(kafka: KafkaAccess) -> None:
    topic = f"phaseout.probe.{uuid.uuid4().hex[:8]}"
    group = f"probe-{uuid.uuid4().hex[:8]}"
    broker = kafka.bootstrap_servers
    print(f"aiokafka {aiokafka.__version__}, broker {broker}, topic {topic}, group {group}")
    await step(create_topic(kafka, topic))
    producer = AIOKafkaProducer(**kafka.options(), enable_idempotence=True, acks="all")
    await step(producer.start())
    try:
        await run_group(kafka, topic, group, producer)
    finally:
        await producer.stop()
        await step(delete_topic(kafka, topic))


async def run_group(kafka: KafkaAccess, topic: str, group: str, producer: AIOKafkaProducer) -> None:
    placed = await step(produce(producer, topic, 1))
    ok(
        f"idempotent producer (acks=all) sent {PER_BATCH} keyed messages with 6 headers each;"
        f" key -> partition {sorted(placed.items())}"
    )
    a = await step(join(kafka, topic, group, "consumer-a"))
    try:
        await group_steps(kafka, topic, group, producer, placed, a)
    finally:
        await a.consumer.stop()


async def group_steps(
    kafka: KafkaAccess,
    topic: str,
    group: str,
    producer: AIOKafkaProducer,
    placed: dict[str, int],
    a: Member,
) -> None:
    verify(await step(read([a], PER_BATCH)), 1, placed)
    await a.consumer.commit()
    ok(
        f"consumer-a (auto commit off) read batch 1 from partitions {sorted(a.partitions())},"
        f" keys/headers/order checked, committed {await committed_equals_end(a, topic)}"
    )
    b = await step(join(kafka, topic, group, "consumer-b"))
    try:
        await step(
            wait_for(
                lambda: (
                    a.revoked
                    and b.partitions()
                    and a.partitions().isdisjoint(b.partitions())
                    and len(a.partitions() | b.partitions()) == PARTITIONS
                ),
                "rebalancing",
                [a, b],
            )
        )
        ok(
            f"consumer-b joined: consumer-a revoked {sorted(a.revoked[-1])} (committing in the"
            f" callback), now a={sorted(a.partitions())} b={sorted(b.partitions())}"
        )
        ok(f"consumer-b starts at the committed offsets: {await positions(b)}")
        await step(produce(producer, topic, 2))
        verify(await step(read([a, b], PER_BATCH)), 2, placed)
        await a.consumer.commit()
        await b.consumer.commit()
        ok("a and b together read exactly batch 2 (nothing of batch 1 again), committed")
        await a.consumer.stop()
        await step(wait_for(lambda: b.partitions() == set(range(PARTITIONS)), "taking over", [b]))
        ok(
            f"consumer-a left: consumer-b now holds {sorted(b.partitions())}"
            f" (assignments seen by b: {[sorted(x) for x in b.assigned]})"
        )
        await step(produce(producer, topic, 3))
        verify(await step(read([b], PER_BATCH)), 3, placed)
        await b.consumer.commit()
        ok(f"consumer-b read exactly batch 3 and committed {await committed_equals_end(b, topic)}")
    finally:
        await b.consumer.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--profile", choices=sorted(stack.PROFILES), default="local")
    args = parser.parse_args()
    try:
        asyncio.run(probe(stack.kafka_access(stack.profile(args.profile))))
    except ProbeFailed as failed:
        print(f"FAIL  {failed}")
        return 1
    print("probe passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
