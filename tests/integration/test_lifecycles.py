"""Lifecycles on the real broker and database, through the APIs (docs/domain.md): an order
stands until lifted, overdue is a fact of the date, refusals name what is missing, and every
service refuses an act dated after the city's today."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from conftest import Platform
from support import eventually, make_uscc

pytestmark = pytest.mark.integration
rng = random.Random(22)
CITY = timedelta(hours=8)


def days_to_come(n: int = 2) -> str:
    """A day still to come in the city (UTC+8), `n` days after today there."""
    return (datetime.now(UTC) + CITY + timedelta(days=n)).date().isoformat()


def refusal(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    first: dict[str, Any] = r.json()["detail"][0]
    return first


async def registered(
    platform: Platform, service: str, agency: str, industry: str, district: str
) -> str:
    uscc = make_uscc(rng)
    body = {
        "uscc": uscc,
        "name": "某企业",
        "district": district,
        "industry": industry,
        "effective_on": "2019-04-01",
    }
    r = await platform.clients[service].post(
        "/v1/enterprises", json=body, headers=platform.stack.headers(agency, "city")
    )
    assert r.status_code == 201, r.text
    return uscc


class Api:
    """One service, one agency's officer in one district."""

    def __init__(self, platform: Platform, service: str, agency: str, district: str) -> None:
        self.client = platform.clients[service]
        self.headers = platform.stack.headers(agency, district)

    async def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return await self.client.post(path, json=body, headers=self.headers)

    async def ok(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        r = await self.post(path, body)
        assert r.status_code in (200, 201), r.text
        found: dict[str, Any] = r.json()
        return found


# -- quality: a revocation of an overdue case, swept or not, naming what it revokes ----------

REBAR = "热轧带肋钢筋"


async def quality_case(platform: Platform, api: Api, district: str) -> tuple[str, str, str]:
    uscc = await registered(platform, "quality", "samr", "steel", district)
    number = f"XK05-001-{rng.randrange(10**8):08d}"
    licence = {
        "licence_number": number,
        "products": [REBAR],
        "issuer": "广东省市场监督管理局",
        "valid_from": "2017-03-01",
        "valid_until": "2022-02-28",
        "effective_on": "2019-05-20",
    }
    await api.ok(f"/v1/enterprises/{uscc}/licences", licence)
    check = {
        "product": REBAR,
        "standard": "GB/T 1499.2-2018",
        "passed": False,
        "failed_items": ["屈服强度"],
        "rectify_by": "2019-08-31",
        "effective_on": "2019-06-03",
    }
    found = await api.ok(f"/v1/enterprises/{uscc}/spot-checks", check)
    return found["case_id"], number, uscc


async def test_quality_revokes_an_overdue_case_the_same_swept_or_not(platform: Platform) -> None:
    """In its own district (深汕), so that its sweep touches no other test's case."""
    api = Api(platform, "quality", "samr", "shenshan")
    revocation = {"decision": "深市监罚〔2019〕12 号", "effective_on": "2019-09-10"}
    unswept, unswept_licence, unswept_uscc = await quality_case(platform, api, "shenshan")
    late = await api.post(
        f"/v1/cases/{unswept}/reinspection", {"passed": True, "effective_on": "2019-09-10"}
    )
    assert refusal(late, 409)["rule"] == "quality.case.reinspection_by_deadline"
    revoked = await api.ok(f"/v1/cases/{unswept}/revocation", revocation)

    swept, swept_licence, swept_uscc = await quality_case(platform, api, "shenshan")
    r = await api.ok("/v1/overdue-sweeps", {"as_of": "2019-09-05"})
    assert swept in {c["case_id"] for c in r["marked"]}
    late = await api.post(
        f"/v1/cases/{swept}/reinspection", {"passed": True, "effective_on": "2019-09-10"}
    )
    assert refusal(late, 409)["rule"] == "quality.case.reinspection_by_deadline"
    revoked_after_sweep = await api.ok(f"/v1/cases/{swept}/revocation", revocation)

    for case, number in ((revoked, unswept_licence), (revoked_after_sweep, swept_licence)):
        assert (case["state"], case["revocation_reason"]) == ("revoked", "overdue")
        assert case["revoked_licences"] == [number]
        r = await api.client.get(f"/v1/licences/{number}", headers=api.headers)
        assert r.json()["status"] == "revoked"

    async def in_the_city_view(uscc: str, case_id: str) -> list[dict[str, Any]] | None:
        async def seen() -> list[dict[str, Any]] | None:
            r = await platform.clients["aggregator"].get(
                f"/v1/enterprises/{uscc}",
                params={"as_of": "2019-09-30"},
                headers=platform.stack.headers("miit"),
            )
            if r.status_code != 200:
                return None
            ours = [c for c in r.json().get("cases", []) if c["case_id"] == case_id]
            return ours if ours and ours[0]["state"] == "revoked" else None

        return await eventually(seen, within=60.0)

    (without,) = await in_the_city_view(unswept_uscc, unswept)
    (with_sweep,) = await in_the_city_view(swept_uscc, swept)
    for case in (without, with_sweep):
        assert (case["state"], case["overdue"]) == ("revoked", False)


async def test_quality_revocation_names_what_it_revokes(platform: Platform) -> None:
    api = Api(platform, "quality", "samr", "baoan")
    uscc = await registered(platform, "quality", "samr", "steel", "baoan")
    check = {
        "product": REBAR,
        "standard": "GB/T 1499.2-2018",
        "passed": False,
        "failed_items": ["屈服强度"],
        "rectify_by": "2019-08-31",
        "effective_on": "2019-06-03",
    }
    case_id = (await api.ok(f"/v1/enterprises/{uscc}/spot-checks", check))["case_id"]
    revocation = {"decision": "深市监罚〔2019〕13 号", "effective_on": "2019-09-10"}
    nothing = refusal(await api.post(f"/v1/cases/{case_id}/revocation", revocation), 422)
    assert nothing["field"] == "licence_numbers" and "other_licences" in nothing["reason"]
    empty = {**revocation, "licence_numbers": []}
    assert refusal(await api.post(f"/v1/cases/{case_id}/revocation", empty), 422)["field"] == (
        "licence_numbers"
    )
    r = await api.client.get(f"/v1/cases/{case_id}", headers=api.headers)
    assert r.json()["state"] == "rectifying", "a refused revocation changes nothing"
    outside = {**revocation, "other_licences": ["全国工业产品生产许可证（省级发证）XK05-002-00007"]}
    done = await api.ok(f"/v1/cases/{case_id}/revocation", outside)
    assert (done["state"], done["revoked_licences"]) == ("revoked", [])
    assert done["other_licences"] == outside["other_licences"]


# -- environment: a refused closure leaves the suspension and its deadline --------------------

GOVERNMENT = "深圳市龙华区人民政府"


async def environment_case(platform: Platform, api: Api) -> str:
    uscc = await registered(platform, "environment", "mee", "cement", "longhua")
    measurement = {
        "limit_id": "gb4915.kiln.nox",
        "facility": "2# 窑尾排气筒",
        "value": "352.5",
        "unit": "mg/m³",
        "findings": "在线监测小时均值超特别排放限值",
        "effective_on": "2019-06-03",
    }
    found = await api.ok(f"/v1/enterprises/{uscc}/measurements", measurement)
    case = f"/v1/cases/{found['case_id']}"
    suspend = {
        "measure": "suspend_for_rectification",
        "deadline": "2019-07-31",
        "effective_on": "2019-06-10",
    }
    await api.ok(f"{case}/measures", suspend)
    proposal = {
        "government": GOVERNMENT,
        "grounds": "停产整治期间仍超标排放",
        "scope": "line",
        "item": "2# 熟料生产线",
        "capacity_amount": "1200000",
        "capacity_unit": "t/a",
        "effective_on": "2019-07-01",
    }
    assert (await api.ok(f"{case}/closure-proposal", proposal))["state"] == "closure_proposed"
    return case


async def test_environment_refused_closure_goes_back_to_the_suspension(
    platform: Platform,
) -> None:
    api = Api(platform, "environment", "mee", "longhua")
    case = await environment_case(platform, api)
    rejection = {"government": GOVERNMENT, "reason": "整改仍有可能", "effective_on": "2019-07-10"}
    back = await api.ok(f"{case}/closure-rejection", rejection)
    assert back["state"] == "suspended_for_rectification"
    assert [(m["measure"], m["deadline"]) for m in back["measures"]] == [
        ("suspend_for_rectification", "2019-07-31")
    ]
    listed = await api.client.get(
        "/v1/cases",
        params={"overdue_as_of": "2019-08-01", "district": "longhua"},
        headers=api.headers,
    )
    assert back["case_id"] in {c["case_id"] for c in listed.json()["items"]}
    done = await api.ok(f"{case}/rectification", {"effective_on": "2019-07-31", "note": "达标"})
    assert done["state"] == "rectified"

    async def seen() -> dict[str, Any] | None:
        r = await platform.clients["aggregator"].get(
            f"/v1/enterprises/{back['uscc']}",
            params={"as_of": "2019-07-15"},
            headers=platform.stack.headers("miit"),
        )
        cases = [c for c in r.json().get("cases", []) if c["case_id"] == back["case_id"]]
        return cases[0] if r.status_code == 200 and cases else None

    in_july = await eventually(seen, within=60.0)
    assert (in_july["state"], in_july["deadline"]) == ("suspended_for_rectification", "2019-07-31")


async def test_environment_closure_refused_after_the_deadline_leaves_the_case_overdue(
    platform: Platform,
) -> None:
    api = Api(platform, "environment", "mee", "longhua")
    case = await environment_case(platform, api)
    rejection = {"government": GOVERNMENT, "reason": "整改仍有可能", "effective_on": "2019-08-12"}
    back = await api.ok(f"{case}/closure-rejection", rejection)
    assert (back["state"], back["measures"][-1]["deadline"]) == ("overdue", "2019-07-31")
    late = await api.post(f"{case}/rectification", {"effective_on": "2019-08-12"})
    assert refusal(late, 409)["rule"] == "environment.case.rectified_by_the_deadline"
    again = {
        "measure": "suspend_for_rectification",
        "deadline": "2019-10-31",
        "effective_on": "2019-08-15",
    }
    assert (await api.ok(f"{case}/measures", again))["state"] == "suspended_for_rectification"


# -- energy: a shutdown ordered past the deadline needs no sweep ------------------------------


async def test_energy_orders_the_shutdown_of_a_case_past_its_deadline_without_a_sweep(
    platform: Platform,
) -> None:
    api = Api(platform, "energy", "miit", "baoan")
    uscc = await registered(platform, "energy", "miit", "electrolytic_aluminium", "baoan")
    inspection = {
        "indicator_id": "gb21346.aluminium_liquid_ac_power",
        "measured_value": "13800",
        "unit": "kWh/t",
        "effective_on": "2019-08-31",
        "capacity_amount": "120000",
        "capacity_unit": "t/a",
    }
    case_id = (await api.ok(f"/v1/enterprises/{uscc}/inspections", inspection))["case_id"]
    ordered = await api.ok(
        f"/v1/cases/{case_id}/shutdown-order", {"ordered_on": "2020-03-10", "exit_by": "2020-06-30"}
    )
    assert (ordered["state"], ordered["shutdown_reason"]) == ("shutdown_ordered", "overdue")


# -- safety: a refused verification names the missing part ------------------------------------


async def test_safety_names_the_missing_part_of_the_five(platform: Platform) -> None:
    api = Api(platform, "safety", "mem", "longgang")
    uscc = await registered(platform, "safety", "mem", "steel", "longgang")
    inspection = {
        "inspectors": "龙岗区应急管理局执法一队",
        "findings": [{"kind": "hidden_hazard", "description": "高炉平台护栏缺失"}],
        "effective_on": "2019-06-03",
    }
    (hazard,) = (await api.ok(f"/v1/enterprises/{uscc}/inspections", inspection))["hazards"]
    path = f"/v1/hazards/{hazard['case_id']}"
    parts = {"measures": "加装护栏", "responsibility": "设备科", "time_limit": "2019-06-20"}
    parts["plan"] = "高处坠落专项预案"
    await api.ok(f"{path}/five-in-place", {"five_in_place": parts, "effective_on": "2019-06-04"})
    missing = refusal(await api.post(f"{path}/rectification", {"effective_on": "2019-06-18"}), 409)
    assert missing["field"] == "five_in_place.funds"
    assert "five_in_place.funds is missing" in missing["reason"] and "资金" in missing["reason"]
    funds = {"five_in_place": {"funds": "8000"}, "effective_on": "2019-06-18"}
    await api.ok(f"{path}/five-in-place", funds)
    assert (await api.ok(f"{path}/rectification", {"effective_on": "2019-06-18"}))["state"] == (
        "rectified"
    )


# -- every service: no act dated after the city's today ---------------------------------------


def future_refused(r: httpx.Response, field: str = "effective_on") -> None:
    problem = refusal(r, 422)
    assert (problem["field"], problem["rule"]) == (field, "acts_not_in_the_future"), problem


async def test_energy_refuses_a_future_dated_act(platform: Platform) -> None:
    api = Api(platform, "energy", "miit", "baoan")
    uscc = await registered(platform, "energy", "miit", "electrolytic_aluminium", "baoan")
    inspection = {
        "indicator_id": "gb21346.aluminium_liquid_ac_power",
        "measured_value": "13800",
        "unit": "kWh/t",
        "effective_on": days_to_come(),
        "capacity_amount": "120000",
        "capacity_unit": "t/a",
    }
    future_refused(await api.post(f"/v1/enterprises/{uscc}/inspections", inspection))
    case_id = (
        await api.ok(
            f"/v1/enterprises/{uscc}/inspections", {**inspection, "effective_on": "2019-08-31"}
        )
    )["case_id"]
    order = {"ordered_on": days_to_come()}
    future_refused(await api.post(f"/v1/cases/{case_id}/shutdown-order", order), "ordered_on")


async def test_environment_refuses_a_future_dated_act(platform: Platform) -> None:
    api = Api(platform, "environment", "mee", "longhua")
    case = await environment_case(platform, api)
    rejection = {"government": GOVERNMENT, "reason": "整改仍有可能", "effective_on": days_to_come()}
    future_refused(await api.post(f"{case}/closure-rejection", rejection))
    approval = {"government": GOVERNMENT, "approved_by": "区长", "effective_on": days_to_come()}
    future_refused(await api.post(f"{case}/closure-approval", approval))


async def test_quality_refuses_a_future_dated_act(platform: Platform) -> None:
    api = Api(platform, "quality", "samr", "baoan")
    case_id, _, _ = await quality_case(platform, api, "baoan")
    revocation = {"decision": "深市监罚〔2019〕14 号", "effective_on": days_to_come()}
    future_refused(await api.post(f"/v1/cases/{case_id}/revocation", revocation))
    reinspection = {"passed": True, "effective_on": days_to_come()}
    future_refused(await api.post(f"/v1/cases/{case_id}/reinspection", reinspection))


async def test_safety_refuses_a_future_dated_act(platform: Platform) -> None:
    """The inspection, the closure decision, the closure and the revocation, each dated ahead."""
    api = Api(platform, "safety", "mem", "longgang")
    uscc = await registered(platform, "safety", "mem", "steel", "longgang")
    inspection = {
        "inspectors": "龙岗区应急管理局执法一队",
        "findings": [
            {
                "kind": "conditions_below_national_standard",
                "description": "煤气区域未设固定式一氧化碳报警仪",
                "reference": "GB 6222-2005 第 4.2 条",
            }
        ],
        "suspension": {
            "item": "1 号高炉",
            "capacity_amount": "350000",
            "capacity_unit": "t/a",
            "rectify_by": days_to_come(30),
        },
        "effective_on": days_to_come(),
    }
    future_refused(await api.post(f"/v1/enterprises/{uscc}/inspections", inspection))
    listed = await api.client.get("/v1/inspections", params={"uscc": uscc}, headers=api.headers)
    assert listed.json()["total"] == 0, "a refused inspection records nothing"
    inspection = {**inspection, "effective_on": "2019-06-03"}
    inspection["suspension"] = {**inspection["suspension"], "rectify_by": "2019-07-03"}  # type: ignore[dict-item]
    case = (await api.ok(f"/v1/enterprises/{uscc}/inspections", inspection))["case"]
    path = f"/v1/cases/{case['case_id']}"
    steps: list[tuple[str, dict[str, Any]]] = [
        ("reinspection", {"passed": False, "reasons": ["报警仪仍未安装"]}),
        ("closure-request", {"government": "longgang"}),
        ("closure-decision", {"closes": True, "document": "深龙府〔2019〕12 号"}),
        ("closure", {"description": "断电、拆除炉体"}),
        (
            "licence-revocation",
            {
                "licences": [
                    {"name": "安全生产许可证", "number": "WH-1", "authority": "省应急管理厅"}
                ]
            },
        ),
    ]
    for day, (step, body) in enumerate(steps, start=10):
        future_refused(await api.post(f"{path}/{step}", {**body, "effective_on": days_to_come()}))
        await api.ok(f"{path}/{step}", {**body, "effective_on": f"2019-07-{day}"})
    r = await api.client.post(
        "/v1/overdue-sweeps", json={"as_of": days_to_come()}, headers=api.headers
    )
    future_refused(r, "as_of")


async def test_technology_refuses_a_future_dated_act(platform: Platform) -> None:
    api = Api(platform, "technology", "miit", "baoan")
    uscc = await registered(platform, "technology", "miit", "cement", "baoan")
    item = {
        "item_id": "2# 机立窑",
        "equipment": {"kind": "shaft_kiln"},
        "capacity_amount": "200000",
        "capacity_unit": "t/a",
        "effective_on": days_to_come(),
    }
    future_refused(await api.post(f"/v1/enterprises/{uscc}/items", item))
    case_id = (
        await api.ok(f"/v1/enterprises/{uscc}/items", {**item, "effective_on": "2019-06-03"})
    )["case_id"]
    dismantled = {"description": "窑体已拆除", "effective_on": days_to_come()}
    future_refused(await api.post(f"/v1/cases/{case_id}/dismantling", dismantled))
    await api.ok(f"/v1/cases/{case_id}/dismantling", {**dismantled, "effective_on": "2019-07-01"})
    accepted = {"passed": True, "effective_on": days_to_come()}
    future_refused(await api.post(f"/v1/cases/{case_id}/acceptance", accepted))
    tip = {"summary": "某厂夜间使用中频炉", "district": "baoan", "effective_on": days_to_come()}
    future_refused(await api.post("/v1/tips", tip))
