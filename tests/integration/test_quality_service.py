"""The quality service on the real broker and database, through its API: a failed spot check's
order reaches the aggregator's view through Kafka; overdue cases revoke licences; unlicensed
production, cancellation requests, industries outside the law, roles, 4xx naming the field."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest
from conftest import Platform
from support import eventually, make_uscc

pytestmark = pytest.mark.integration
rng = random.Random(7)
REBAR = "热轧带肋钢筋"
REVOCATION = {"decision": "深市监罚〔2019〕12 号", "effective_on": "2019-09-10"}
CITY_WAIT = 60.0
"""Seconds to wait for the aggregator: on a fresh broker its consumer group may join late."""


def samr(platform: Platform, jurisdiction: str = "city", **kw: Any) -> dict[str, str]:
    return platform.stack.headers("samr", jurisdiction, **kw)


def quality(platform: Platform) -> httpx.AsyncClient:
    return platform.clients["quality"]


async def registered(platform: Platform, industry: str = "steel", district: str = "baoan") -> str:
    uscc = make_uscc(rng)
    body = {"uscc": uscc, "name": "某钢材厂", "district": district, "industry": industry}
    body["effective_on"] = "2019-04-01"
    r = await quality(platform).post("/v1/enterprises", json=body, headers=samr(platform))
    assert r.status_code == 201, r.text
    return uscc


def licence(number: str) -> dict[str, Any]:
    return {
        "licence_number": number,
        "products": [REBAR],
        "issuer": "广东省市场监督管理局",
        "valid_from": "2017-03-01",
        "valid_until": "2022-02-28",
        "effective_on": "2019-05-20",
    }


async def licensed(platform: Platform, uscc: str) -> str:
    number = f"XK05-001-{rng.randrange(10**8):08d}"
    r = await quality(platform).post(
        f"/v1/enterprises/{uscc}/licences", json=licence(number), headers=samr(platform)
    )
    assert r.status_code == 201, r.text
    return number


async def spot_check(platform: Platform, uscc: str, **over: Any) -> httpx.Response:
    headers = over.pop("headers", None) or samr(platform, "baoan")
    body = {
        "product": REBAR,
        "standard": "GB/T 1499.2-2018",
        "passed": False,
        "failed_items": ["屈服强度"],
        "rectify_by": "2019-08-31",
        "effective_on": "2019-06-03",
        **over,
    }
    return await quality(platform).post(
        f"/v1/enterprises/{uscc}/spot-checks", json=body, headers=headers
    )


async def city_view(platform: Platform, uscc: str, as_of: str) -> dict[str, Any] | None:
    r = await platform.clients["aggregator"].get(
        f"/v1/enterprises/{uscc}", params={"as_of": as_of}, headers=platform.stack.headers("miit")
    )
    return r.json() if r.status_code == 200 else None


def quality_cases(view: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [c for c in (view or {}).get("cases", []) if c["dimension"] == "quality"]


async def test_a_failed_spot_check_orders_stop_and_rectify_seen_by_the_city(
    platform: Platform,
) -> None:
    uscc = await registered(platform)
    r = await spot_check(platform, uscc, report_number="SZ-2019-117")
    assert r.status_code == 201, r.text
    check, case_id = r.json(), r.json()["case_id"]
    assert check["table3_row"] == "T3-steel" and "停止生产并限期整改" in check["basis"]
    r = await quality(platform).get(f"/v1/cases/{case_id}", headers=samr(platform))
    assert (r.json()["state"], r.json()["rectify_by"]) == ("rectifying", "2019-08-31")
    r = await spot_check(platform, uscc, effective_on="2019-06-10", rectify_by="2019-09-30")
    assert r.status_code == 409 and r.json()["detail"][0]["rule"] == "quality.case.one_open_case"

    async def ordered() -> list[dict[str, Any]] | None:
        return quality_cases(await city_view(platform, uscc, "2019-07-01")) or None

    (case,) = await eventually(ordered, within=CITY_WAIT)
    assert case["case_id"] == case_id and case["overdue"] is False
    assert (case["state"], case["deadline"]) == ("rectifying", "2019-08-31")


async def test_overdue_case_revokes_the_related_licences(platform: Platform) -> None:
    """In its own district, so that the sweep touches no other test's case."""
    client, h = quality(platform), samr(platform, "dapeng")
    uscc = await registered(platform, district="dapeng")
    number = await licensed(platform, uscc)
    case_id = (await spot_check(platform, uscc, headers=h)).json()["case_id"]
    overdue = await client.get("/v1/cases", params={"overdue_as_of": "2019-09-01"}, headers=h)
    assert case_id in {c["case_id"] for c in overdue.json()["items"]}
    in_time = await client.get("/v1/cases", params={"overdue_as_of": "2019-08-31"}, headers=h)
    assert case_id not in {c["case_id"] for c in in_time.json()["items"]}

    late = {"passed": True, "effective_on": "2019-09-04"}
    r = await client.post(f"/v1/cases/{case_id}/reinspection", json=late, headers=h)
    assert r.status_code == 409, "overdue before any sweep"
    assert r.json()["detail"][0]["rule"] == "quality.case.reinspection_by_deadline"
    r = await client.post("/v1/overdue-sweeps", json={"as_of": "2019-09-05"}, headers=h)
    assert case_id in {c["case_id"] for c in r.json()["marked"]}
    r = await client.post("/v1/overdue-sweeps", json={"as_of": "2019-09-06"}, headers=h)
    assert case_id not in {c["case_id"] for c in r.json()["marked"]}
    r = await client.post(f"/v1/cases/{case_id}/revocation", json=REVOCATION, headers=h)
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["revoked_licences"]) == ("revoked", [number])
    r = await client.get(f"/v1/licences/{number}", headers=h)
    assert (r.json()["status"], r.json()["revoking_case_id"]) == ("revoked", case_id)

    async def revoked() -> list[dict[str, Any]] | None:
        cases = quality_cases(await city_view(platform, uscc, "2019-09-30"))
        return cases if cases and cases[0]["state"] == "revoked" else None

    (case,) = await eventually(revoked, within=CITY_WAIT)
    assert case["overdue"] is False


