"""The revival watch on the real stack: feeds loaded through the technology service's API, the
orders it learns from the agencies' topics, the alerts it raises and how they are closed.

A sealed cement mill whose account draws 40 % of its pre-order consumption two months after the
order raises an alert; miit confirms the revival on site and the city's exit list shows the
capacity revived from that date. An enterprise invoicing rebar at induction furnace power levels
without a steel licence raises a 地条钢 alert to miit and samr. A malformed row is reported by line
and column and nothing of its file loads; the same file twice changes nothing; raw figures are
read only by miit's and samr's city officers and the district's government.
"""

from __future__ import annotations

import io
import random
from functools import partial
from typing import Any

import pytest
from conftest import Platform
from support import eventually, make_uscc

from phaseout_technology.watch import store

pytestmark = pytest.mark.integration
rng = random.Random(2019_11)
SEALED = dict.fromkeys(
    ("water_cut", "power_cut", "power_units_removed", "main_equipment_sealed", "public_commitment"),
    True,
)
HEADER = "uscc,account,address,district,period,kwh,max_demand_kw"
MONTHS_2018_19 = [f"{y}-{m:02d}" for y in (2018, 2019) for m in range(1, 13)]


def electricity(uscc: str, account: str, district: str, kwh: dict[str, int]) -> str:
    rows = [
        f"{uscc},{account},深圳市{district}某路1号,{district},{period},{amount},{amount // 500}"
        for period, amount in kwh.items()
    ]
    return "\n".join([HEADER, *rows]) + "\n"


async def load(
    platform: Platform, feed: str, body: bytes | str, content_type: str = "text/csv"
) -> Any:
    content = body.encode() if isinstance(body, str) else body
    return await platform.clients["technology"].post(
        f"/v1/watch/feeds/{feed}/imports",
        content=content,
        headers={**platform.stack.headers("miit"), "Content-Type": content_type},
    )


async def alerts_of(platform: Platform, uscc: str, agency: str | None = "miit") -> list[Any]:
    r = await platform.clients["technology"].get(
        "/v1/watch/alerts", params={"uscc": uscc}, headers=platform.stack.headers(agency)
    )
    assert r.status_code == 200, r.text
    items: list[Any] = r.json()["items"]
    return items


async def readings_of(platform: Platform, uscc: str, headers: dict[str, str]) -> Any:
    return await platform.clients["technology"].get(
        "/v1/watch/readings", params={"uscc": uscc}, headers=headers
    )


async def exit_row(
    platform: Platform, uscc: str, district: str, as_of: str, year: int | None = None
) -> Any:
    """The enterprise's row on the city's exit list as of a day (of the exits of `year`), if
    any."""
    params: dict[str, str | int] = {"as_of": as_of, "district": district}
    if year is not None:
        params["year"] = year
    r = await platform.clients["aggregator"].get(
        "/v1/exits", params=params, headers=platform.stack.headers("miit")
    )
    rows = [x for x in r.json()["rows"] if x["uscc"] == uscc]
    return rows[0] if rows else None


async def revived_exit(platform: Platform, uscc: str, district: str) -> Any:
    """Its row at the end of 2019 once the list shows it revived, else None."""
    row = await exit_row(platform, uscc, district, "2019-12-31")
    return row if row and row["status"] == "revived" else None


