"""The set-based batch projection leaves the aggregator's tables exactly as applying the same
events one by one does (`apply`, the reference): one corpus, projected both ways into two fresh
databases, compared row for row.

The corpus has what makes batching delicate: register rows corrected the same day, in and out
of their sequence order, some without a sequence; a case event that does not carry its industry
arriving before the enterprise's registration in the same batch; a disclosure withdrawn before
and after its publication; referrals answered; an event delivered twice; exits and revivals;
revival-watch alerts raised and closed (a closing reads its raising's row)."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from conftest import StackUnderTest
from sqlalchemy import text
from support import make_uscc

from phaseout_aggregator.app.batch import apply_batch, segments
from phaseout_aggregator.app.projections import apply
from phaseout_aggregator.main import SPEC
from phaseout_cli import stack
from phaseout_shared import inbox, migrations
from phaseout_shared.consumer import Delivery, Parsed, apply_once
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.disclosure import PUBLISHED, WITHDRAWN
from phaseout_shared.contracts.enterprise import REGISTERED, UPDATED
from phaseout_shared.contracts.referral import ACCEPTED, DECLINED, RECEIVED
from phaseout_shared.contracts.technology import (
    DitiaogangAlertRaised,
    SealingMeasures,
    WatchAlertClosed,
    WatchAlertRaised,
)
from phaseout_shared.db import Database
from phaseout_shared.domain.facts import Site
from phaseout_shared.envelope import Envelope, from_kafka, to_kafka
from phaseout_shared.reference import Dimension, District
from phaseout_technology.domain.case import EliminationCase
from phaseout_technology.domain.evaluate import evaluate

pytestmark = pytest.mark.integration

TABLES = {
    "timeline": "event_id",
    "identity": "uscc, dimension",
    "case_events": "event_id",
    "exit_events": "event_id",
    "exit_current": "dimension, case_id",
    "case_current": "dimension, case_id",
    "enterprise_firsts": "uscc, district, dimension",
    "referral_events": "event_id",
    "disclosures": "disclosure_id",
    "watch_alert_events": "event_id",
}
SEALED = SealingMeasures(
    water_cut=True,
    power_cut=True,
    power_units_removed=True,
    main_equipment_sealed=True,
    public_commitment=True,
)
ELIMINATED = {"kind": "cultural_paper_line", "width_m": 1.76, "speed_m_per_min": 110}


def _facts(uscc: str, n: int, on: date, name: str = "") -> dict[str, Any]:
    return {
        "uscc": uscc,
        "name": name or f"某造纸厂{n:04d}",
        "district": "baoan",
        "industry": "paper",
        "address": f"工业路 {n} 号",
        "effective_on": on,
    }


def _story(rng: random.Random, n: int) -> list[tuple[Dimension, EventPayload]]:
    """One enterprise's events, in the order they will be delivered."""
    uscc = make_uscc(rng)
    on = date(2019, 4, 1) + timedelta(days=n % 90)
    events: list[tuple[Dimension, EventPayload]] = []
    registered = REGISTERED[Dimension.TECHNOLOGY].model_validate(
        _facts(uscc, n, on) | {"sequence": 1}
    )
    # Corrections effective the same day: their sequence decides, whatever their order here.
    updates = [
        UPDATED[Dimension.TECHNOLOGY].model_validate(
            _facts(uscc, n, on, name=f"更名{n}-{s}") | {"sequence": s}
        )
        for s in rng.sample(range(2, 7), 3)
    ]
    unsequenced = [
        UPDATED[Dimension.ENVIRONMENT].model_validate(_facts(uscc, n, on, name=f"环保名{n}-{k}"))
        for k in range(2)
    ]
    verdict = evaluate("paper", ELIMINATED)
    case = EliminationCase.open(
        case_id=uuid.UUID(int=rng.getrandbits(128)),
        site=Site(uscc, District.BAOAN),
        item_id=f"PM-{n}",
        verdict=verdict,
        capacity_amount=Decimal(10000 + n),
        capacity_unit="t/a",
        effective_on=on + timedelta(days=30),
    )
    case.seal(SEALED, on + timedelta(days=40), "封存")
    case.accept_on_site(on + timedelta(days=60), passed=True)
    case_events = [(Dimension.TECHNOLOGY, e) for e in case.pull_events()]
    if n % 3 == 0:
        # The case (whose sealing names no industry) before the registration.
        events += [*case_events, (Dimension.TECHNOLOGY, registered)]
    else:
        events += [(Dimension.TECHNOLOGY, registered), *case_events]
    events += [(Dimension.TECHNOLOGY, u) for u in updates]
    events += [(Dimension.ENVIRONMENT, u) for u in unsequenced]
    disclosure_id = uuid.UUID(int=rng.getrandbits(128))
    published = PUBLISHED[Dimension.ENVIRONMENT].model_validate(
        {
            "disclosure_id": disclosure_id,
            "uscc": uscc,
            "name": f"某造纸厂{n:04d}",
            "district": "baoan",
            "industry": "paper",
            "violation": "超标排放",
            "order": "限期整改",
            "publicity_from": on,
            "publicity_until": on + timedelta(days=180),
            "effective_on": on,
        }
    )
    withdrawn = WITHDRAWN[Dimension.ENVIRONMENT].model_validate(
        {
            "disclosure_id": disclosure_id,
            "uscc": uscc,
            "reason": "已整改",
            "effective_on": on + timedelta(days=n % 20 + 1),
        }
    )
    if n % 4 == 0:
        events += [(Dimension.ENVIRONMENT, withdrawn), (Dimension.ENVIRONMENT, published)]
    elif n % 4 == 1:
        events += [(Dimension.ENVIRONMENT, published), (Dimension.ENVIRONMENT, withdrawn)]
    else:
        events += [(Dimension.ENVIRONMENT, published)]
    referral = {
        "referral_id": uuid.UUID(int=rng.getrandbits(128)),
        "kind": "electricity_pricing",
        "sender": "technology",
        "receiver": "drc",
        "uscc": uscc,
        "district": "baoan",
        "trigger_event_id": str(uuid.UUID(int=rng.getrandbits(128))),
        "trigger_type": "phaseout.technology.case.opened.v1",
        "due_on": on + timedelta(days=90),
    }
    events.append(
        (
            Dimension.ENERGY,
            RECEIVED[Dimension.ENERGY].model_validate(
                referral | {"state": "received", "effective_on": on + timedelta(days=31)}
            ),
        )
    )
    answer = ACCEPTED if n % 2 else DECLINED
    events.append(
        (
            Dimension.ENERGY,
            answer[Dimension.ENERGY].model_validate(
                referral
                | {
                    "state": "accepted" if n % 2 else "declined",
                    "reason": None if n % 2 else "不属于本机关职责",
                    "effective_on": on + timedelta(days=35),
                }
            ),
        )
    )
    alert = {
        "alert_id": uuid.UUID(int=rng.getrandbits(128)),
        "uscc": uscc,
        "district": "baoan",
        "rule": "W-technology-eliminated" if n % 2 else "D-induction-furnace-intensity",
        "rules_version": "2019.1",
        "basis": "用电达封存前的 40%",
        "period": date(2019, 9, 1),
        "to": ["miit"] if n % 2 else ["miit", "samr"],
        "check_by": date(2019, 10, 16),
        "effective_on": date(2019, 10, 1),
    }
    raised = (WatchAlertRaised if n % 2 else DitiaogangAlertRaised).model_validate(alert)
    events.append((Dimension.TECHNOLOGY, raised))
    if n % 3 != 2:
        closing = {k: alert[k] for k in ("alert_id", "uscc", "district")}
        closing |= {"outcome": "explained", "reason": "办公用电", "effective_on": date(2019, 10, 9)}
        events.append((Dimension.TECHNOLOGY, WatchAlertClosed.model_validate(closing)))
    return events


