"""The safety service on the real broker and database: an enterprise on the key list is
inspected; its hazard is rectified with the 五落实 in place; its conditions below the standard
are suspended at once (停产停业整顿), still unsafe on re-inspection, closed on the government's
decision and its licences revoked — and the order shows in the aggregator's view of the
enterprise. Overdue work, roles, and 4xx refusals naming the field."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest
from conftest import Platform
from support import eventually, make_uscc

pytestmark = pytest.mark.integration
rng = random.Random(44)
BELOW = {
    "kind": "conditions_below_national_standard",
    "description": "煤气区域未设固定式一氧化碳报警仪",
    "reference": "GB 6222-2005 第 4.2 条",
}
HAZARD = {"kind": "hidden_hazard", "description": "高炉平台护栏缺失"}
SUSPENSION = {
    "item": "1 号高炉",
    "capacity_amount": "350000",
    "capacity_unit": "t/a",
    "rectify_by": "2019-07-03",
}


def mem(platform: Platform, district: str = "longgang", role: str = "officer") -> dict[str, str]:
    return platform.stack.headers("mem", district, (role,))


async def registered(platform: Platform, district: str = "longgang") -> str:
    uscc = make_uscc(rng)
    r = await platform.clients["safety"].post(
        "/v1/enterprises",
        json={
            "uscc": uscc,
            "name": "某钢铁厂",
            "district": district,
            "industry": "steel",
            "effective_on": "2019-04-01",
        },
        headers=mem(platform, "city"),
    )
    assert r.status_code == 201, r.text
    return uscc


async def inspected(platform: Platform, uscc: str, **over: Any) -> httpx.Response:
    headers = over.pop("headers", None) or mem(platform)
    body = {
        "inspectors": "龙岗区应急管理局执法一队",
        "findings": [HAZARD, BELOW],
        "suspension": SUSPENSION,
        "effective_on": "2019-06-03",
        **over,
    }
    return await platform.clients["safety"].post(
        f"/v1/enterprises/{uscc}/inspections", json=body, headers=headers
    )


async def post(platform: Platform, path: str, body: dict[str, Any]) -> Any:
    r = await platform.clients["safety"].post(path, json=body, headers=mem(platform))
    assert r.status_code in (200, 201), r.text
    return r.json()


async def test_suspended_still_unsafe_closed_and_revoked_through_to_the_city_view(
    platform: Platform,
) -> None:
    safety = platform.clients["safety"]
    uscc = await registered(platform)
    listing = await post(
        platform,
        "/v1/listings",
        {
            "uscc": uscc,
            "list": "key",
            "requirements": ["每季度执法检查一次"],
            "due_on": "2019-06-30",
            "reason": "不具备安全生产条件",
            "effective_on": "2019-05-10",
        },
    )
    assert listing["list_name"] == "key" and listing["due_on"] == "2019-06-30"

    r = await inspected(platform, uscc)
    assert r.status_code == 201, r.text
    (hazard,) = r.json()["hazards"]
    case = r.json()["case"]
    assert (case["state"], case["rectify_by"]) == ("suspended", "2019-07-03")
    assert [f["outcome"] for f in r.json()["inspection"]["findings"]] == [
        "rectify_hazard",
        "suspend",
    ]
    listing = (await safety.get(f"/v1/listings/{uscc}", headers=mem(platform))).json()
    assert listing["inspected_on"] == "2019-06-03"

    hazard_path = f"/v1/hazards/{hazard['case_id']}"
    partial = await post(
        platform,
        f"{hazard_path}/five-in-place",
        {
            "five_in_place": {"measures": "加装护栏", "time_limit": "2019-06-20"},
            "effective_on": "2019-06-04",
        },
    )
    assert partial["state"] == "open"
    r = await safety.post(
        f"{hazard_path}/rectification", json={"effective_on": "2019-06-05"}, headers=mem(platform)
    )
    assert r.status_code == 409 and r.json()["detail"][0]["field"] == "five_in_place.responsibility"
    assert "five_in_place.funds is missing" in r.json()["detail"][0]["reason"]
    rest = {"responsibility": "设备科 李四", "funds": "8000", "plan": "高处坠落专项预案"}
    done = await post(
        platform,
        f"{hazard_path}/five-in-place",
        {"five_in_place": rest, "effective_on": "2019-06-05"},
    )
    assert done["state"] == "rectifying"
    done = await post(platform, f"{hazard_path}/rectification", {"effective_on": "2019-06-18"})
    assert done["state"] == "rectified"

    case_path = f"/v1/cases/{case['case_id']}"
    r = await safety.post(
        f"{case_path}/closure-request",
        json={"government": "longgang", "effective_on": "2019-07-01"},
        headers=mem(platform),
    )
    assert r.status_code == 409 and "still_unsafe" in r.json()["detail"][0]["reason"]
    steps: list[tuple[str, dict[str, Any], str]] = [
        ("reinspection", {"passed": False, "reasons": ["报警仪仍未安装"]}, "still_unsafe"),
        ("closure-request", {"government": "longgang"}, "closure_requested"),
        (
            "closure-decision",
            {"closes": True, "document": "深龙府〔2019〕12 号"},
            "closure_decided",
        ),
        ("closure", {"description": "断电、拆除炉体，现场核查"}, "closed"),
        (
            "licence-revocation",
            {
                "licences": [
                    {"name": "营业执照", "number": "SZ-0001", "authority": "龙岗区市场监管局"}
                ]
            },
            "revoked",
        ),
    ]
    for day, (step, body, state) in enumerate(steps, start=10):
        result = await post(
            platform, f"{case_path}/{step}", {**body, "effective_on": f"2019-07-{day}"}
        )
        assert result["state"] == state, step

    async def in_city_view() -> dict[str, Any] | None:
        r = await platform.clients["aggregator"].get(
            f"/v1/enterprises/{uscc}", headers=platform.stack.headers("miit")
        )
        body = r.json() if r.status_code == 200 else None
        states = {c["case_id"]: c["state"] for c in (body or {}).get("cases", [])}
        return body if states.get(case["case_id"]) == "revoked" else None

    view = await eventually(in_city_view)
    cases = {c["case_id"]: c for c in view["cases"]}
    assert cases[case["case_id"]]["dimension"] == "safety"
    assert cases[hazard["case_id"]]["state"] == "rectified"

    ledger = (await safety.get(f"/v1/enterprises/{uscc}/ledger", headers=mem(platform))).json()
    assert ledger["lacks_safety_conditions"] is False and ledger["pending_hazards"] == 0
    assert [c["state"] for c in ledger["cases"]] == ["revoked"]


async def test_overdue_as_of_lists_and_the_sweep_marks_once(platform: Platform) -> None:
    safety = platform.clients["safety"]
    uscc = await registered(platform)
    r = await inspected(platform, uscc, findings=[BELOW])
    assert r.status_code == 201, r.text
    case_id = r.json()["case"]["case_id"]

    async def overdue_ids(as_of: str) -> set[str]:
        params = {"overdue_as_of": as_of, "uscc": uscc}
        listed = await safety.get("/v1/cases", params=params, headers=mem(platform))
        return {c["case_id"] for c in listed.json()["items"]}

    assert await overdue_ids("2019-07-03") == set()
    assert await overdue_ids("2019-07-04") == {case_id}

    swept = await post(platform, "/v1/overdue-sweeps", {"as_of": "2019-07-10"})
    assert case_id in swept["cases"]
    again = await post(platform, "/v1/overdue-sweeps", {"as_of": "2019-07-11"})
    assert case_id not in again["cases"]
    case = (await safety.get(f"/v1/cases/{case_id}", headers=mem(platform))).json()
    assert case["state"] == "overdue"
    later = {**SUSPENSION, "rectify_by": "2019-09-12"}
    r = await inspected(platform, uscc, suspension=later, effective_on="2019-07-12")
    assert r.status_code == 409 and r.json()["detail"][0]["rule"] == "safety.case.one_active_case"

    async def overdue_in_city_view() -> dict[str, Any] | None:
        r = await platform.clients["aggregator"].get(
            f"/v1/enterprises/{uscc}", headers=platform.stack.headers("miit")
        )
        states = {c["state"] for c in r.json().get("cases", [])} if r.status_code == 200 else set()
        return r.json() if "overdue" in states else None

    await eventually(overdue_in_city_view)


async def test_lists_filter_by_list_district_industry_and_page(platform: Platform) -> None:
    safety = platform.clients["safety"]
    usccs = [await registered(platform, "dapeng") for _ in range(3)]
    for uscc, list_name in zip(usccs, ["key", "key", "patrol"], strict=True):
        r = await safety.post(
            "/v1/listings",
            json={
                "uscc": uscc,
                "list": list_name,
                "requirements": ["日常巡查"],
                "due_on": "2019-06-30",
                "reason": "重点行业企业",
                "effective_on": "2019-05-10",
            },
            headers=mem(platform, "dapeng"),
        )
        assert r.status_code == 201, r.text
    params = {"list": "key", "district": "dapeng", "industry": "steel", "limit": 1}
    page = (await safety.get("/v1/listings", params=params, headers=mem(platform, "city"))).json()
    assert page["total"] >= 2 and len(page["items"]) == 1
    overdue = await safety.get(
        "/v1/listings",
        params={"district": "dapeng", "overdue_as_of": "2019-07-01", "limit": 500},
        headers=mem(platform, "dapeng"),
    )
    assert set(usccs) <= {x["uscc"] for x in overdue.json()["items"]}
    moved = await safety.post(
        f"/v1/listings/{usccs[2]}/move",
        json={
            "list": "key",
            "requirements": ["每月检查"],
            "due_on": "2019-09-30",
            "reason": "隐患突出",
            "effective_on": "2019-07-01",
        },
        headers=mem(platform, "dapeng"),
    )
    assert moved.status_code == 200 and moved.json()["list_name"] == "key"
    r = await safety.get("/v1/listings", params={"district": "dapeng"}, headers=mem(platform))
    assert r.status_code == 403 and r.json()["detail"][0]["field"] == "district"


@pytest.mark.parametrize(
    ("headers", "status", "field"),
    [
        ({"agency": "miit", "district": "city", "role": "officer"}, 403, "agency"),
        ({"agency": "mem", "district": "longgang", "role": "reader"}, 403, "roles"),
        ({"agency": "mem", "district": "futian", "role": "officer"}, 403, "district"),
        ({"agency": "mem", "district": "longgang", "role": "officer"}, 201, None),
        ({"agency": "mem", "district": "city", "role": "officer"}, 201, None),
    ],
)
async def test_only_mem_writes_and_a_district_officer_only_in_the_district(
    platform: Platform, headers: dict[str, str], status: int, field: str | None
) -> None:
    uscc = await registered(platform)
    token = platform.stack.headers(headers["agency"], headers["district"], (headers["role"],))
    r = await inspected(platform, uscc, findings=[HAZARD], suspension=None, headers=token)
    assert r.status_code == status, r.text
    if field is not None:
        assert r.json()["detail"][0]["field"] == field


async def test_without_a_token_nothing_is_read_or_written(platform: Platform) -> None:
    r = await platform.clients["safety"].get("/v1/cases")
    assert r.status_code == 401


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"findings": [{"kind": "fire", "description": "x"}]}, "findings.0.kind"),
        ({"suspension": None}, "suspension"),
        ({"findings": [HAZARD]}, "suspension"),
        ({"findings": [{**BELOW, "reference": None}]}, "findings.0.reference"),
        ({"suspension": {**SUSPENSION, "rectify_by": "2019-06-01"}}, "suspension.rectify_by"),
        ({"suspension": {**SUSPENSION, "capacity_amount": "-1"}}, "suspension.capacity_amount"),
        ({"effective_on": "2019-02-30"}, "effective_on"),
        ({"inspectors": " "}, "inspectors"),
        ({"surprise": 1}, "surprise"),
    ],
)
async def test_bad_input_is_422_naming_the_field_and_records_nothing(
    platform: Platform, over: dict[str, Any], field: str
) -> None:
    uscc = await registered(platform)
    r = await inspected(platform, uscc, **over)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["field"] == field
    listed = await platform.clients["safety"].get(
        "/v1/inspections", params={"uscc": uscc}, headers=mem(platform)
    )
    assert listed.json()["total"] == 0


UNKNOWN = "00000000-0000-4000-8000-00000005a404"
"""A well-formed case id that no case has."""


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("/v1/enterprises/{uscc}/inspections", {}, 422, "inspectors"),
        (f"/v1/cases/{UNKNOWN}/reinspection", {"passed": True}, 404, "id"),
        (f"/v1/hazards/{UNKNOWN}/rectification", {}, 404, "id"),
        ("/v1/cases/not-a-case/reinspection", {"passed": True}, 422, "path.case_id"),
        ("/v1/hazards/not-a-hazard/rectification", {}, 422, "path.case_id"),
        ("/v1/listings/{uscc}/removal", {"reason": "x"}, 404, "id"),
        ("/v1/listings", {"list": "vip"}, 422, "list"),
    ],
)
async def test_other_refusals_name_the_field(
    platform: Platform, path: str, body: dict[str, Any], status: int, field: str
) -> None:
    uscc = await registered(platform)
    r = await platform.clients["safety"].post(
        path.format(uscc=uscc),
        json={"effective_on": "2019-07-01", **body},
        headers=mem(platform),
    )
    assert r.status_code == status, r.text
    assert field in {d["field"] for d in r.json()["detail"]}