async def sealed_mill(platform: Platform, district: str) -> tuple[str, str]:
    """A cement mill surveyed, sealed on 2019-05-10 and accepted as exited on 2019-05-20 by
    miit: its code and the elimination case's path."""
    uscc = make_uscc(rng)
    tech = platform.clients["technology"]
    miit = platform.stack.headers("miit", district)
    body = {
        "uscc": uscc,
        "name": "深圳市某水泥粉磨有限公司",
        "district": district,
        "industry": "cement",
        "effective_on": "2018-01-02",
    }
    assert (await tech.post("/v1/enterprises", json=body, headers=miit)).status_code == 201
    item = {
        "item_id": "MILL-1",
        "equipment": {"kind": "cement_mill", "diameter_m": 2.2},
        "capacity_amount": "200000",
        "capacity_unit": "t/a",
        "effective_on": "2019-04-02",
    }
    surveyed = (await tech.post(f"/v1/enterprises/{uscc}/items", json=item, headers=miit)).json()
    case = f"/v1/cases/{surveyed['case_id']}"
    sealing = {
        "measures": SEALED,
        "description": "断水断电，封条 No.2019-031",
        "effective_on": "2019-05-10",
    }
    assert (await tech.post(f"{case}/sealing", json=sealing, headers=miit)).status_code == 200
    accepted = {"passed": True, "note": "现场验收合格", "effective_on": "2019-05-20"}
    assert (await tech.post(f"{case}/acceptance", json=accepted, headers=miit)).json()["state"] == (
        "exited"
    )
    return uscc, case


async def test_a_sealed_cement_mill_drawing_power_again_is_confirmed_revived(
    platform: Platform,
) -> None:
    district = "longgang"
    uscc, case = await sealed_mill(platform, district)
    tech = platform.clients["technology"]
    miit = platform.stack.headers("miit", district)
    kwh = {p: 100_000 for p in MONTHS_2018_19[4:16]}  # 2018-05 … 2019-04: the baseline
    kwh |= {"2019-05": 35_000, "2019-06": 1_000, "2019-07": 40_000}
    report = await load(
        platform, "electricity", electricity(uscc, f"GD-{uscc[-8:]}", district, kwh)
    )
    assert report.status_code == 201, report.text
    assert (report.json()["rows"], report.json()["new"]) == (15, 15)

    async def raised() -> list[Any] | None:
        found = await alerts_of(platform, uscc)
        return found or None

    (alert,) = await eventually(raised, within=180)
    assert alert["rule"] == "W-technology-eliminated"
    assert alert["period"] == "2019-07-01"
    assert alert["to"] == ["miit"]
    assert case == f"/v1/cases/{alert['elimination_case']}"
    assert (alert["raised_on"], alert["check_by"]) == ("2019-08-01", "2019-08-16")
    assert "40%" in alert["basis"]

    outcome = {
        "outcome": "revival_confirmed",
        "reason": "现场检查：粉磨机组拆封复产",
        "effective_on": "2019-08-12",
    }
    mee = platform.stack.headers("mee")
    path = f"/v1/watch/alerts/{alert['alert_id']}/outcome"
    assert (await tech.post(path, json=outcome, headers=mee)).status_code == 403
    closed = await tech.post(path, json=outcome, headers=miit)
    assert closed.status_code == 200, closed.text
    assert closed.json()["state"] == "revival_confirmed"
    again = await tech.post(path, json=outcome, headers=miit)
    assert again.status_code == 409
    assert again.json()["detail"][0]["rule"] == "watch.alert_closed_once"
    assert (await tech.get(case, headers=miit)).json()["state"] == "open"

    row = await eventually(lambda: revived_exit(platform, uscc, district), within=180)
    assert row["exited_on"] == "2019-05-20"
    # on the list of 2019's exits, revived, as of its exit date; on no other year's
    of_2019 = await exit_row(platform, uscc, district, "2020-06-30", year=2019)
    assert of_2019 is not None
    assert (of_2019["status"], of_2019["exited_on"]) == ("revived", "2019-05-20")
    assert await exit_row(platform, uscc, district, "2020-06-30", year=2020) is None
    before = await exit_row(platform, uscc, district, "2019-08-11")
    assert before is not None and before["status"] == "exited"