def corpus(size: int, seed: int = 16) -> list[Parsed]:
    """Events as the consumer parses them from the broker (through `to_kafka`/`from_kafka`),
    with their provenance; one of them delivered twice."""
    rng = random.Random(seed)
    now = datetime(2019, 12, 1, tzinfo=UTC)
    parsed: list[Parsed] = []
    for n in range(size):
        for k, (dimension, payload) in enumerate(_story(rng, n)):
            uscc = str(getattr(payload, "uscc", "") or "")
            envelope = Envelope.of(
                payload,
                source=f"/phaseout/{dimension.value}",
                subject=uscc,
                # Two of the unsequenced corrections share their record time.
                time=now + timedelta(seconds=n * 100 + min(k, 12)),
            )
            key, value, headers = to_kafka(envelope)
            read = from_kafka(key, value, headers)
            topic = f"phaseout.{dimension.value}.events"
            delivery = Delivery(topic, n % 3, len(parsed))
            parsed.append(Parsed(None, read, read.payload(), delivery))  # type: ignore[arg-type]
    parsed.insert(len(parsed) // 2, parsed[5])
    return parsed


async def _databases(test_stack: StackUnderTest, count: int) -> list[Database]:
    names = [f"proj{uuid.uuid4().hex[:8]}" for _ in range(count)]
    urls = await stack.aensure_databases(test_stack.config, names)
    for name in names:
        await asyncio.to_thread(
            migrations.upgrade, urls[name], SPEC.version_locations, SPEC.metadata
        )
    return [Database(urls[name], pool_size=2) for name in names]


async def _rows(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    found = {}
    async with db.sessions() as session:
        for table, key in TABLES.items():
            result = await session.execute(text(f"SELECT * FROM {table} ORDER BY {key}"))
            found[table] = [tuple(r) for r in result]
        result = await session.execute(
            text("SELECT consumer, event_id FROM inbox ORDER BY consumer, event_id")
        )
        found["inbox"] = [tuple(r) for r in result]
    return found


async def _one_by_one(db: Database, events: list[Parsed]) -> None:
    for e in events:
        await apply_once(db.sessions, "aggregator", apply, e.envelope, e.payload, e.delivery)


async def _in_batches(db: Database, events: list[Parsed], rng: random.Random) -> int:
    """As the consumer's batch path: claim a batch's ids, apply the new ones at once."""
    i = batches = 0
    while i < len(events):
        batch = events[i : i + rng.randint(1, 80)]
        i += len(batch)
        batches += 1
        async with db.sessions.begin() as session:
            new = await inbox.claim_many(session, "aggregator", [e.envelope.id for e in batch])
            fresh = []
            for e in batch:
                if e.envelope.id in new:
                    new.discard(e.envelope.id)
                    fresh.append(e)
            await apply_batch(session, fresh)
    return batches


async def test_batches_project_the_same_rows_as_events_one_by_one(
    test_stack: StackUnderTest,
) -> None:
    events = corpus(60)
    reference, batched, whole = await _databases(test_stack, 3)
    try:
        await _one_by_one(reference, events)
        await _in_batches(batched, events, random.Random(7))
        await _in_batches(whole, events, random.Random(8))
        expected = await _rows(reference)
        assert all(expected[t] for t in TABLES), "the corpus fills every table"
        assert any(r[5] is not None for r in expected["disclosures"]), "some withdrawn"
        assert len(expected["timeline"]) == len({e.envelope.id for e in events})
        for got in (await _rows(batched), await _rows(whole)):
            for table in [*TABLES, "inbox"]:
                assert got[table] == expected[table], table
    finally:
        for db in (reference, batched, whole):
            await db.dispose()


def test_a_batch_is_cut_where_an_event_reads_what_an_earlier_one_wrote() -> None:
    events = corpus(1)
    kinds = [".".join(e.envelope.type.split(".")[2:4]) for e in events]
    sizes = [len(s) for s in segments(events)]
    assert sum(sizes) == len(events)
    cuts = {sum(sizes[:k]) for k in range(1, len(sizes))}
    # case.opened (carries its industry), case.sealed (does not), acceptance, then the
    # registration: cut before it, so the sealing reads the register as it was.
    assert kinds[:4] == [
        "case.opened",
        "case.sealed",
        "case.acceptance_passed",
        "enterprise.registered",
    ]
    assert 3 in cuts
    # The withdrawal, then the publication of the same disclosure: cut between them.
    w = kinds.index("disclosure.withdrawn")
    assert kinds[w + 1] == "disclosure.published"
    assert w + 1 in cuts
    assert cuts == {3, w + 1}, "and nowhere else"