async def test_a_passing_reinspection_closes_the_case(platform: Platform) -> None:
    uscc = await registered(platform)
    case_id = (await spot_check(platform, uscc)).json()["case_id"]
    body = {"passed": True, "note": "复查合格", "effective_on": "2019-08-20"}
    path = f"/v1/cases/{case_id}/reinspection"
    r = await quality(platform).post(path, json=body, headers=samr(platform))
    assert r.status_code == 200 and r.json()["state"] == "rectified"


@pytest.mark.parametrize("industry", ["copper_smelting", "lead_smelting", "small_thermal_power"])
async def test_industries_outside_the_product_quality_law_are_refused(
    platform: Platform, industry: str
) -> None:
    uscc = await registered(platform, industry)
    r = await spot_check(platform, uscc)
    assert r.status_code == 422, r.text
    (problem,) = r.json()["detail"]
    assert problem["field"] == "industry" and problem["rule"].startswith("T3-")
    assert "不属于《产品质量法》调整的范围" in problem["reason"]
    body = {"product": "电解铜", "description": "现场检查", "effective_on": "2019-06-03"}
    r = await quality(platform).post(
        f"/v1/enterprises/{uscc}/unlicensed-cases", json=body, headers=samr(platform)
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "industry"
    r = await quality(platform).get(
        "/v1/spot-checks", params={"uscc": uscc}, headers=samr(platform)
    )
    assert r.json()["total"] == 0
    r = await quality(platform).get(f"/v1/applicability/{industry}", headers=samr(platform))
    assert r.status_code == 200 and r.json()["applicable"] is False


@pytest.mark.parametrize(
    ("who", "status", "field"),
    [
        (("samr", "city", ("officer",)), 201, None),
        (("samr", "baoan", ("officer",)), 201, None),
        (("samr", "luohu", ("officer",)), 403, "district"),
        (("samr", "city", ("reader",)), 403, "roles"),
        (("miit", "city", ("officer",)), 403, "agency"),
        (("mee", "baoan", ("officer",)), 403, "agency"),
    ],
)
async def test_only_samr_writes_and_district_officers_only_in_their_district(
    platform: Platform, who: tuple[str, str, tuple[str, ...]], status: int, field: str | None
) -> None:
    uscc = await registered(platform)
    r = await spot_check(platform, uscc, headers=platform.stack.headers(*who))
    assert r.status_code == status, r.text
    assert field is None or r.json()["detail"][0]["field"] == field


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"rectify_by": None}, "rectify_by"),
        ({"rectify_by": "2019-06-01"}, "rectify_by"),
        ({"failed_items": []}, "failed_items"),
        ({"passed": "perhaps"}, "passed"),
        ({"effective_on": "2019-02-30"}, "effective_on"),
        ({"colour": "red"}, "colour"),
        ({"effective_on": "2999-01-04", "rectify_by": "2999-03-31"}, "effective_on"),
    ],
)
async def test_bad_input_is_422_naming_the_field(
    platform: Platform, over: dict[str, Any], field: str
) -> None:
    uscc = await registered(platform)
    r = await spot_check(platform, uscc, **over)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["field"] == field


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/v1/cases", {"state": "closed"}, "query.state"),
        ("/v1/cases", {"overdue_as_of": "tomorrow"}, "query.overdue_as_of"),
        ("/v1/licences", {"district": "atlantis"}, "query.district"),
        ("/v1/spot-checks", {"limit": 0}, "query.limit"),
    ],
)
async def test_bad_filters_are_422_naming_the_field(
    platform: Platform, path: str, params: dict[str, Any], field: str
) -> None:
    r = await quality(platform).get(path, params=params, headers=samr(platform))
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == field


