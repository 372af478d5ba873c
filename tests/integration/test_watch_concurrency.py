"""The revival watch's two sides meeting in flight: the readings that break an order and the
order they break arrive by different paths (a feed import, the agencies' topics), each in its
own transaction. Whichever commits second must see the first and raise the alert; neither may
decide on a snapshot that misses the other.

On a fresh technology database on the real PostgreSQL: an import of a new enterprise's readings
at an exited mill's address is held open while the mill's closure order is applied by the watch's
consumer, then the import commits; and the other way round. One alert either way.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest
from conftest import StackUnderTest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from support import make_uscc

from phaseout_cli import stack
from phaseout_shared import inbox, migrations, outbox
from phaseout_shared.consumer import Delivery
from phaseout_shared.contracts.environment import ClosureOrdered
from phaseout_shared.db import Database
from phaseout_shared.envelope import Envelope
from phaseout_shared.outbox import Outbox, topic_of
from phaseout_technology.main import SPEC
from phaseout_technology.watch import feeds, orders, store
from phaseout_technology.watch.tables import alerts

pytestmark = pytest.mark.integration
NOW = datetime(2019, 9, 2, 3, tzinfo=UTC)
ADDRESS = "深圳市坪山区某工业园3栋"
rng = random.Random(2019_0902)


async def _fresh(test_stack: StackUnderTest) -> Database:
    name = f"watch{uuid.uuid4().hex[:8]}"
    urls = await stack.aensure_databases(test_stack.config, [name])
    await asyncio.to_thread(migrations.upgrade, urls[name], SPEC.version_locations, SPEC.metadata)
    return Database(urls[name], pool_size=2)


def _readings(old: str, new: str) -> bytes:
    rows = [f"{old},GD-OLD,{ADDRESS},pingshan,2018-{m:02d},80000,160" for m in range(4, 13)] + [
        f"{new},GD-NEW,{ADDRESS},pingshan,2019-{m:02d},45000,100" for m in (6, 7)
    ]
    return ("uscc,account,address,district,period,kwh,max_demand_kw\n" + "\n".join(rows)).encode()


def _closure(old: str) -> tuple[Envelope, ClosureOrdered]:
    payload = ClosureOrdered.model_validate(
        {
            "uscc": old,
            "district": "pingshan",
            "industry": "paper",
            "case_id": str(uuid.uuid4()),
            "state": "closed",
            "deadline": None,
            "government": "坪山区人民政府",
            "scope": "enterprise",
            "item": "造纸生产线",
            "capacity_amount": "30000",
            "capacity_unit": "t/a",
            "rule": "E-closure",
            "catalogue_version": "2019.1",
            "order": "close",
            "approved_by": "坪山区人民政府",
            "approved_on": "2019-02-20",
            "effective_on": "2019-03-01",
        }
    )
    envelope = Envelope.of(payload, source="/phaseout/environment", subject=old, time=NOW)
    return envelope, payload


class _Meeting:
    """The two transactions of one meeting: an import of the readings, and the watch applying
    the order; `first` is held open while the other runs as far as it can."""

    def __init__(self, db: Database) -> None:
        self.db = db
        old, self.new = make_uscc(rng), make_uscc(rng)
        self.content = _readings(old, self.new)
        self.rows = feeds.parse(feeds.Feed.ELECTRICITY, self.content, "text/csv")
        self.box = Outbox(topic=topic_of("technology"), source="/phaseout/technology")
        self.watch = orders.consumer()
        self.envelope, self.payload = _closure(old)

    async def importing(self, session: AsyncSession) -> None:
        await store.load(
            session, feeds.Feed.ELECTRICITY, self.rows, self.content, now=NOW, outbox=self.box
        )

    async def ordering(self, session: AsyncSession) -> None:
        assert await inbox.claim(session, self.watch.name, self.envelope.id)
        delivery = Delivery("phaseout.environment.events", 0, 1, clock=lambda: NOW)
        await self.watch.handler(session, self.envelope, self.payload, delivery)

    async def alone(self, step: Callable[[AsyncSession], Awaitable[None]]) -> None:
        async with self.db.sessions.begin() as session:
            await step(session)
            await outbox.flush(session)


@pytest.mark.parametrize("held_open", ["import", "order"])
async def test_readings_and_the_order_they_break_committed_together_raise_one_alert(
    test_stack: StackUnderTest, held_open: str
) -> None:
    db = await _fresh(test_stack)
    meeting = _Meeting(db)
    first, second = (meeting.importing, meeting.ordering)[:: 1 if held_open == "import" else -1]
    try:
        async with db.sessions.begin() as session:
            await first(session)
            await outbox.flush(session)
            other = asyncio.create_task(meeting.alone(second))
            await asyncio.sleep(1.0)  # the other transaction runs while this one is open
        await asyncio.wait_for(other, 30)
        async with db.sessions() as session:
            raised = (await session.execute(select(alerts.c.uscc, alerts.c.doc))).all()
        assert [(uscc, doc["rule"]) for uscc, doc in raised] == [
            (meeting.new, "W-new-code-at-address")
        ]
    finally:
        await db.dispose()