async def test_rebar_invoiced_at_induction_furnace_power_without_licence_alerts_miit_and_samr(
    platform: Platform,
) -> None:
    uscc, district = make_uscc(rng), "baoan"
    power = electricity(uscc, f"GD-{uscc[-8:]}", district, {"2019-02": 20_000, "2019-03": 600_000})
    assert (await load(platform, "electricity", power)).status_code == 201
    invoices = "\n".join(
        [
            "uscc,district,period,category,amount_yuan,tonnes",
            f"{uscc},{district},2019-03,steel_rebar,3800000,1000",
            f"{uscc},{district},2019-03,scrap_trading,20000,0",
        ]
    )
    report = await load(platform, "invoices", invoices)
    assert report.status_code == 201, report.text
    (alert_id,) = report.json()["alerts_raised"]
    (alert,) = await alerts_of(platform, uscc)
    assert alert["alert_id"] == alert_id
    assert (alert["kind"], alert["rule"]) == ("ditiaogang", "D-induction-furnace-intensity")
    assert sorted(alert["to"]) == ["miit", "samr"]
    assert "600 kWh per tonne" in alert["basis"]
    assert [a["alert_id"] for a in await alerts_of(platform, uscc, "samr")] == [alert_id]

    async def referred(service: str, agency: str) -> dict[str, Any] | None:
        r = await platform.clients[service].get(
            "/v1/referrals", params={"uscc": uscc}, headers=platform.stack.headers(agency)
        )
        items = r.json()["items"] if r.status_code == 200 else []
        return next((x for x in items if x["kind"] == "revival_check"), None)

    referrals = {}
    for service, agency in (("quality", "samr"), ("technology", "miit")):
        referral = await eventually(partial(referred, service, agency), within=180)
        assert (referral["receiver"], referral["alert_id"]) == (agency, alert_id)
        assert referral["trigger_type"] == "phaseout.technology.ditiaogang_alert.raised.v1"
        assert (referral["district"], referral["due_on"]) == (district, alert["check_by"])
        referrals[agency] = referral

    # samr's on-site check finds the furnace: its answer at quality closes the alert
    found = {
        "outcome": "revival_confirmed",
        "reason": "现场发现中频炉生产",
        "effective_on": "2019-04-10",
    }
    at_quality = f"/v1/referrals/{referrals['samr']['referral_id']}/action"
    r = await platform.clients["quality"].post(
        at_quality, json=found, headers=platform.stack.headers("miit")
    )
    assert r.status_code == 403, "miit answers its own referral, at technology"
    r = await platform.clients["quality"].post(
        at_quality, json=found, headers=platform.stack.headers("samr")
    )
    assert r.status_code == 200, r.text

    async def closed() -> dict[str, Any] | None:
        (now,) = await alerts_of(platform, uscc)
        return now if now["state"] != "open" else None

    done = await eventually(closed, within=180)
    assert (done["state"], done["closed_by"], done["reason"]) == (
        "revival_confirmed",
        "samr",
        "现场发现中频炉生产",
    )


async def test_a_malformed_row_is_reported_by_line_and_column_and_nothing_loads(
    platform: Platform,
) -> None:
    uscc, other = make_uscc(rng), make_uscc(rng)
    good = electricity(uscc, "GD-M-1", "futian", {"2019-01": 5_000, "2019-02": 5_100})
    bad = good + f"{other},GD-M-2,深圳市福田某路,futian,2019-13,abc,10\n"
    r = await load(platform, "electricity", bad)
    assert r.status_code == 422
    problems = {(p["line"], p["column"]) for p in r.json()["detail"]}
    assert problems == {(4, "period"), (4, "kwh")}
    assert "line 4, column kwh" in {p["field"] for p in r.json()["detail"]}
    for code in (uscc, other):
        seen = await readings_of(platform, code, platform.stack.headers("miit"))
        assert seen.json()["total"] == 0


