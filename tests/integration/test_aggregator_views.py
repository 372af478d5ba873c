"""The aggregator's views on the real broker and database, fed by the agency services' own
code: the enterprise as of a date, the exit list and its exports read back, district progress,
late events, and who may see what."""

from __future__ import annotations

import csv
import io
import json
import random
from typing import Any

import pytest
from conftest import Platform
from openpyxl import load_workbook
from support import eventually, make_uscc

pytestmark = pytest.mark.integration
rng = random.Random(1115)
SEALED = dict.fromkeys(
    ("water_cut", "power_cut", "power_units_removed", "main_equipment_sealed", "public_commitment"),
    True,
)


async def register(platform: Platform, service: str, agency: str, uscc: str, **over: Any) -> None:
    body = {
        "uscc": uscc,
        "name": "深圳市某陶瓷有限公司",
        "district": "guangming",
        "industry": "ceramics",
        "effective_on": "2019-04-01",
        **over,
    }
    r = await platform.clients[service].post(
        "/v1/enterprises", json=body, headers=platform.stack.headers(agency)
    )
    assert r.status_code == 201, r.text


async def exited_kiln(platform: Platform, district: str = "guangming") -> tuple[str, str]:
    """A ceramics works whose earth kiln is found (2019-05-06), sealed and accepted (2019-06-20)."""
    uscc = make_uscc(rng)
    await register(platform, "technology", "miit", uscc, district=district)
    tech, h = platform.clients["technology"], platform.stack.headers("miit")
    r = await tech.post(
        f"/v1/enterprises/{uscc}/items",
        headers=h,
        json={
            "item_id": "K-1",
            "equipment": {"kind": "kiln", "type": "earth"},
            "capacity_amount": "800000",
            "capacity_unit": "m²/a",
            "effective_on": "2019-05-06",
        },
    )
    assert r.status_code == 201, r.text
    case_id = r.json()["case_id"]
    r = await tech.post(
        f"/v1/cases/{case_id}/sealing",
        headers=h,
        json={"measures": SEALED, "effective_on": "2019-06-01"},
    )
    assert r.status_code == 200, r.text
    r = await tech.post(
        f"/v1/cases/{case_id}/acceptance",
        headers=h,
        json={"passed": True, "effective_on": "2019-06-20"},
    )
    assert r.status_code == 200, r.text
    await eventually(lambda: _with_exit(platform, uscc))
    return uscc, case_id


async def _with_exit(platform: Platform, uscc: str) -> dict[str, Any] | None:
    r = await platform.clients["aggregator"].get(
        f"/v1/enterprises/{uscc}", headers=platform.stack.headers("miit")
    )
    body = r.json() if r.status_code == 200 else None
    return body if body and body["exits"] else None


async def view(platform: Platform, uscc: str, as_of: str, **headers: str) -> Any:
    h = platform.stack.headers(**headers) if headers else platform.stack.headers("miit")
    return await platform.clients["aggregator"].get(
        f"/v1/enterprises/{uscc}", params={"as_of": as_of}, headers=h
    )


async def test_the_enterprise_as_of_dates_along_the_way(platform: Platform) -> None:
    uscc, case_id = await exited_kiln(platform)
    before = await view(platform, uscc, "2019-04-30")
    assert before.status_code == 200
    assert before.json()["cases"] == [] and before.json()["exit_status"] == "none"
    found = (await view(platform, uscc, "2019-05-20")).json()
    tech = next(d for d in found["dimensions"] if d["dimension"] == "technology")
    assert tech["state"] == "open" and [c["case_id"] for c in tech["open_cases"]] == [case_id]
    sealed = (await view(platform, uscc, "2019-06-10")).json()
    assert sealed["cases"][0]["state"] == "sealed" and sealed["exits"] == []
    after = (await view(platform, uscc, "2019-07-01")).json()
    assert after["exit_status"] == "exited"
    assert after["exits"][0]["exited_on"] == "2019-06-20" and after["cases"][0]["state"] == "exited"
    assert [e["type"].split(".")[2:4] for e in after["timeline"]][:2] == [
        ["enterprise", "registered"],
        ["equipment", "surveyed"],
    ]
    provenance = next(
        e for e in after["timeline"] if e["type"] == "phaseout.technology.case.acceptance_passed.v1"
    )
    assert (
        provenance["topic"] == "phaseout.technology.events"
        and provenance["source"] == "/phaseout/technology"
    )
    assert (await view(platform, uscc, "2019-03-01")).status_code == 404