async def test_a_day_to_come_an_unknown_case_and_no_token_are_refused(
    platform: Platform,
) -> None:
    h = samr(platform)
    r = await quality(platform).post(
        "/v1/overdue-sweeps", json={"as_of": "2999-01-01"}, headers=samr(platform)
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "as_of"
    unknown = "00000000-0000-4000-8000-0000000a0404"
    r = await quality(platform).get(f"/v1/cases/{unknown}", headers=samr(platform))
    assert r.status_code == 404 and r.json()["detail"][0]["field"] == "id"
    r = await quality(platform).get("/v1/cases/no-such-case", headers=samr(platform))
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "path.case_id"
    r = await quality(platform).post("/v1/overdue-sweeps", json={})
    assert r.status_code == 401
    r = await quality(platform).post("/v1/enterprises/91440300X/spot-checks", json={}, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "path.uscc"


async def test_unlicensed_production_is_a_case_of_its_own(platform: Platform) -> None:
    client, h = quality(platform), samr(platform)
    uscc = await registered(platform)
    await licensed(platform, uscc)
    path, found = f"/v1/enterprises/{uscc}/unlicensed-cases", {"description": "无证生产"}
    found["effective_on"] = "2019-06-03"
    r = await client.post(path, json={"product": REBAR, **found}, headers=h)
    assert r.status_code == 409 and r.json()["detail"][0]["field"] == "product"
    r = await client.post(path, json={"product": "冷轧带肋钢筋", **found}, headers=h)
    assert r.status_code == 201 and r.json()["state"] == "stop_ordered"
    case_id = r.json()["case_id"]
    r = await client.post(
        f"/v1/unlicensed-cases/{case_id}/stop-verification",
        json={"description": "已停产，设备查封", "effective_on": "2019-06-10"},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["state"] == "rectified"

    async def seen() -> list[dict[str, Any]] | None:
        cases = quality_cases(await city_view(platform, uscc, "2019-06-30"))
        return cases if cases and cases[0]["state"] == "rectified" else None

    assert (await eventually(seen, within=CITY_WAIT))[0]["case_id"] == case_id


async def test_a_cancellation_request_is_tracked_until_the_issuer_acts(
    platform: Platform,
) -> None:
    client, h = quality(platform), samr(platform)
    uscc = await registered(platform)
    number = await licensed(platform, uscc)
    body = {
        "ground": "technology",
        "shutdown_reference": "technology case (拆除验收)",
        "shut_down_on": "2019-07-01",
        "effective_on": "2019-07-05",
    }
    path = f"/v1/licences/{number}/cancellation-requests"
    r = await client.post(path, json={**body, "ground": "safety"}, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "ground"
    r = await client.post(path, json=body, headers=h)
    assert r.status_code == 201 and r.json()["state"] == "pending"
    request_id = r.json()["request_id"]
    r = await client.post(path, json=body, headers=h)
    assert r.status_code == 409
    pending = await client.get("/v1/cancellation-requests", params={"uscc": uscc}, headers=h)
    assert [x["request_id"] for x in pending.json()["items"]] == [request_id]
    answer = {"cancelled": True, "note": "粤市监注〔2019〕3 号", "effective_on": "2019-08-01"}
    r = await client.post(f"/v1/cancellation-requests/{request_id}/answer", json=answer, headers=h)
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    r = await client.get(f"/v1/licences/{number}", headers=h)
    assert r.json()["status"] == "cancelled"
    r = await client.post(f"/v1/enterprises/{uscc}/licences", json=licence(number), headers=h)
    assert r.status_code == 409 and r.json()["detail"][0]["field"] == "licence_number"
    r = await client.get(f"/v1/licences/{number}", headers=samr(platform, "luohu"))
    assert r.status_code == 403 and r.json()["detail"][0]["field"] == "district"