async def test_the_same_file_twice_changes_nothing_and_a_correction_needs_its_reason(
    platform: Platform,
) -> None:
    uscc, district = make_uscc(rng), "nanshan"
    text = electricity(uscc, "GD-T-1", district, {"2019-01": 7_000, "2019-02": 7_100})
    first = await load(platform, "electricity", text)
    assert (first.json()["new"], first.json()["unchanged"]) == (2, 0)
    second = await load(platform, "electricity", text)
    assert second.status_code == 201
    assert (second.json()["new"], second.json()["corrected"], second.json()["unchanged"]) == (
        0,
        0,
        2,
    )
    miit = platform.stack.headers("miit")
    assert [x["revision"] for x in (await readings_of(platform, uscc, miit)).json()["items"]] == [
        1,
        1,
    ]

    changed = text.replace(",7100,", ",7300,")
    refused = await load(platform, "electricity", changed)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "line 3, column correction_reason"
    corrected = (
        changed.replace(HEADER, HEADER + ",correction_reason")
        .replace("\n", ",\n")
        .replace(HEADER + ",correction_reason,", HEADER + ",correction_reason")
    )
    corrected = corrected.replace(",7300,14,", ",7300,14,抄表错误更正")
    done = await load(platform, "electricity", corrected)
    assert done.status_code == 201, done.text
    assert (done.json()["new"], done.json()["corrected"], done.json()["unchanged"]) == (0, 1, 1)
    items = (await readings_of(platform, uscc, miit)).json()["items"]
    assert [(x["period"], x["revision"], x["kwh"]) for x in items] == [
        ("2019-01-01", 1, "7000.000"),
        ("2019-02-01", 2, "7300.000"),
    ]
    assert items[1]["correction_reason"] == "抄表错误更正"