async def test_a_late_correction_takes_its_place_in_history(platform: Platform) -> None:
    uscc = make_uscc(rng)
    await register(platform, "energy", "miit", uscc, name="新名称", effective_on="2019-06-01")
    energy = platform.clients["energy"]
    late = {
        "name": "旧名称",
        "district": "guangming",
        "industry": "ceramics",
        "effective_on": "2019-03-01",
    }
    assert (
        await energy.put(
            f"/v1/enterprises/{uscc}", json=late, headers=platform.stack.headers("miit")
        )
    ).status_code == 200

    async def both_applied() -> Any:
        body = (await view(platform, uscc, "2019-12-31")).json()
        return (
            body
            if len([e for e in body.get("timeline", []) if "enterprise" in e["type"]]) == 2
            else None
        )

    now = await eventually(both_applied)
    assert now["name"] == "新名称", "an older effective date must not overwrite newer facts"
    assert (await view(platform, uscc, "2019-04-01")).json()["name"] == "旧名称"


async def test_exit_list_exports_read_back(platform: Platform) -> None:
    uscc, _ = await exited_kiln(platform, district="dapeng")
    agg, h = platform.clients["aggregator"], platform.stack.headers("miit")
    params = {"year": 2019, "district": "dapeng", "industry": "ceramics"}

    async def named() -> Any:
        """The list once the technology catalogue's names have reached the aggregator."""
        body = (await agg.get("/v1/exits", params=params, headers=h)).json()
        row = next(r for r in body["rows"] if r["uscc"] == uscc)
        return body if row["item_name"]["zh"] != "kiln" else None

    listed = await eventually(named)
    row = next(r for r in listed["rows"] if r["uscc"] == uscc)
    assert (row["item"], row["capacity_unit"], row["exited_on"]) == ("kiln", "m²/a", "2019-06-20")
    assert row["opened_on"] == "2019-05-06", "the case opened when the kiln was found"
    assert "T5-ceramics" in row["legal_basis"], "the rule's id kept as provenance"
    assert row["item_name"] == {
        "zh": "建筑卫生陶瓷窑炉",
        "en": "building or sanitary ceramics kiln",
    }
    assert row["unit_name"] == {"zh": "平方米/年", "en": "square metres a year"}
    assert row["status_name"] == {"zh": "已退出", "en": "Exited"}
    assert "《行动计划》表 5 第" in row["basis"]["zh"] and "目录 2019.1 版" in row["basis"]["zh"]
    assert "T5-" not in row["basis"]["zh"] + row["basis"]["en"], "the plan's words, not the id"
    status = (await agg.get(f"/v1/enterprises/{uscc}", headers=h)).json()
    (seen,) = status["exits"]
    assert (seen["item_name"], seen["basis"]) == (row["item_name"], row["basis"]), "the same names"
    total = next(
        t for t in listed["totals"] if t["industry"] == "ceramics" and t["capacity_unit"] == "m²/a"
    )
    counted = [
        r for r in listed["rows"] if (r["industry"], r["capacity_unit"]) == ("ceramics", "m²/a")
    ]
    assert total["items"] == len(counted)
    assert float(total["capacity_amount"]) == sum(float(r["capacity_amount"]) for r in counted)

    r = await agg.get("/v1/exits", params={**params, "format": "xlsx"}, headers=h)
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(r.content))
    sheet = book["退出清单"]
    assert sheet["A1"].value == "依法关闭退出的落后产能企业清单"
    assert sheet["A2"].value == "范围：大鹏新区、陶瓷、2019 年    截至：" + listed["as_of"]
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref.startswith("A3:M")
    headings = [c.value for c in sheet[3]]
    assert headings[:4] == ["序号", "所在区", "企业名称", "统一社会信用代码"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=4)]
    mine = next(r for r in rows if r[3] == uscc)
    assert mine[1] == "大鹏新区" and mine[4] == "陶瓷" and mine[5] == "建筑卫生陶瓷窑炉"
    assert mine[6] == 800000 and mine[7] == "平方米/年" and mine[11] == "已退出"
    assert mine[12] == "市工业和信息化局"
    widths = {k: d.width for k, d in sheet.column_dimensions.items()}
    assert widths["C"] >= 30 and widths["I"] >= 50 and widths["A"] < 10, widths
    (line,) = [r for r in sheet.iter_rows(min_row=4) if r[3].value == uscc]
    assert line[6].data_type == "n" and line[6].number_format == "#,##0.####"
    assert line[10].is_date and line[10].number_format == "yyyy-mm-dd"
    assert line[3].number_format == "@", "the USCC kept as text"
    assert book["合计"]["A4"].value == "陶瓷"

    r = await agg.get("/v1/exits", params={**params, "format": "csv", "lang": "en"}, headers=h)
    assert r.content.startswith(b"\xef\xbb\xbf"), "a BOM in English too"
    table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert table[0][:4] == ["No.", "District", "Enterprise", "Unified social credit code"]
    assert any(line[3] == uscc and line[1] == "Dapeng New District" for line in table[1:])

    assert (
        await agg.get("/v1/exits", params={"year": 2018, "district": "dapeng"}, headers=h)
    ).json()["rows"] == []


