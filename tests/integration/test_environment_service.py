"""The environment service on the real broker and database: a measurement over its limit opens a
case, production is restricted, the deadline passes, the closure is proposed, approved by the
people's government and ordered, and the order shows in the aggregator's view of the enterprise;
refusals are 4xx naming the field or the rule, and only mee writes, in its officers' districts."""

from __future__ import annotations

import csv
import io
import random
from typing import Any

import httpx
import pytest
from conftest import Platform
from openpyxl import load_workbook
from sqlalchemy import select
from support import eventually, make_uscc

from phaseout_aggregator.adapters.tables import catalogue_names

pytestmark = pytest.mark.integration
rng = random.Random(6)
GOVERNMENT = "宝安区人民政府"


def env(platform: Platform) -> httpx.AsyncClient:
    return platform.clients["environment"]


def mee(platform: Platform, jurisdiction: str = "baoan", **kw: Any) -> dict[str, str]:
    return platform.stack.headers("mee", jurisdiction, **kw)


async def registered(platform: Platform, industry: str, district: str = "baoan") -> str:
    uscc = make_uscc(rng)
    body = {
        "uscc": uscc,
        "name": "某水泥厂",
        "district": district,
        "industry": industry,
        "effective_on": "2019-04-01",
    }
    r = await env(platform).post("/v1/enterprises", json=body, headers=mee(platform, "city"))
    assert r.status_code == 201, r.text
    return uscc


async def post(platform: Platform, path: str, body: dict[str, Any], **kw: Any) -> httpx.Response:
    headers = kw.pop("headers", None) or mee(platform)
    return await env(platform).post(path, json=body, headers=headers)


def refused(r: httpx.Response, status: int, field: str) -> None:
    assert r.status_code == status, r.text
    assert r.json()["detail"][0]["field"] == field, r.text