async def test_a_file_too_large_to_send_as_arrays_is_refused_and_corrected_the_same_way(
    platform: Platform,
) -> None:
    """A file of more than `store.SMALL` rows goes through a temporary table rather than the
    statement's arrays: a changed figure without its reason is refused by its line and loads
    nothing, and with its reason it supersedes only its own reading."""
    accounts = [(make_uscc(rng), f"GD-L-{n:05d}") for n in range(store.SMALL // 12 + 10)]
    rows = [
        f"{uscc},{account},深圳市龙岗区某园{n}栋,longgang,{period},{5_000 + n},{10 + n % 40}"
        for n, (uscc, account) in enumerate(accounts)
        for period in MONTHS_2018_19[:12]
    ]
    assert len(rows) > store.SMALL
    text = "\n".join([HEADER, *rows]) + "\n"
    first = await load(platform, "electricity", text)
    assert first.status_code == 201, first.text[:500]
    assert (first.json()["new"], first.json()["unchanged"]) == (len(rows), 0)

    line = 2 + 1_234  # the header is line 1
    changed = rows.copy()
    uscc, account = accounts[1_234 // 12]
    old = changed[1_234]
    changed[1_234] = old.replace(f",{5_000 + 1_234 // 12},", ",99999,")
    refused = await load(platform, "electricity", "\n".join([HEADER, *changed]) + "\n")
    assert refused.status_code == 422
    assert [x["field"] for x in refused.json()["detail"]] == [
        f"line {line}, column correction_reason"
    ]
    miit = platform.stack.headers("miit")
    before = (await readings_of(platform, uscc, miit)).json()["items"]
    assert {x["revision"] for x in before} == {1} and "99999.000" not in {x["kwh"] for x in before}

    with_reason = [r + "," for r in changed]
    with_reason[1_234] += "换表后补录"
    body = "\n".join([HEADER + ",correction_reason", *with_reason]) + "\n"
    done = await load(platform, "electricity", body)
    assert done.status_code == 201, done.text[:500]
    assert (done.json()["new"], done.json()["corrected"], done.json()["unchanged"]) == (
        0,
        1,
        len(rows) - 1,
    )
    after = (await readings_of(platform, uscc, miit)).json()["items"]
    assert [(x["revision"], x["kwh"]) for x in after if x["revision"] == 2] == [(2, "99999.000")]
    assert sum(x["account"] == account for x in after) == 12


async def test_an_xlsx_workbook_loads_like_its_csv(platform: Platform) -> None:
    from openpyxl import Workbook

    uscc = make_uscc(rng)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append([uscc, "GD-X-1", "深圳市坪山某路", "pingshan", "2019-04", 1234.5, 8])
    sheet.append([uscc, "GD-X-1", "深圳市坪山某路", "pingshan", "2019-05", "oops", 8])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    r = await load(platform, "electricity", buffer.getvalue(), xlsx)
    assert r.status_code == 422, r.text
    assert [(p["line"], p["column"]) for p in r.json()["detail"]] == [(3, "kwh")], r.text
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    book.save(buffer)
    r = await load(platform, "electricity", buffer.getvalue(), xlsx)
    assert r.status_code == 201, r.text
    assert r.json()["new"] == 1


@pytest.mark.parametrize(
    ("agency", "jurisdiction", "status"),
    [
        ("miit", "city", 200),
        ("samr", "city", 200),
        (None, "luohu", 200),
        (None, "city", 200),
        (None, "yantian", 403),
        ("miit", "luohu", 403),
        ("samr", "luohu", 403),
        ("drc", "city", 403),
        ("mee", "city", 403),
        ("mem", "city", 403),
        ("water", "city", 403),
    ],
)
async def test_raw_readings_are_read_only_within_their_scope(
    platform: Platform, agency: str | None, jurisdiction: str, status: int
) -> None:
    uscc = make_uscc(rng)
    assert (
        await load(
            platform, "electricity", electricity(uscc, f"GD-S-{uscc[-6:]}", "luohu", {"2019-06": 9})
        )
    ).status_code == 201
    headers = platform.stack.headers(agency, jurisdiction)
    r = await readings_of(platform, uscc, headers)
    assert r.status_code == status, r.text
    if status == 200:
        assert [x["kwh"] for x in r.json()["items"]] == ["9.000"]
    else:
        assert r.json()["detail"][0]["field"] in ("agency", "district", "jurisdiction")
        assert "kwh" not in r.text
    invoices = await platform.clients["technology"].get(
        "/v1/watch/invoices", params={"uscc": uscc}, headers=headers
    )
    assert invoices.status_code == (200 if agency is None else status), "none to refuse"
    alerts = await platform.clients["technology"].get(
        "/v1/watch/alerts", params={"uscc": uscc}, headers=headers
    )
    assert alerts.status_code == 200, "every caller with a token reads the alerts in its scope"


async def test_power_at_an_exited_mills_address_under_a_new_code_raises_an_alert(
    platform: Platform,
) -> None:
    old, new, district = make_uscc(rng), make_uscc(rng), "pingshan"
    tech = platform.clients["technology"]
    miit = platform.stack.headers("miit", district)
    body = {
        "uscc": old,
        "name": "深圳市某造纸有限公司",
        "district": district,
        "industry": "paper",
        "effective_on": "2018-01-02",
    }
    assert (await tech.post("/v1/enterprises", json=body, headers=miit)).status_code == 201
    item = {
        "item_id": "PM-9",
        "equipment": {"kind": "cultural_paper_line", "width_m": 1.76, "speed_m_per_min": 110},
        "capacity_amount": "30000",
        "capacity_unit": "t/a",
        "effective_on": "2019-03-01",
    }
    surveyed = (await tech.post(f"/v1/enterprises/{old}/items", json=item, headers=miit)).json()
    case = f"/v1/cases/{surveyed['case_id']}"
    dismantled = {"description": "主体设备拆除", "effective_on": "2019-04-10"}
    assert (
        await tech.post(f"{case}/dismantling", json=dismantled, headers=miit)
    ).status_code == 200
    accepted = {"passed": True, "note": "现场验收合格", "effective_on": "2019-04-20"}
    assert (await tech.post(f"{case}/acceptance", json=accepted, headers=miit)).status_code == 200
    same_place = "深圳市坪山区某工业园3栋"
    before = [
        f"{old},GD-OLD-{old[-6:]},{same_place},{district},{p},80000,160"
        for p in MONTHS_2018_19[3:15]
    ]
    after = [
        f"{new},GD-NEW-{new[-6:]},{same_place},{district},{p},{kwh},100"
        for p, kwh in (("2019-06", 2_000), ("2019-07", 45_000))
    ]
    assert (
        await load(platform, "electricity", "\n".join([HEADER, *before, *after]))
    ).status_code == 201

    async def raised() -> list[Any] | None:
        return await alerts_of(platform, new) or None

    (alert,) = await eventually(raised, within=180)
    assert (alert["rule"], alert["period"]) == ("W-new-code-at-address", "2019-07-01")
    assert case == f"/v1/cases/{alert['elimination_case']}"
    assert old in alert["basis"]


async def test_a_grid_companys_file_larger_than_a_request_body_loads_whole(
    platform: Platform,
) -> None:
    """A month of a district's accounts is far over the 1 MiB a JSON body may be: the import
    takes the file as a stream, up to `PHASEOUT_FEED_MAX_BYTES`."""
    accounts = [(make_uscc(rng), f"GD-B-{n:05d}") for n in range(1_500)]
    rows = [
        f"{uscc},{account},深圳市宝安区某工业园{n}栋,baoan,{period},{4_000 + n},{8 + n % 50}"
        for n, (uscc, account) in enumerate(accounts)
        for period in MONTHS_2018_19[:12]
    ]
    text = "\n".join([HEADER, *rows]) + "\n"
    assert len(text.encode()) > 1024 * 1024
    r = await load(platform, "electricity", text)
    assert r.status_code == 201, r.text[:500]
    assert (r.json()["new"], r.json()["unchanged"]) == (18_000, 0)
    some, account = accounts[777]
    items = (await readings_of(platform, some, platform.stack.headers("miit"))).json()
    assert items["total"] == 12 and {x["account"] for x in items["items"]} == {account}


async def test_an_empty_import_names_its_body(platform: Platform) -> None:
    r = await load(platform, "electricity", b"")
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "body"


async def test_miit_amends_a_rules_figures_from_a_date_and_others_may_not(
    platform: Platform,
) -> None:
    tech = platform.clients["technology"]
    city, district = platform.stack.headers("miit"), platform.stack.headers("miit", "futian")
    path = "/v1/watch/rules/amendments"

    def closure(rules: Any) -> Any:
        return {r["id"]: r for r in rules["rules"]}["W-closure"]

    before = (await tech.get("/v1/watch/rules", headers=city)).json()
    amendment = {
        "rule_id": "W-closure",
        "changes": {"share_of_baseline": "0.30"},
        "reason": "市工信局 2019 年第 3 次专题会议：关闭企业用电阈值调整",
        "effective_on": "2019-06-01",
    }
    for refused_to, status in ((district, 403), (platform.stack.headers("mee"), 403)):
        r = await tech.post(path, json=amendment, headers=refused_to)
        assert r.status_code == status, r.text
    bad = [
        ({"changes": {"orders": "1"}}, "changes.orders", 422),
        ({"changes": {"share_of_baseline": "0"}}, "changes.share_of_baseline", 422),
        ({"rule_id": "D-steel-unlicensed"}, "changes.share_of_baseline", 422),
        ({"rule_id": "W-nothing"}, "rule_id", 404),
        ({"effective_on": "2999-01-01"}, "effective_on", 422),
    ]
    for change, field, status in bad:
        r = await tech.post(path, json=amendment | change, headers=city)
        assert (r.status_code, r.json()["detail"][0]["field"]) == (status, field), r.text

    done = await tech.post(path, json=amendment, headers=city)
    assert done.status_code == 201, done.text
    version = done.json()["version"]
    assert version != before["version"] and done.json()["agency"] == "miit"
    try:
        now = (await tech.get("/v1/watch/rules", headers=city)).json()
        assert (now["version"], closure(now)["share_of_baseline"]) == (version, "0.30")
        then = await tech.get("/v1/watch/rules", params={"as_of": "2019-05-31"}, headers=city)
        assert closure(then.json())["share_of_baseline"] == closure(before)["share_of_baseline"]
        listed = (await tech.get(path, headers=district)).json()
        assert listed[0]["version"] == version and listed[0]["reason"] == amendment["reason"]
    finally:
        restored = amendment | {
            "changes": {"share_of_baseline": closure(before)["share_of_baseline"]},
            "reason": "恢复原阈值",
        }
        assert (await tech.post(path, json=restored, headers=city)).status_code == 201
