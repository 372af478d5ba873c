"""The charts officials ask for and the revival watch as the city sees it, on the real stack.

One story, in 2021 (a year no other test writes): a cement mill found eliminated in April,
sealed and accepted in May, draws 40 % of its former power in July; the technology service
raises an alert, the aggregator consumes it, serves it per district and agency, counts its
on-site check overdue after its date, and closes it when miit answers. The charts count the
capacity found and exited, month by month, and the overdue check by agency. The consumption
curve's raw figures reach only those the technology service lets read them; district
officials see their own district only.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import httpx
import pytest
from conftest import Platform
from support import eventually, make_uscc

pytestmark = pytest.mark.integration
rng = random.Random(2021_07)
DISTRICT, ELSEWHERE = "dapeng", "nanshan"
SEALED = dict.fromkeys(
    ("water_cut", "power_cut", "power_units_removed", "main_equipment_sealed", "public_commitment"),
    True,
)
HEADER = "uscc,account,address,district,period,kwh,max_demand_kw"


def readings_file(uscc: str) -> str:
    kwh = {f"{y}-{m:02d}": 100_000 for y, m in [(2020, m) for m in range(5, 13)]}
    kwh |= {f"2021-{m:02d}": 100_000 for m in range(1, 5)}
    kwh |= {"2021-05": 35_000, "2021-06": 1_000, "2021-07": 40_000}
    rows = [
        f"{uscc},GD-{uscc[-8:]},深圳市大鹏新区某路2号,{DISTRICT},{p},{n},{n // 500}"
        for p, n in kwh.items()
    ]
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.fixture(scope="module")
async def story(platform: Platform) -> dict[str, Any]:
    """The mill, its exit, its readings and its alert, once for the module."""
    uscc = make_uscc(rng)
    tech = platform.clients["technology"]
    miit = platform.stack.headers("miit", DISTRICT)
    body = {
        "uscc": uscc,
        "name": "深圳市图表水泥粉磨有限公司",
        "district": DISTRICT,
        "industry": "cement",
        "effective_on": "2020-01-02",
    }
    assert (await tech.post("/v1/enterprises", json=body, headers=miit)).status_code == 201
    item = {
        "item_id": "MILL-21",
        "equipment": {"kind": "cement_mill", "diameter_m": 2.2},
        "capacity_amount": "210000",
        "capacity_unit": "t/a",
        "effective_on": "2021-04-02",
    }
    surveyed = await tech.post(f"/v1/enterprises/{uscc}/items", json=item, headers=miit)
    case = f"/v1/cases/{surveyed.json()['case_id']}"
    sealing = {"measures": SEALED, "description": "封条 No.2021-07", "effective_on": "2021-05-10"}
    assert (await tech.post(f"{case}/sealing", json=sealing, headers=miit)).status_code == 200
    accepted = {"passed": True, "note": "现场验收合格", "effective_on": "2021-05-20"}
    assert (await tech.post(f"{case}/acceptance", json=accepted, headers=miit)).status_code == 200
    loaded = await tech.post(
        "/v1/watch/feeds/electricity/imports",
        content=readings_file(uscc).encode(),
        headers={**platform.stack.headers("miit"), "Content-Type": "text/csv"},
    )
    assert loaded.status_code == 201, loaded.text
    # The alert comes when both the readings and the acceptance (learnt from the topic) are in.

    async def raised() -> list[Any] | None:
        r = await tech.get(
            "/v1/watch/alerts", params={"uscc": uscc}, headers=platform.stack.headers("miit")
        )
        return r.json()["items"] or None

    await eventually(raised, within=300)

    async def projected() -> list[Any] | None:
        found = await alerts(platform, {"uscc": uscc, "as_of": "2021-08-10"})
        return found or None

    (alert,) = await eventually(projected, within=300)
    return {"uscc": uscc, "alert_id": alert["alert_id"], "alert": alert}


async def alerts(
    platform: Platform, params: dict[str, str], headers: dict[str, str] | None = None
) -> list[Any]:
    r = await platform.clients["aggregator"].get(
        "/v1/watch/alerts", params=params, headers=headers or platform.stack.headers("miit")
    )
    assert r.status_code == 200, r.text
    found: list[Any] = r.json()
    return found


async def get(platform: Platform, path: str, params: dict[str, str], who: dict[str, str]) -> Any:
    return await platform.clients["aggregator"].get(path, params=params, headers=who)


async def test_an_alert_is_served_per_district_and_agency_and_overdue_after_its_check_date(
    platform: Platform, story: dict[str, Any]
) -> None:
    alert = story["alert"]
    (at_source,) = (
        await platform.clients["technology"].get(
            "/v1/watch/alerts",
            params={"uscc": story["uscc"]},
            headers=platform.stack.headers("miit"),
        )
    ).json()["items"]
    assert at_source["alert_id"] == story["alert_id"]
    assert (alert["kind"], alert["state"], alert["agencies"]) == ("watch", "open", ["miit"])
    assert (alert["raised_on"], alert["check_by"]) == ("2021-08-01", "2021-08-16")
    assert alert["name"] == "深圳市图表水泥粉磨有限公司"
    assert alert["overdue"] is False
    assert not {"kwh", "readings"} & set(alert)
    overdue = await alerts(platform, {"overdue_as_of": "2021-09-01", "district": DISTRICT})
    assert story["alert_id"] in [a["alert_id"] for a in overdue]
    assert all(a["overdue"] for a in overdue)
    by_mee = await alerts(platform, {"agency": "mee", "uscc": story["uscc"]})
    assert by_mee == []
    summary = (
        await get(
            platform,
            "/v1/watch/summary",
            {"as_of": "2021-09-01"},
            platform.stack.headers(None, DISTRICT),
        )
    ).json()
    assert set(summary["by_district"]) == {DISTRICT}
    assert summary["by_district"][DISTRICT]["overdue"] >= 1
    assert summary["by_agency"]["miit"]["overdue"] >= 1


async def test_a_district_sees_only_its_own_alerts_and_is_refused_another_districts(
    platform: Platform, story: dict[str, Any]
) -> None:
    elsewhere = platform.stack.headers(None, ELSEWHERE)
    assert await alerts(platform, {"uscc": story["uscc"], "as_of": "2021-09-01"}, elsewhere) == []
    refused = await get(platform, "/v1/watch/alerts", {"district": DISTRICT}, elsewhere)
    assert refused.status_code == 403
    assert refused.json()["detail"][0]["field"] == "district"
    own = await alerts(
        platform,
        {"uscc": story["uscc"], "as_of": "2021-09-01"},
        platform.stack.headers(None, DISTRICT),
    )
    assert [a["alert_id"] for a in own] == [story["alert_id"]]


async def test_capacity_months_and_overdue_by_agency_count_the_story(
    platform: Platform, story: dict[str, Any]
) -> None:
    own = platform.stack.headers(None, DISTRICT)
    capacity = (
        await get(platform, "/v1/charts/capacity", {"year": "2021", "as_of": "2021-12-31"}, own)
    ).json()
    assert capacity["plan_figures"] is None
    assert "未下达" in capacity["task_note"]["zh"]
    (cement,) = [r for r in capacity["by_industry"] if r["code"] == "cement"]
    assert (cement["capacity_unit"], cement["unit_name"]["zh"]) == ("t/a", "吨/年")
    assert Decimal(cement["listed"]) == Decimal(cement["exited"]) == Decimal("210000")
    assert (cement["listed_items"], cement["exited_items"]) == (1, 1)
    assert [r["code"] for r in capacity["by_district"]] == [DISTRICT]

    months = (
        await get(platform, "/v1/charts/months", {"year": "2021", "as_of": "2021-12-31"}, own)
    ).json()
    by_month = {m["month"]: m for m in months["months"]}
    assert len(by_month) == 12
    assert (by_month[4]["opened"], by_month[5]["closed"], by_month[5]["exited_items"]) == (1, 1, 1)
    assert sum(m["opened"] for m in months["months"]) == 1

    late = (
        await get(platform, "/v1/charts/overdue-by-agency", {"as_of": "2021-09-01"}, own)
    ).json()
    (miit,) = [r for r in late["rows"] if r["agencies"] == ["miit"]]
    summary = (await get(platform, "/v1/watch/summary", {"as_of": "2021-09-01"}, own)).json()
    assert miit["checks"] >= 1
    assert miit["checks"] == summary["by_agency"]["miit"]["overdue"]
    assert all(set(r) == {"agencies", "cases", "referrals", "checks"} for r in late["rows"])

    elsewhere = platform.stack.headers(None, ELSEWHERE)
    theirs = (
        await get(
            platform, "/v1/charts/capacity", {"year": "2021", "as_of": "2021-12-31"}, elsewhere
        )
    ).json()
    assert theirs["by_industry"] == [] and theirs["by_district"] == []
    refused = await get(platform, "/v1/charts/months", {"district": DISTRICT}, elsewhere)
    assert refused.status_code == 403
    bad = await get(platform, "/v1/charts/capacity", {"year": "1999"}, own)
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "query.year"


async def test_the_consumption_curve_gives_raw_figures_only_to_those_allowed(
    platform: Platform, story: dict[str, Any]
) -> None:
    path = f"/v1/enterprises/{story['uscc']}/consumption"
    params = {"as_of": "2021-12-31"}
    for who in (platform.stack.headers("miit"), platform.stack.headers(None, DISTRICT)):
        r = await get(platform, path, params, who)
        assert r.status_code == 200, r.text
        curve = r.json()
        months = {m["period"]: Decimal(m["kwh"]) for m in curve["months"]}
        assert months["2021-07-01"] == Decimal(40_000)
        assert months["2021-04-01"] == Decimal(100_000)
        assert curve["exited_on"] == ["2021-05-20"]
        marks = {(m["on"], m["type"].split(".")[3]) for m in curve["marks"]}
        assert {("2021-05-10", "sealed"), ("2021-05-20", "acceptance_passed")} <= marks
        assert [a["alert_id"] for a in curve["alerts"]] == [story["alert_id"]]
    for who, field in (
        (platform.stack.headers("mee"), "agency"),
        (platform.stack.headers("miit", DISTRICT), "jurisdiction"),
        (platform.stack.headers(None, ELSEWHERE), "district"),
    ):
        r = await get(platform, path, params, who)
        assert r.status_code == 403, r.text
        assert "months" not in r.json() and "40000" not in r.text
        assert r.json()["detail"][0]["field"] == field


async def test_a_closed_alert_is_closed_from_its_day_and_open_before(
    platform: Platform, story: dict[str, Any]
) -> None:
    outcome = {"outcome": "explained", "reason": "办公照明用电", "effective_on": "2021-09-05"}
    closed = await platform.clients["technology"].post(
        f"/v1/watch/alerts/{story['alert_id']}/outcome",
        json=outcome,
        headers=platform.stack.headers("miit", DISTRICT),
    )
    assert closed.status_code == 200, closed.text

    async def is_closed() -> dict[str, Any] | None:
        (found,) = await alerts(platform, {"uscc": story["uscc"], "as_of": "2021-09-30"})
        return found if found["state"] == "closed" else None

    after = await eventually(is_closed, within=300)
    assert (after["outcome"], after["reason"], after["closed_on"]) == (
        "explained",
        "办公照明用电",
        "2021-09-05",
    )
    assert (after["check_by"], after["agencies"]) == ("2021-08-16", ["miit"])
    (before,) = await alerts(platform, {"uscc": story["uscc"], "as_of": "2021-09-01"})
    assert (before["state"], before["overdue"]) == ("open", True)
    none_late = await alerts(platform, {"overdue_as_of": "2021-09-30", "uscc": story["uscc"]})
    assert none_late == []


async def test_the_consumption_curve_says_so_when_the_technology_service_is_away(
    platform: Platform, story: dict[str, Any]
) -> None:
    def away(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    state = platform.apps["aggregator"].state
    kept = state.technology_transport
    state.technology_transport = httpx.MockTransport(away)
    try:
        r = await get(
            platform,
            f"/v1/enterprises/{story['uscc']}/consumption",
            {},
            platform.stack.headers("miit"),
        )
    finally:
        state.technology_transport = kept
    assert r.status_code == 503
    assert r.json()["detail"][0]["field"] == "technology"
    malformed = await get(
        platform, "/v1/enterprises/not-a-code/consumption", {}, platform.stack.headers("miit")
    )
    assert malformed.status_code == 422
    assert malformed.json()["detail"][0]["field"] == "path.uscc"