async def over_the_limit(platform: Platform, uscc: str) -> str:
    r = await post(
        platform,
        f"/v1/enterprises/{uscc}/measurements",
        {
            "limit_id": "gb4915.kiln.nox",
            "facility": "2# 窑尾排气筒",
            "value": "352.5",
            "unit": "mg/m³",
            "findings": "在线监测小时均值超特别排放限值",
            "effective_on": "2019-06-03",
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["assessment"]["verdict"] == "over_limit" and r.json()["case_id"]
    return str(r.json()["case_id"])


async def test_over_the_limit_to_the_closure_order_in_the_aggregators_view(
    platform: Platform,
) -> None:
    uscc = await registered(platform, "cement")
    case_id = await over_the_limit(platform, uscc)
    path = f"/v1/cases/{case_id}"

    r = await post(
        platform, f"{path}/closure-order", {"order": "close", "effective_on": "2019-06-04"}
    )
    assert r.status_code == 409 and r.json()["detail"][0]["rule"] == "lifecycle.order_closure"
    measure = {
        "measure": "restrict_production",
        "deadline": "2019-08-01",
        "effective_on": "2019-06-10",
    }
    refused(
        await post(platform, f"{path}/measures", measure, headers=mee(platform, "luohu")),
        403,
        "district",
    )
    refused(
        await post(platform, f"{path}/measures", measure, headers=platform.stack.headers("miit")),
        403,
        "agency",
    )
    r = await post(platform, f"{path}/measures", measure)
    assert r.status_code == 200 and r.json()["state"] == "production_restricted", r.text
    refused(await env(platform).get(path, headers=mee(platform, "luohu")), 403, "district")

    listed = await env(platform).get(
        "/v1/cases", params={"overdue_as_of": "2019-08-02", "uscc": uscc}, headers=mee(platform)
    )
    assert [c["case_id"] for c in listed.json()["items"]] == [case_id]
    not_yet = await env(platform).get(
        "/v1/cases", params={"overdue_as_of": "2019-08-01", "uscc": uscc}, headers=mee(platform)
    )
    assert not_yet.json()["total"] == 0
    refused(
        await post(platform, "/v1/cases/overdue-sweep", {"as_of": "2019-08-05"}), 403, "district"
    )
    sweep = {"as_of": "2019-08-05", "district": "baoan"}
    r = await post(platform, "/v1/cases/overdue-sweep", sweep, headers=mee(platform, "city"))
    assert case_id in [c["case_id"] for c in r.json()]
    again = await post(platform, "/v1/cases/overdue-sweep", sweep, headers=mee(platform, "city"))
    assert case_id not in [c["case_id"] for c in again.json()]

    proposal = {
        "government": GOVERNMENT,
        "grounds": "限产逾期仍超标，情节严重",
        "scope": "line",
        "item": "2# 熟料生产线",
        "capacity_amount": "1200000",
        "capacity_unit": "t/a",
        "effective_on": "2019-08-10",
    }
    refused(
        await post(platform, f"{path}/closure-proposal", {**proposal, "capacity_amount": "0"}),
        422,
        "capacity_amount",
    )
    r = await post(platform, f"{path}/closure-proposal", proposal)
    assert r.json()["state"] == "closure_proposed", r.text
    approval = {"government": "罗湖区人民政府", "approved_by": "区长", "effective_on": "2019-08-20"}
    refused(await post(platform, f"{path}/closure-approval", approval), 422, "government")
    r = await post(
        platform,
        f"{path}/closure-approval",
        {**approval, "government": GOVERNMENT, "document": "深宝府〔2019〕88号"},
    )
    assert r.json()["state"] == "closure_approved", r.text
    r = await post(
        platform,
        f"{path}/closure-order",
        {"order": "close", "close_by": "2019-09-30", "effective_on": "2019-08-25"},
    )
    assert r.status_code == 200 and r.json()["state"] == "closed", r.text

    async def ordered() -> dict[str, Any] | None:
        r = await platform.clients["aggregator"].get(
            f"/v1/enterprises/{uscc}", headers=platform.stack.headers("miit")
        )
        body: dict[str, Any] = r.json()
        ours = [c for c in body.get("cases", []) if c["case_id"] == case_id]
        return body if ours and ours[0]["state"] == "closed" else None

    view = await eventually(ordered)
    (case,) = [c for c in view["cases"] if c["case_id"] == case_id]
    assert (case["dimension"], case["deadline"]) == ("environment", "2019-09-30")
    (exit_,) = [e for e in view["exits"] if e["case_id"] == case_id]
    assert (exit_["item"], exit_["capacity_unit"], exit_["rule"]) == (
        "2# 熟料生产线",
        "t/a",
        "gb4915.kiln.nox",
    )
    assert float(exit_["capacity_amount"]) == 1200000 and exit_["catalogue_version"].isdigit()
    assert exit_["basis"]["zh"] == (
        "水泥窑及窑尾余热利用系统氮氧化物超过《水泥工业大气污染物排放标准（特别排放限值）》"
        "（GB 4915-2013）排放限值（《行动计划》表 2 第 2 行第（1）项，"
        f"目录 {exit_['catalogue_version']} 版）"
    ), "the limit in the catalogue's words, published by the environment service"
    assert exit_["basis"]["en"].startswith("NOx (as NO2) from cement kilns")
    await exported_by_name(platform, uscc, exit_["basis"])

    r = await post(
        platform,
        f"{path}/recheck",
        {"found_running": True, "findings": "回头看发现夜间生产", "effective_on": "2019-11-05"},
    )
    assert r.json()["state"] == "open" and r.json()["reopened"] is True, r.text


async def exported_by_name(platform: Platform, uscc: str, basis: dict[str, str]) -> None:
    """The exit list's exports name the basis as the view does: no code of the catalogue."""
    agg, h = platform.clients["aggregator"], platform.stack.headers("miit")
    params = {"district": "baoan", "industry": "cement"}
    for lang in ("zh", "en"):
        r = await agg.get("/v1/exits", params={**params, "format": "csv", "lang": lang}, headers=h)
        assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf"), r.text
        (line,) = [x for x in csv.reader(io.StringIO(r.content.decode("utf-8-sig"))) if uscc in x]
        assert basis[lang] in line and not any("gb4915" in cell for cell in line), line
    r = await agg.get("/v1/exits", params={**params, "format": "xlsx"}, headers=h)
    sheet = load_workbook(io.BytesIO(r.content))["退出清单"]
    (row,) = [[c.value for c in r] for r in sheet.iter_rows(min_row=4) if r[3].value == uscc]
    assert basis["zh"] in row, row


async def test_equipment_bans_and_the_coal_boiler_conversion(platform: Platform) -> None:
    uscc = await registered(platform, "steel", district="longgang")
    h = mee(platform, "longgang")
    boiler = {
        "item_id": "B-1",
        "equipment": {"kind": "coal_fired_boiler"},
        "effective_on": "2019-06-03",
    }
    r = await post(platform, f"/v1/enterprises/{uscc}/equipment", boiler, headers=h)
    assert r.status_code == 201 and r.json()["state"] == "to_convert", r.text
    assert r.json()["verdict"]["due_on"] == "2019-12-31"
    refused(
        await post(platform, f"/v1/enterprises/{uscc}/equipment", boiler, headers=h), 409, "item_id"
    )
    overdue = await env(platform).get(
        "/v1/equipment", params={"overdue_as_of": "2020-01-01", "uscc": uscc}, headers=h
    )
    assert [i["item_id"] for i in overdue.json()["items"]] == ["B-1"]
    r = await post(
        platform,
        f"/v1/enterprises/{uscc}/equipment/B-1/conversion",
        {"fuel": "天然气", "effective_on": "2019-11-20"},
        headers=h,
    )
    assert r.json()["state"] == "converted", r.text

    generator = {
        "kind": "coal_gas_generator",
        "hearth_diameter_m": 2.6,
        "purpose": "fuel",
        "scale": "large",
    }
    r = await post(
        platform,
        f"/v1/enterprises/{uscc}/equipment",
        {"item_id": "G-1", "equipment": generator, "effective_on": "2019-06-03"},
        headers=h,
    )
    assert r.json()["state"] == "eliminated" and r.json()["case_id"], r.text
    case = (await env(platform).get(f"/v1/cases/{r.json()['case_id']}", headers=h)).json()
    assert (case["violation"]["kind"], case["violation"]["rule"]) == (
        "banned_equipment",
        "T2-gas-generator",
    )

    large = {**generator, "hearth_diameter_m": 3.2}
    for on in ("2019-06-03", "2019-07-03"):
        body = {"item_id": "G-0", "equipment": large, "effective_on": on}
        r = await post(platform, f"/v1/enterprises/{uscc}/equipment", body, headers=h)
        assert r.status_code == 201 and r.json()["state"] == "allowed", r.text
    assert r.json()["surveyed_on"] == "2019-07-03"

    bad = {
        "item_id": "G-2",
        "equipment": {**generator, "hearth_diameter_m": "wide"},
        "effective_on": "2019-06-03",
    }
    refused(
        await post(platform, f"/v1/enterprises/{uscc}/equipment", bad, headers=h),
        422,
        "equipment.hearth_diameter_m",
    )
    listed = await env(platform).get("/v1/equipment", params={"uscc": uscc}, headers=h)
    assert {i["item_id"] for i in listed.json()["items"]} == {"B-1", "G-0", "G-1"}


async def test_permits_decide_the_no_permit_ground(platform: Platform) -> None:
    uscc = await registered(platform, "paper")
    permit = {
        "permit_no": f"{uscc}001P",
        "scope": ["化学需氧量", "氨氮"],
        "valid_from": "2018-01-01",
        "valid_until": "2019-06-30",
        "effective_on": "2018-01-01",
    }
    assert (await post(platform, f"/v1/enterprises/{uscc}/permits", permit)).status_code == 201
    refused(await post(platform, f"/v1/enterprises/{uscc}/permits", permit), 409, "id")
    bad = {**permit, "permit_no": "X-1", "valid_until": "2017-01-01"}
    refused(await post(platform, f"/v1/enterprises/{uscc}/permits", bad), 422, "valid_until")

    violation = {
        "violation": "no_permit",
        "findings": "排污口正在排放",
        "effective_on": "2019-06-01",
    }
    r = await post(platform, f"/v1/enterprises/{uscc}/violations", violation)
    assert r.status_code == 409 and r.json()["detail"][0]["rule"] == "G-no-permit", r.text
    status = await env(platform).get(
        f"/v1/enterprises/{uscc}/permit-status",
        params={"as_of": "2019-07-01"},
        headers=mee(platform),
    )
    assert status.json()["valid"] is False
    r = await post(
        platform, f"/v1/enterprises/{uscc}/violations", {**violation, "effective_on": "2019-07-01"}
    )
    assert r.status_code == 201 and r.json()["violation"]["rule"] == "G-no-permit", r.text
    expired = await env(platform).get(
        "/v1/permits", params={"expired_as_of": "2019-07-01", "uscc": uscc}, headers=mee(platform)
    )
    assert expired.json()["total"] == 1


async def test_lists_monitoring_and_their_refusals(platform: Platform) -> None:
    uscc = await registered(platform, "dyeing", district="guangming")
    h = mee(platform, "guangming")
    entry = {
        "year": 2019,
        "uscc": uscc,
        "list_kind": "daily_patrol",
        "key_discharge_unit": True,
        "requirements": ["每月巡查一次"],
        "due_on": "2019-10-31",
        "effective_on": "2019-05-10",
    }
    refused(await post(platform, "/v1/list-entries", entry, headers=h), 422, "list_kind")
    r = await post(platform, "/v1/list-entries", {**entry, "key_discharge_unit": False}, headers=h)
    assert r.status_code == 201, r.text
    refused(
        await post(platform, "/v1/list-entries", {**entry, "key_discharge_unit": False}, headers=h),
        409,
        "id",
    )
    move = {
        "list_kind": "key_supervision",
        "reason": "巡查发现超标排放",
        "effective_on": "2019-06-01",
    }
    r = await post(platform, f"/v1/list-entries/2019/{uscc}/move", move, headers=h)
    assert r.json()["list_kind"] == "key_supervision", r.text
    overdue = await env(platform).get(
        "/v1/list-entries",
        params={
            "year": 2019,
            "overdue_as_of": "2019-11-01",
            "state": "key_supervision",
            "uscc": uscc,
        },
        headers=h,
    )
    assert overdue.json()["total"] == 1

    monitoring = {
        "installable": True,
        "installed": False,
        "connected": True,
        "effective_on": "2019-06-01",
    }
    r = await env(platform).put(f"/v1/enterprises/{uscc}/monitoring", json=monitoring, headers=h)
    refused(r, 422, "installed")
    r = await env(platform).put(
        f"/v1/enterprises/{uscc}/monitoring", json={**monitoring, "installed": True}, headers=h
    )
    assert r.json()["state"] == "connected", r.text
    later = {**monitoring, "connected": False, "effective_on": "2019-09-01"}
    r = await env(platform).put(f"/v1/enterprises/{uscc}/monitoring", json=later, headers=h)
    assert r.json()["state"] == "not_installed", r.text
    r = await env(platform).put(
        f"/v1/enterprises/{uscc}/monitoring", json=later | {"effective_on": "2019-07-01"}, headers=h
    )
    refused(r, 409, "effective_on")
    listed = await env(platform).get("/v1/monitoring", params={"uscc": uscc}, headers=h)
    assert [m["state"] for m in listed.json()["items"]] == ["not_installed"]
    r = await env(platform).put(
        f"/v1/enterprises/{uscc}/monitoring",
        json=later,
        headers=mee(platform, "guangming", roles=("reader",)),
    )
    refused(r, 403, "roles")


async def test_mee_loads_a_limit_awaiting_it_and_it_judges_the_next_sample(
    platform: Platform,
) -> None:
    uscc = await registered(platform, "steel")
    sample = {
        "limit_id": "gb28662.sintering.nox",
        "facility": "1# 烧结机机头",
        "value": "310",
        "unit": "mg/m³",
        "effective_on": "2019-07-01",
    }
    r = await post(platform, f"/v1/enterprises/{uscc}/measurements", sample)
    assert r.json()["assessment"]["verdict"] == "no_limit_loaded" and r.json()["case_id"] is None, (
        r.text
    )
    awaiting = await env(platform).get(
        "/v1/catalogue/limits",
        params={"status": "awaiting_agency", "industry": "steel"},
        headers=mee(platform),
    )
    assert "gb28662.sintering.nox" in {row["limit_id"] for row in awaiting.json()}
    before = (await env(platform).get("/v1/catalogue", headers=mee(platform))).json()["version"]

    amendment = {
        "kind": "set_limit",
        "standard": "gb28662-2012-special",
        "limit_id": "gb28662.sintering.nox",
        "limit": "300",
        "unit": "mg/m³",
        "source": {"document": "GB 28662-2012 表 3 (as published)"},
        "effective_from": "2019-01-01",
    }
    refused(await post(platform, "/v1/catalogue/amendments", amendment), 403, "district")
    refused(
        await post(
            platform,
            "/v1/catalogue/amendments",
            {**amendment, "unit": "mg/L"},
            headers=mee(platform, "city"),
        ),
        422,
        "unit",
    )
    r = await post(platform, "/v1/catalogue/amendments", amendment, headers=mee(platform, "city"))
    assert r.status_code == 201 and r.json()["version"] == before + 1, r.text
    r = await post(platform, f"/v1/enterprises/{uscc}/measurements", sample)
    assert r.json()["assessment"]["verdict"] == "over_limit" and r.json()["case_id"], r.text

    async def named_at_the_aggregator() -> bool | None:
        """The new version's names, published by the amendment, kept by the aggregator."""
        async with platform.apps["aggregator"].state.db.sessions() as session:
            found = await session.scalar(
                select(catalogue_names.c.name_zh).where(
                    catalogue_names.c.dimension == "environment",
                    catalogue_names.c.version == str(before + 1),
                    catalogue_names.c.code == "gb28662.sintering.nox",
                )
            )
        return True if found and "氮氧化物" in found else None

    await eventually(named_at_the_aggregator)


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"limit_id": "gb4915.kiln.mercury"}, 422, "limit_id"),
        ({"unit": "mg/L"}, 422, "unit"),
        ({"value": "-1"}, 422, "value"),
        ({"value": "NaN"}, 422, "value"),
        ({"effective_on": "2019-02-30"}, 422, "effective_on"),
        ({"effective_on": "2099-01-01"}, 422, "effective_on"),
        ({"basin": "yangtze"}, 422, "basin"),
        ({"colour": "red"}, 422, "colour"),
    ],
)
async def test_bad_measurements_are_4xx_naming_the_field_and_record_nothing(
    platform: Platform, change: dict[str, Any], status: int, field: str
) -> None:
    uscc = await registered(platform, "cement")
    body = {
        "limit_id": "gb4915.kiln.nox",
        "facility": "窑尾",
        "value": "10",
        "unit": "mg/m³",
        "effective_on": "2019-06-03",
        **change,
    }
    refused(await post(platform, f"/v1/enterprises/{uscc}/measurements", body), status, field)
    listed = await env(platform).get(
        "/v1/measurements", params={"uscc": uscc}, headers=mee(platform)
    )
    assert listed.json()["total"] == 0


async def test_unknown_things_are_404_and_bad_filters_422(platform: Platform) -> None:
    h = mee(platform, "city")
    unknown = "00000000-0000-4000-8000-0000000e0404"
    refused(await env(platform).get(f"/v1/cases/{unknown}", headers=h), 404, "id")
    refused(await env(platform).get("/v1/cases/not-a-case", headers=h), 422, "path.case_id")
    refused(
        await post(
            platform,
            f"/v1/cases/{unknown}/recheck",
            {"found_running": False, "findings": "x", "effective_on": "2019-06-01"},
        ),
        404,
        "id",
    )
    r = await env(platform).get("/v1/cases", params={"state": "vanished"}, headers=h)
    refused(r, 422, "query.state")
    r = await env(platform).get("/v1/cases", params={"overdue_as_of": "tomorrow"}, headers=h)
    refused(r, 422, "query.overdue_as_of")
    uscc = make_uscc(rng)
    refused(
        await post(
            platform,
            f"/v1/enterprises/{uscc}/violations",
            {"violation": "solid_waste", "findings": "x", "effective_on": "2019-06-01"},
        ),
        404,
        "uscc",
    )
