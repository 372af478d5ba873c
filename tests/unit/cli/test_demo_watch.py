"""The demo city's feeds: files the import accepts, a level per enterprise, exits that go dark,
three sealed lines that draw power again and one 地条钢 signature."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from phaseout_cli import demo_watch
from phaseout_cli.demo import DemoEnterprise, enterprises
from phaseout_cli.demo_steps import Story
from phaseout_cli.demo_year import Assignment, plan
from phaseout_technology.watch import feeds
from phaseout_technology.watch.rules import Facts, catalogue, evaluate

SEED = 2019


def _city() -> tuple[list[DemoEnterprise], list[Assignment]]:
    city = list(enterprises(120, SEED))
    return city, [a for a in plan(city, SEED) if a.steps]


def test_the_demo_feeds_are_files_the_import_accepts() -> None:
    city, assignments = _city()
    rows = demo_watch.electricity_rows(city, assignments, SEED)
    parsed = [
        r
        for content in demo_watch.files(demo_watch.ELECTRICITY, rows)
        for r in feeds.parse(feeds.Feed.ELECTRICITY, content, "text/csv")
    ]
    assert len(parsed) == len(rows) == 36 * len(city) + 19
    invoices = feeds.parse(
        feeds.Feed.INVOICES,
        next(demo_watch.files(demo_watch.INVOICES, demo_watch.invoice_rows(SEED))),
        "text/csv",
    )
    assert {i.uscc for i in invoices} == {demo_watch.ditiaogang_uscc(SEED)}


def test_three_sealed_lines_draw_power_again_and_other_exits_stay_dark() -> None:
    city, assignments = _city()
    rows = demo_watch.electricity_rows(city, assignments, SEED)
    kwh: dict[str, dict[date, Decimal]] = defaultdict(dict)
    for r in feeds.parse(
        feeds.Feed.ELECTRICITY, "\n".join([demo_watch.ELECTRICITY, *rows]).encode(), "text/csv"
    ):
        assert isinstance(r, feeds.Reading)
        kwh[r.uscc][r.period] = r.kwh
    sealed = sorted(a.enterprise.uscc for a in assignments if a.story is Story.TECH_SEALED)
    assert len(sealed) > demo_watch.REVIVED
    for uscc in sealed[: demo_watch.REVIVED]:
        assert kwh[uscc][date(2020, 6, 1)] * 3 > kwh[uscc][date(2018, 6, 1)]
    for uscc in sealed[demo_watch.REVIVED :]:
        assert kwh[uscc][date(2020, 6, 1)] * 50 < kwh[uscc][date(2018, 6, 1)]


def test_the_ditiaogang_enterprise_shows_the_signature() -> None:
    steel = demo_watch.ditiaogang_uscc(SEED)
    city, assignments = _city()
    power = {
        r.period: r.kwh
        for r in feeds.parse(
            feeds.Feed.ELECTRICITY,
            "\n".join(
                [demo_watch.ELECTRICITY, *demo_watch.electricity_rows(city, assignments, SEED)]
            ).encode(),
            "text/csv",
        )
        if isinstance(r, feeds.Reading) and r.uscc == steel
    }
    tonnes = {(p, "steel_rebar"): Decimal(1000) for p in power}
    found = evaluate(catalogue(), Facts(steel, kwh=power, tonnes=tonnes))
    assert found and found[0].rule.id == "D-induction-furnace-intensity"