async def test_the_exit_list_by_pages(platform: Platform) -> None:
    """A page of the list is its slice of the whole list, in the list's order; the totals and
    the count are always the whole list's; an export is never a page."""
    kilns = {(await exited_kiln(platform, district="shenshan"))[0] for _ in range(3)}
    agg, h = platform.clients["aggregator"], platform.stack.headers("miit")
    params = {"year": 2019, "district": "shenshan", "industry": "ceramics"}
    whole = (await agg.get("/v1/exits", params=params, headers=h)).json()
    assert kilns <= {r["uscc"] for r in whole["rows"]} and whole["limit"] is None
    assert whole["total"] == len(whole["rows"]) >= 3
    pages, offset = [], 0
    while offset < whole["total"]:
        r = await agg.get("/v1/exits", params={**params, "limit": 2, "offset": offset}, headers=h)
        assert r.status_code == 200, r.text
        page = r.json()
        assert (page["total"], page["totals"]) == (whole["total"], whole["totals"])
        assert (page["limit"], page["offset"]) == (2, offset) and 0 < len(page["rows"]) <= 2
        pages += page["rows"]
        offset += 2
    assert pages == whole["rows"], "the pages, one after the other, are the whole list"
    beyond = await agg.get("/v1/exits", params={**params, "offset": offset}, headers=h)
    assert beyond.json()["rows"] == [] and beyond.json()["total"] == whole["total"]
    r = await agg.get("/v1/exits", params={**params, "format": "xlsx", "limit": 2}, headers=h)
    assert r.status_code == 422 and "limit" in r.text, r.text
    r = await agg.get("/v1/exits", params={**params, "limit": 0}, headers=h)
    assert r.status_code == 422 and "limit" in r.text, r.text


