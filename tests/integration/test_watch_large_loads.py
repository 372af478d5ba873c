"""A load of more than `store.SMALL` readings goes through a temporary table, and the rules take
its readings from memory (`store.Loaded`) and read only the others from the database. Run in
the test itself against a fresh technology database, so that the order the readings break is
known before they are loaded (over the platform, the watch learns it from a topic)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from conftest import StackUnderTest
from sqlalchemy import select
from support import make_uscc
from test_watch_concurrency import _closure, _fresh

from phaseout_shared import inbox, outbox
from phaseout_shared.consumer import Delivery
from phaseout_shared.outbox import Outbox, topic_of
from phaseout_technology.watch import feeds, orders, store
from phaseout_technology.watch.tables import alerts

pytestmark = pytest.mark.integration
NOW = datetime(2019, 9, 2, 3, tzinfo=UTC)
HEADER = "uscc,account,address,district,period,kwh,max_demand_kw"
rng = random.Random(2019_0903)


async def test_a_large_load_adds_its_readings_to_those_stored_before_the_rules_run(
    test_stack: StackUnderTest,
) -> None:
    """A closed mill's baseline is stored; then a file of thousands of readings brings two of
    its accounts' readings for May 2019 at 15 % of the baseline each: neither alone breaks the
    closure (the rule allows 20 %), the two together (30 %) do."""
    db = await _fresh(test_stack)
    box = Outbox(topic=topic_of("technology"), source="/phaseout/technology")
    mill = make_uscc(rng)
    envelope, payload = _closure(mill)  # closed from 2019-03-01, watched from May
    watch = orders.consumer()

    async def load(lines: list[str]) -> store.ImportReport:
        content = ("\n".join([HEADER, *lines]) + "\n").encode()
        rows = feeds.parse(feeds.Feed.ELECTRICITY, content, "text/csv")
        async with db.sessions.begin() as session:
            report = await store.load(
                session, feeds.Feed.ELECTRICITY, rows, content, now=NOW, outbox=box
            )
            await outbox.flush(session)
        return report

    try:
        async with db.sessions.begin() as session:
            assert await inbox.claim(session, watch.name, envelope.id)
            delivery = Delivery("phaseout.environment.events", 0, 1, clock=lambda: NOW)
            await watch.handler(session, envelope, payload, delivery)
            await outbox.flush(session)
        baseline = [
            f"{mill},GD-A,深圳市坪山区某路9号,pingshan,{y}-{m:02d},100000,200"
            for y, m in [(2018, m) for m in range(3, 13)] + [(2019, 1), (2019, 2)]
        ]
        assert (await load(baseline)).alerts_raised == []

        others = [(make_uscc(rng), f"GD-P-{n:05d}") for n in range(store.SMALL // 12 + 10)]
        lines = [
            f"{code},{account},深圳市坪山区某园P{n}栋,pingshan,2019-{m:02d},{3_000 + n},6"
            for n, (code, account) in enumerate(others)
            for m in range(1, 13)
        ]
        lines += [
            f"{mill},GD-A,深圳市坪山区某路9号,pingshan,2019-05,15000,30",
            f"{mill},GD-B,深圳市坪山区某路9号B栋,pingshan,2019-05,15000,30",
        ]
        assert len(lines) > store.SMALL
        report = await load(lines)
        assert report.new == len(lines)
        async with db.sessions() as session:
            raised = (await session.execute(select(alerts.c.id, alerts.c.doc))).all()
        assert [(str(id_), doc["uscc"], doc["rule"], doc["period"]) for id_, doc in raised] == [
            (report.alerts_raised[0], mill, "W-closure", "2019-05-01")
        ]
        assert "30%" in raised[0].doc["basis"]
    finally:
        await db.dispose()
