"""A corpus of valid events, made by the agencies' own domain code and put on their topics.

Per enterprise (a paper mill): the technology register's `enterprise.registered`, half of them
also on environment's register and a third on safety's; one surveyed paper line, which is
eliminated for 60% of them (`case.opened`), and 40% of those are sealed and pass on-site
acceptance (`case.sealed`, `case.acceptance_passed`): about 3.9 events per enterprise.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from aiokafka import AIOKafkaProducer

from phaseout_shared.bus import KafkaAccess
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.enterprise import REGISTERED
from phaseout_shared.contracts.technology import SealingMeasures
from phaseout_shared.domain.facts import Site
from phaseout_shared.envelope import Envelope, to_kafka
from phaseout_shared.reference import USCC_ALPHABET, Dimension, District, uscc_check_character
from phaseout_shared.settings import Settings
from phaseout_technology.domain.case import EliminationCase
from phaseout_technology.domain.evaluate import evaluate

DISTRICTS = [d.value for d in District]
SAMPLED = Settings().trace_sample_ratio
"""The share of the corpus's events whose trace is sampled: the services' default."""
ELIMINATED = {"kind": "cultural_paper_line", "width_m": 1.76, "speed_m_per_min": 110}
ALLOWED = {"kind": "cultural_paper_line", "width_m": 5.0, "speed_m_per_min": 800}
SEALED = SealingMeasures(
    water_cut=True,
    power_cut=True,
    power_units_removed=True,
    main_equipment_sealed=True,
    public_commitment=True,
)


def make_uscc(rng: random.Random) -> str:
    """A valid code (GB 32100-2015): 91 440300, 9 random characters, the check character."""
    body = "91440300" + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc_check_character(body)


def usccs(count: int, seed: int) -> list[str]:
    """`count` distinct valid codes."""
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        code = make_uscc(rng)
        if code not in seen:
            seen.add(code)
            out.append(code)
    return out


def enterprise_events(
    uscc: str, rng: random.Random, n: int
) -> Iterator[tuple[Dimension, EventPayload]]:
    """The events of one enterprise's story, in the order the agencies would emit them."""
    district = DISTRICTS[n % len(DISTRICTS)]
    on = date(2019, 4, 1) + timedelta(days=n % 200)
    facts = {
        "uscc": uscc,
        "name": f"某造纸厂{n:07d}",
        "district": district,
        "industry": "paper",
        "address": f"{district} 工业路 {n % 997} 号",
        "effective_on": on,
    }
    yield Dimension.TECHNOLOGY, REGISTERED[Dimension.TECHNOLOGY].model_validate(facts)
    if rng.random() < 0.5:
        yield Dimension.ENVIRONMENT, REGISTERED[Dimension.ENVIRONMENT].model_validate(facts)
    if rng.random() < 0.3:
        yield Dimension.SAFETY, REGISTERED[Dimension.SAFETY].model_validate(facts)
    eliminated = rng.random() < 0.6
    verdict = evaluate("paper", ELIMINATED if eliminated else ALLOWED)
    surveyed_on = on + timedelta(days=30)
    item_id = f"PM-{n}"
    yield (
        Dimension.TECHNOLOGY,
        verdict.surveyed(
            uscc=uscc, district=District(district), item_id=item_id, effective_on=surveyed_on
        ),
    )
    if not eliminated:
        return
    case = EliminationCase.open(
        case_id=uuid.UUID(int=rng.getrandbits(128)),
        site=Site(uscc=uscc, district=District(district)),
        item_id=item_id,
        verdict=verdict,
        capacity_amount=Decimal(10000 + n % 50000),
        capacity_unit="t/a",
        effective_on=surveyed_on,
    )
    if rng.random() < 0.4:
        case.seal(SEALED, surveyed_on + timedelta(days=40), "封存")
        case.accept_on_site(surveyed_on + timedelta(days=60), passed=True)
    for event in case.pull_events():
        yield Dimension.TECHNOLOGY, event


def envelopes(count: int, seed: int = 2019) -> list[tuple[str, Envelope]]:
    """At least `count` events (whole enterprise stories), with their topics."""
    rng = random.Random(seed)
    traces = random.Random(seed + 1)
    out: list[tuple[str, Envelope]] = []
    now = datetime.now(UTC)
    n = 0
    codes = iter(usccs(count, seed))
    while len(out) < count:
        uscc = next(codes)
        for dimension, payload in enterprise_events(uscc, rng, n):
            # Each event carries the trace context of the call that made it, as the outbox
            # writes it, sampled as the service samples its calls: the consumer continues it.
            sampled = "01" if traces.random() < SAMPLED else "00"
            parent = f"00-{traces.getrandbits(128):032x}-{traces.getrandbits(64):016x}-{sampled}"
            envelope = Envelope.of(
                payload,
                source=f"/phaseout/{dimension.value}",
                subject=uscc,
                time=now,
                trace={"traceparent": parent},
            )
            out.append((f"phaseout.{dimension.value}.events", envelope))
        n += 1
    return out


def fast_producer(kafka: KafkaAccess) -> AIOKafkaProducer:
    """Idempotent and acks=all like the relay's, with larger batches to load a corpus fast."""
    return AIOKafkaProducer(
        **kafka.options(),
        client_id="bench-corpus",
        enable_idempotence=True,
        acks="all",
        linger_ms=20,
        max_batch_size=256 * 1024,
    )


async def produce(kafka: KafkaAccess, items: list[tuple[str, Envelope]]) -> int:
    """Put the envelopes on their topics (keyed by uscc, as the relay does); returns the count."""
    producer = fast_producer(kafka)
    await producer.start()
    try:
        pending = []
        for topic, envelope in items:
            key, value, headers = to_kafka(envelope)
            pending.append(await producer.send(topic, value, key=key, headers=headers))
            if len(pending) >= 5000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return len(items)