async def test_district_progress_counts_and_the_rule(platform: Platform) -> None:
    await exited_kiln(platform, district="yantian")
    agg, h = platform.clients["aggregator"], platform.stack.headers("miit")
    progress = (
        await agg.get("/v1/districts/progress", params={"as_of": "2019-12-31"}, headers=h)
    ).json()
    assert len(progress) == 11
    yantian = next(p for p in progress if p["district"] == "yantian")
    tech = yantian["by_dimension"]["technology"]
    assert tech["registered"] >= 1 and tech["inspected"] >= 1 and tech["exited"] >= 1
    rule = {"circular_overdue_share": "0.1", "talk_overdue_share": "0.05", "min_cases": 1}
    r = await agg.put("/v1/oversight-rule", json=rule, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["reason"].endswith(
        "at least circular_overdue_share"
    )
    r = await agg.put(
        "/v1/oversight-rule",
        json={**rule, "talk_overdue_share": "0.5"},
        headers=platform.stack.headers("drc"),
    )
    assert r.status_code == 403


async def _progress_of(platform: Platform, district: str, as_of: str, agency: str) -> Any:
    r = await platform.clients["aggregator"].get(
        "/v1/districts/progress",
        params={"as_of": as_of},
        headers=platform.stack.headers(agency),
    )
    assert r.status_code == 200, r.text
    return next(p for p in r.json() if p["district"] == district)


def _registered_and_inspected(progress: Any) -> dict[str, tuple[int, int]]:
    figures = {"": (progress["totals"]["registered"], progress["totals"]["inspected"])}
    for dim, counts in progress["by_dimension"].items():
        figures[dim] = (counts["registered"], counts["inspected"])
    return figures


def _added(after: dict[str, tuple[int, int]], before: dict[str, tuple[int, int]]) -> Any:
    return {
        k: (a[0] - before.get(k, (0, 0))[0], a[1] - before.get(k, (0, 0))[1])
        for k, a in after.items()
        if a != before.get(k, (0, 0))
    }


async def test_district_progress_counts_an_enterprise_once_and_as_the_caller_sees(
    platform: Platform,
) -> None:
    """An enterprise on two registers is two registrations of its dimensions and one
    enterprise of its district, counted from the day its facts hold; its equipment found by
    miit makes it inspected in technology and in the district, which the water bureau (energy
    only) does not see, and environment's officers see none of it. The figures of the day
    before and of the day, read at the same moment, differ by this enterprise alone (no other
    test dates anything on this day)."""
    uscc, day, before = make_uscc(rng), "2018-03-07", "2018-03-06"
    for service, agency in (("energy", "miit"), ("technology", "miit")):
        await register(platform, service, agency, uscc, district="pingshan", effective_on=day)
    r = await platform.clients["technology"].post(
        f"/v1/enterprises/{uscc}/items",
        headers=platform.stack.headers("miit"),
        json={
            "item_id": "K-P",
            "equipment": {"kind": "kiln", "type": "earth"},
            "capacity_amount": "500000",
            "capacity_unit": "m²/a",
            "effective_on": day,
        },
    )
    assert r.status_code == 201, r.text

    async def seen() -> Any:
        v = await view(platform, uscc, day)
        body = v.json() if v.status_code == 200 else {}
        agencies = {a["dimension"] for a in body.get("agencies", [])}
        return body if agencies == {"energy", "technology"} and body.get("cases") else None

    await eventually(seen)
    for agency, expected in (
        ("miit", {"": (1, 1), "energy": (1, 0), "technology": (1, 1)}),
        ("water", {"": (1, 0), "energy": (1, 0)}),
        ("mee", {}),
    ):
        on_the_day = await _progress_of(platform, "pingshan", day, agency)
        the_day_before = await _progress_of(platform, "pingshan", before, agency)
        added = _added(
            _registered_and_inspected(on_the_day), _registered_and_inspected(the_day_before)
        )
        assert added == expected, (agency, added)


@pytest.mark.parametrize(
    ("who", "status", "dimensions"),
    [
        ({"agency": "miit"}, 200, 5),
        ({"agency": "mee"}, 200, 1),
        ({"agency": "drc"}, 200, 2),
        ({"agency": "miit", "jurisdiction": "shenshan"}, 200, 2),
        ({"agency": "miit", "jurisdiction": "futian"}, 403, 0),
        ({"agency": None, "jurisdiction": "shenshan"}, 200, 5),
        ({"agency": None, "jurisdiction": "luohu"}, 403, 0),
    ],
)
async def test_who_sees_what(
    platform: Platform, who: dict[str, Any], status: int, dimensions: int
) -> None:
    uscc = make_uscc(rng)
    await register(platform, "technology", "miit", uscc, district="shenshan")
    await register(platform, "environment", "mee", uscc, district="shenshan")
    await eventually(lambda: _seen_by_both(platform, uscc))
    r = await view(platform, uscc, "2019-12-31", **who)
    assert r.status_code == status, r.text
    if status == 200:
        assert len(r.json()["dimensions"]) == dimensions
        if dimensions == 1:
            assert {e["dimension"] for e in r.json()["timeline"]} == {"environment"}


async def _seen_by_both(platform: Platform, uscc: str) -> bool | None:
    r = await view(platform, uscc, "2019-12-31")
    return True if r.status_code == 200 and len(r.json()["supervised_by"]) == 2 else None


async def test_no_token_no_view(platform: Platform) -> None:
    assert (await platform.clients["aggregator"].get("/v1/exits")).status_code == 401
    assert (await platform.clients["aggregator"].get("/v1/districts/progress")).status_code == 401


async def test_a_district_officer_cannot_list_another_district(platform: Platform) -> None:
    r = await platform.clients["aggregator"].get(
        "/v1/exits", params={"district": "futian"}, headers=platform.stack.headers("mee", "nanshan")
    )
    assert r.status_code == 403 and r.json()["detail"][0]["field"] == "district"


async def test_rebuilt_from_the_topics_equals_the_live_state(platform: Platform) -> None:
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import create_async_engine

    from phaseout_aggregator.adapters.tables import case_events, exit_events, identity, timeline
    from phaseout_aggregator.rebuild import rebuild

    await exited_kiln(platform, district="futian")
    tables = (identity, timeline, case_events, exit_events)

    async def snapshot(engine: Any) -> list[set[tuple[Any, ...]]]:
        async with engine.connect() as conn:
            return [
                {_hashable(row) for row in (await conn.execute(select(t))).tuples()} for t in tables
            ]

    url = platform.stack.urls["rebuild"]
    applied = await rebuild(platform.stack.kafka, url)
    assert applied > 0
    rebuilt = create_async_engine(url)
    try:
        fresh = await snapshot(rebuilt)

        async def caught_up() -> list[set[tuple[Any, ...]]] | None:
            live = await snapshot(platform.apps["aggregator"].state.db.engine)
            return live if len(live[1]) >= len(fresh[1]) else None

        live = await eventually(caught_up)
        for name, mine, theirs in zip(
            ("identity", "timeline", "case_events", "exit_events"), fresh, live, strict=True
        ):
            assert mine == theirs, f"{name} differs after a rebuild"
        assert len(fresh[1]) >= applied
    finally:
        await rebuilt.dispose()


def _hashable(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(json.dumps(v, sort_keys=True) if isinstance(v, dict) else v for v in row)


async def test_submissions_come_in_and_late_ones_show(platform: Platform) -> None:
    # 2024: a year of its own, untouched by the demo city's 2019 reports on the shared stack.
    agg = platform.clients["aggregator"]
    government = platform.stack.headers(None, "longhua")
    r = await agg.post(
        "/v1/submissions",
        json={"year": 2024, "kind": "annual", "submitted_on": "2025-01-04"},
        headers=government,
    )
    assert r.status_code == 201 and r.json()["status"] == "in_late"
    again = await agg.post(
        "/v1/submissions",
        json={"year": 2024, "kind": "annual", "submitted_on": "2025-01-05"},
        headers=government,
    )
    assert again.status_code == 409
    wrong = await agg.post(
        "/v1/submissions",
        json={"year": 2024, "kind": "city_report", "submitted_on": "2025-01-05"},
        headers=government,
    )
    assert wrong.status_code == 403 and wrong.json()["detail"][0]["field"] == "kind"
    cal = (
        await agg.get(
            "/v1/calendar",
            params={"year": 2024, "as_of": "2025-01-10"},
            headers=platform.stack.headers("miit"),
        )
    ).json()
    by = {(e["kind"], e["submitter"]): e for e in cal}
    assert by[("annual", "longhua")]["status"] == "in_late"
    assert by[("annual", "luohu")]["status"] == "overdue"
    assert by[("city_report", "miit")]["status"] == "pending"


async def test_public_sees_disclosures_inside_their_window_only(platform: Platform) -> None:
    uscc = make_uscc(rng)
    await register(platform, "safety", "mem", uscc, district="pingshan")
    safety, h = platform.clients["safety"], platform.stack.headers("mem", "pingshan")
    body = {
        "uscc": uscc,
        "violation": "安全条件不符合国家标准",
        "order": "责令停产停业整顿",
        "publicity_from": "2019-07-01",
        "publicity_until": "2019-12-31",
        "effective_on": "2019-07-01",
    }
    r = await safety.post(
        "/v1/disclosures", json={**body, "publicity_until": "2019-06-01"}, headers=h
    )
    assert r.status_code == 422
    r = await safety.post(
        "/v1/disclosures", json=body, headers=platform.stack.headers("mem", "futian")
    )
    assert r.status_code == 403
    r = await safety.post("/v1/disclosures", json=body, headers=h)
    assert r.status_code == 201, r.text
    disclosure_id = r.json()["published"]["disclosure_id"]
    public = platform.clients["aggregator"]

    async def listed(as_of: str) -> bool:
        r = await public.get("/v1/public/disclosures", params={"as_of": as_of})
        assert r.status_code == 200
        return uscc in {d["uscc"] for d in r.json()}

    await eventually(lambda: _true_or_none(listed("2019-08-01")))
    assert not await listed("2019-06-30") and not await listed("2020-01-01")
    r = await safety.post(
        f"/v1/disclosures/{disclosure_id}/withdrawal",
        json={"reason": "误发", "effective_on": "2019-09-01"},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["state"] == "withdrawn"

    async def gone() -> bool | None:
        return True if not await listed("2019-10-01") else None

    await eventually(gone)
    assert await listed("2019-08-15"), "as of a day before the withdrawal it was public"
    entry = next(
        d
        for d in (await public.get("/v1/public/disclosures", params={"as_of": "2019-08-15"})).json()
        if d["uscc"] == uscc
    )
    assert set(entry) == {
        "uscc",
        "name",
        "district",
        "industry",
        "dimension",
        "violation",
        "order",
        "publicity_from",
        "publicity_until",
    }


async def _true_or_none(found: Any) -> bool | None:
    return True if await found else None


async def test_the_public_reads_nothing_else(platform: Platform) -> None:
    agg = platform.clients["aggregator"]
    for path in (
        "/v1/exits",
        "/v1/cases",
        "/v1/overdue",
        "/v1/calendar",
        f"/v1/enterprises/{make_uscc(rng)}",
    ):
        assert (await agg.get(path)).status_code == 401, path


async def test_annual_report_and_the_consolidated_registers(platform: Platform) -> None:
    uscc, _ = await exited_kiln(platform, district="luohu")
    agg, h = platform.clients["aggregator"], platform.stack.headers("miit")
    report = (await agg.get("/v1/reports/annual", params={"year": 2019}, headers=h)).json()
    assert report["as_of"] == "2019-12-31"
    assert uscc in {r["uscc"] for r in report["exits"]["rows"]}
    luohu = next(p for p in report["summary"] if p["district"] == "luohu")
    assert luohu["totals"]["exited"] >= 1
    r = await agg.get("/v1/reports/annual", params={"year": 2019, "format": "xlsx"}, headers=h)
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames[:2] == ["年度总结", "退出清单"] and "信息公开" in book.sheetnames
    summary = [[c.value for c in row] for row in book["年度总结"].iter_rows(min_row=4)]
    assert any(row[0] == "罗湖区" and row[5] >= 1 for row in summary)
    assert book["年度总结"]["A1"].value == "2019 年度落后产能退出工作总结"
    r = await agg.get(
        "/v1/reports/annual", params={"year": 2019, "format": "csv", "lang": "en"}, headers=h
    )
    assert r.text.startswith("\ufeffDistrict,Enterprises registered,Enterprises inspected")
    assert uscc in r.text
    registers = (await agg.get("/v1/registers", params={"district": "luohu"}, headers=h)).json()
    assert {"uscc": uscc, "supervised_by": ["technology"]}.items() <= next(
        r for r in registers if r["uscc"] == uscc
    ).items()


async def test_overdue_work_across_agencies_as_of_a_day(platform: Platform) -> None:
    from test_energy_service import opened_case

    uscc, case_id = await opened_case(platform)
    agg, h = platform.clients["aggregator"], platform.stack.headers("miit")

    async def listed(as_of: str) -> set[str]:
        r = await agg.get("/v1/overdue", params={"as_of": as_of}, headers=h)
        assert r.status_code == 200
        return {c["case_id"] for c in r.json()}

    async def projected() -> bool | None:
        r = await agg.get("/v1/cases", params={"uscc": uscc, "as_of": "2019-12-31"}, headers=h)
        return True if r.json() else None

    await eventually(projected)
    assert case_id not in await listed("2020-02-29"), "due on 2020-02-29: not yet overdue that day"
    assert case_id in await listed("2020-03-01")
    assert case_id not in await listed("2019-08-30"), "before the inspection there was no case"
    status = (await view(platform, uscc, "2020-03-01")).json()
    energy = next(d for d in status["dimensions"] if d["dimension"] == "energy")
    assert energy["state"] == "overdue" and energy["next_deadline"] == "2020-02-29"
    h_mee = platform.stack.headers("mee")
    assert case_id not in {
        c["case_id"]
        for c in (
            await agg.get("/v1/overdue", params={"as_of": "2020-03-01"}, headers=h_mee)
        ).json()
    }
