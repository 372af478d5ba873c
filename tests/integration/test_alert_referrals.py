"""Alerts as work, on the real stack: a revival-watch alert is a `revival_check` referral to the
agency whose order the readings break, at that agency's own service, due on the alert's check
date; the agency's answer carries the on-site check's outcome and closes the alert at the
technology service, and the city sees it closed.

mee suspends a cement works for rectification (停产整治) and its account draws 60 % of its former
power two months later: mee answers "explained: 办公照明" at the environment service. mee closes
another works (责令关闭) that draws power again: mee's answer confirms the revival, its case
re-opens as a re-check that found it running, and the city's exit list shows the line revived
from the check's date. Only the agency named answers (403), once (409), with an outcome it
names (422).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from conftest import Platform
from support import eventually, make_uscc
from test_revival_watch import HEADER, exit_row, load, revived_exit

pytestmark = pytest.mark.integration
rng = random.Random(2019_0901)
DISTRICT = "guangming"
GOVERNMENT = "光明区人民政府"
BASELINE = [f"2018-{m:02d}" for m in range(6, 13)] + [f"2019-{m:02d}" for m in range(1, 6)]


def mee(platform: Platform) -> dict[str, str]:
    return platform.stack.headers("mee", DISTRICT)


async def works_over_its_limit(platform: Platform) -> tuple[str, str]:
    """A cement works registered at the environment service, and the case its measurement over
    the limit opened on 2019-06-03."""
    env = platform.clients["environment"]
    uscc = make_uscc(rng)
    body = {
        "uscc": uscc,
        "name": "深圳市光明某水泥有限公司",
        "district": DISTRICT,
        "industry": "cement",
        "effective_on": "2019-04-01",
    }
    r = await env.post("/v1/enterprises", json=body, headers=mee(platform))
    assert r.status_code == 201, r.text
    sample = {
        "limit_id": "gb4915.kiln.nox",
        "facility": "1# 窑尾排气筒",
        "value": "352.5",
        "unit": "mg/m³",
        "findings": "在线监测小时均值超特别排放限值",
        "effective_on": "2019-06-03",
    }
    r = await env.post(f"/v1/enterprises/{uscc}/measurements", json=sample, headers=mee(platform))
    assert r.status_code == 201 and r.json()["case_id"], r.text
    return uscc, str(r.json()["case_id"])


async def readings_after(platform: Platform, uscc: str, august_kwh: int) -> None:
    """A year at 100 000 kWh a month before June 2019, then June's and August's readings."""
    kwh = dict.fromkeys(BASELINE, 100_000) | {"2019-06": 30_000, "2019-08": august_kwh}
    rows = [
        f"{uscc},GD-{uscc[-8:]},深圳市光明区某路{uscc[-6:]}号,{DISTRICT},{p},{n},{n // 500}"
        for p, n in kwh.items()
    ]
    r = await load(platform, "electricity", "\n".join([HEADER, *rows]) + "\n")
    assert r.status_code == 201, r.text


async def alert_of(platform: Platform, uscc: str) -> dict[str, Any]:
    async def raised() -> dict[str, Any] | None:
        r = await platform.clients["technology"].get(
            "/v1/watch/alerts", params={"uscc": uscc}, headers=platform.stack.headers("miit")
        )
        items = r.json()["items"]
        return items[0] if items else None

    return await eventually(raised, within=180)


async def referral_at_environment(platform: Platform, uscc: str) -> dict[str, Any]:
    async def received() -> dict[str, Any] | None:
        r = await platform.clients["environment"].get(
            "/v1/referrals", params={"uscc": uscc}, headers=mee(platform)
        )
        items = [x for x in r.json()["items"] if x["kind"] == "revival_check"]
        return items[0] if items else None

    return await eventually(received, within=180)


async def answer(
    platform: Platform, referral: dict[str, Any], headers: dict[str, str], **body: Any
) -> httpx.Response:
    return await platform.clients["environment"].post(
        f"/v1/referrals/{referral['referral_id']}/action", json=body, headers=headers
    )


async def closed_at_technology(platform: Platform, alert_id: str) -> dict[str, Any]:
    async def closed() -> dict[str, Any] | None:
        r = await platform.clients["technology"].get(
            f"/v1/watch/alerts/{alert_id}", headers=platform.stack.headers("miit")
        )
        return r.json() if r.json()["state"] != "open" else None

    return await eventually(closed, within=180)


async def city_alert(platform: Platform, uscc: str, as_of: str) -> dict[str, Any] | None:
    r = await platform.clients["aggregator"].get(
        "/v1/watch/alerts",
        params={"uscc": uscc, "as_of": as_of},
        headers=platform.stack.headers("miit"),
    )
    assert r.status_code == 200, r.text
    found = r.json()
    return found[0] if found else None


async def test_mee_explains_power_drawn_during_its_suspension_and_the_alert_closes(
    platform: Platform,
) -> None:
    uscc, case_id = await works_over_its_limit(platform)
    measure = {
        "measure": "suspend_for_rectification",
        "deadline": "2019-12-31",
        "effective_on": "2019-06-10",
    }
    r = await platform.clients["environment"].post(
        f"/v1/cases/{case_id}/measures", json=measure, headers=mee(platform)
    )
    assert r.status_code == 200 and r.json()["state"] == "suspended_for_rectification", r.text
    await readings_after(platform, uscc, 60_000)

    alert = await alert_of(platform, uscc)
    assert (alert["rule"], alert["to"], alert["order_case"]) == (
        "W-environment-suspension",
        ["mee"],
        case_id,
    )
    assert (alert["raised_on"], alert["check_by"]) == ("2019-09-01", "2019-09-16")

    referral = await referral_at_environment(platform, uscc)
    assert (referral["receiver"], referral["sender"], referral["state"]) == (
        "mee",
        "technology",
        "received",
    )
    assert (referral["alert_id"], referral["due_on"]) == (alert["alert_id"], alert["check_by"])
    assert referral["trigger_type"] == "phaseout.technology.watch_alert.raised.v1"

    async def overdue_in_city() -> dict[str, Any] | None:
        r = await platform.clients["aggregator"].get(
            "/v1/referrals",
            params={"uscc": uscc, "overdue_as_of": "2019-09-20"},
            headers=platform.stack.headers("miit"),
        )
        items = [x for x in r.json() if x["kind"] == "revival_check"]
        return items[0] if items else None

    assert (await eventually(overdue_in_city))["receiver"] == "mee"

    explained = {"outcome": "explained", "reason": "办公照明", "effective_on": "2019-09-05"}
    for who in ("samr", "miit", "mem"):
        r = await answer(platform, referral, platform.stack.headers(who), **explained)
        assert r.status_code == 403, (who, r.text)
    r = await answer(platform, referral, mee(platform), **explained | {"outcome": "maybe"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "outcome", r.text
    without = {k: v for k, v in explained.items() if k != "outcome"}
    r = await answer(platform, referral, mee(platform), **without)
    assert r.status_code == 422, r.text
    assert (r.json()["detail"][0]["field"], r.json()["detail"][0]["rule"]) == (
        "outcome",
        "referral.check_outcome",
    )
    r = await answer(platform, referral, mee(platform), **explained)
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["outcome"], r.json()["reason"]) == (
        "acted_on",
        "explained",
        "办公照明",
    )
    again = await answer(platform, referral, mee(platform), **explained)
    assert again.status_code == 409, again.text

    closed = await closed_at_technology(platform, alert["alert_id"])
    assert (closed["state"], closed["reason"], closed["closed_on"]) == (
        "explained",
        "办公照明",
        "2019-09-05",
    )
    assert (closed["closed_by"], closed["referral_id"]) == ("mee", referral["referral_id"])
    late = await platform.clients["technology"].post(
        f"/v1/watch/alerts/{alert['alert_id']}/outcome",
        json=explained | {"outcome": "false_reading"},
        headers=platform.stack.headers("miit", DISTRICT),
    )
    assert late.status_code == 409 and late.json()["detail"][0]["rule"] == (
        "watch.alert_closed_once"
    )

    async def closed_in_city() -> dict[str, Any] | None:
        found = await city_alert(platform, uscc, "2019-09-30")
        return found if found and found["state"] == "closed" else None

    seen = await eventually(closed_in_city, within=180)
    assert (seen["outcome"], seen["reason"], seen["closed_on"], seen["agencies"]) == (
        "explained",
        "办公照明",
        "2019-09-05",
        ["mee"],
    )

    async def answered_in_city() -> dict[str, Any] | None:
        r = await platform.clients["aggregator"].get(
            "/v1/referrals",
            params={"uscc": uscc, "as_of": "2019-09-30"},
            headers=platform.stack.headers("miit"),
        )
        items = [x for x in r.json() if x["kind"] == "revival_check"]
        return items[0] if items and items[0]["state"] == "acted_on" else None

    answered = await eventually(answered_in_city)
    assert (answered["outcome"], answered["alert_id"], answered["answered_by"]) == (
        "explained",
        alert["alert_id"],
        "mee",
    )
    before = await city_alert(platform, uscc, "2019-09-04")
    assert before is not None and before["state"] == "open"
    state = await platform.clients["environment"].get(f"/v1/cases/{case_id}", headers=mee(platform))
    assert state.json()["state"] == "suspended_for_rectification", "explained: nothing re-opens"


async def test_mee_confirms_a_closed_works_revived_and_the_exit_list_shows_it(
    platform: Platform,
) -> None:
    env = platform.clients["environment"]
    uscc, case_id = await works_over_its_limit(platform)
    path = f"/v1/cases/{case_id}"
    proposal = {
        "government": GOVERNMENT,
        "grounds": "超标排放，情节严重",
        "scope": "line",
        "item": "1# 熟料生产线",
        "capacity_amount": "600000",
        "capacity_unit": "t/a",
        "effective_on": "2019-06-05",
    }
    steps = [
        ("closure-proposal", proposal),
        (
            "closure-approval",
            {"government": GOVERNMENT, "approved_by": "区长", "effective_on": "2019-06-08"},
        ),
        ("closure-order", {"order": "close", "effective_on": "2019-06-12"}),
    ]
    for step, body in steps:
        r = await env.post(f"{path}/{step}", json=body, headers=mee(platform))
        assert r.status_code == 200, r.text
    assert r.json()["state"] == "closed"
    await readings_after(platform, uscc, 50_000)

    alert = await alert_of(platform, uscc)
    assert (alert["rule"], alert["to"]) == ("W-closure", ["mee"])
    referral = await referral_at_environment(platform, uscc)
    assert referral["order_case"] == case_id

    confirmed = {
        "outcome": "revival_confirmed",
        "reason": "现场检查：熟料线恢复生产",
        "effective_on": "2019-09-10",
    }
    r = await answer(platform, referral, mee(platform), **confirmed)
    assert r.status_code == 200 and r.json()["outcome"] == "revival_confirmed", r.text
    case = (await env.get(path, headers=mee(platform))).json()
    assert (case["state"], case["reopened"]) == ("open", True)
    assert alert["alert_id"] in case["rechecks"][-1]["findings"]

    closed = await closed_at_technology(platform, alert["alert_id"])
    assert (closed["state"], closed["closed_by"]) == ("revival_confirmed", "mee")

    row = await eventually(lambda: revived_exit(platform, uscc, DISTRICT), within=180)
    assert (row["dimension"], row["item"], row["exited_on"]) == (
        "environment",
        "1# 熟料生产线",
        "2019-06-12",
    )
    before = await exit_row(platform, uscc, DISTRICT, "2019-09-09")
    assert before is not None and before["status"] == "exited"

    async def confirmed_in_city() -> dict[str, Any] | None:
        found = await city_alert(platform, uscc, "2019-12-31")
        return found if found and found["state"] == "closed" else None

    assert (await eventually(confirmed_in_city, within=180))["outcome"] == "revival_confirmed"


async def test_mem_answers_its_suspensions_alert_at_the_safety_service(
    platform: Platform,
) -> None:
    """Safety's own suspension (停产停业整顿) broken: the check is mem's, at safety."""
    safety = platform.clients["safety"]
    mem = platform.stack.headers("mem", DISTRICT)
    uscc = make_uscc(rng)
    await suspended_blast_furnace(
        platform, uscc, DISTRICT, registered_on="2019-04-01", inspected_on="2019-06-03"
    )
    await readings_after(platform, uscc, 70_000)

    alert = await alert_of(platform, uscc)
    assert (alert["rule"], alert["to"]) == ("W-safety-suspension", ["mem"])

    async def received() -> dict[str, Any] | None:
        r = await safety.get("/v1/referrals", params={"uscc": uscc}, headers=mem)
        items = [x for x in r.json()["items"] if x["kind"] == "revival_check"]
        return items[0] if items else None

    referral = await eventually(received, within=180)
    assert (referral["receiver"], referral["due_on"]) == ("mem", alert["check_by"])
    path = f"/v1/referrals/{referral['referral_id']}/action"
    misread = {"outcome": "false_reading", "reason": "电表倍率错误", "effective_on": "2019-09-03"}
    r = await safety.post(path, json=misread, headers=mee(platform))
    assert r.status_code == 403, r.text
    r = await safety.post(path, json=misread, headers=mem)
    assert r.status_code == 200, r.text

    closed = await closed_at_technology(platform, alert["alert_id"])
    assert (closed["state"], closed["reason"], closed["closed_by"]) == (
        "false_reading",
        "电表倍率错误",
        "mem",
    )


async def test_an_energy_shutdowns_check_is_miits_and_drcs_at_the_energy_service(
    platform: Platform,
) -> None:
    """Energy's shutdown order (依法关停退出, miit and drc by their duties) broken: both are
    asked at the energy service, none at technology; drc's answer closes the alert."""
    from test_energy_service import KWH, act, opened_case

    uscc, case_id = await opened_case(platform)
    r = await act(platform, case_id, "reinspection", {"inspected_on": "2020-01-10", **KWH("13900")})
    assert r.status_code == 200 and r.json()["state"] == "shutdown_required", r.text
    r = await act(platform, case_id, "shutdown-order", {"ordered_on": "2020-01-15"})
    assert r.status_code == 200, r.text
    months = [f"2019-{m:02d}" for m in range(1, 13)]
    kwh = dict.fromkeys(months, 200_000) | {"2020-01": 80_000, "2020-03": 90_000}
    rows = [
        f"{uscc},GD-{uscc[-8:]},深圳市宝安区某路{uscc[-6:]}号,baoan,{p},{n},{n // 500}"
        for p, n in kwh.items()
    ]
    r = await load(platform, "electricity", "\n".join([HEADER, *rows]) + "\n")
    assert r.status_code == 201, r.text

    alert = await alert_of(platform, uscc)
    assert (alert["rule"], alert["to"], alert["order_case"]) == (
        "W-energy-shutdown",
        ["miit", "drc"],
        case_id,
    )

    async def at_energy() -> dict[str, Any] | None:
        r = await platform.clients["energy"].get(
            "/v1/referrals", params={"uscc": uscc}, headers=platform.stack.headers("miit")
        )
        found = {x["receiver"]: x for x in r.json()["items"] if x["kind"] == "revival_check"}
        return found if len(found) == 2 else None

    checks = await eventually(at_energy, within=180)
    assert {x["due_on"] for x in checks.values()} == {alert["check_by"]}
    at_technology = await platform.clients["technology"].get(
        "/v1/referrals", params={"uscc": uscc}, headers=platform.stack.headers("miit")
    )
    assert [x for x in at_technology.json()["items"] if x["kind"] == "revival_check"] == []

    explained = {"outcome": "explained", "reason": "许可的新建生产线", "effective_on": "2020-04-08"}
    path = f"/v1/referrals/{checks['drc']['referral_id']}/action"
    r = await platform.clients["energy"].post(
        path, json=explained, headers=platform.stack.headers("miit")
    )
    assert r.status_code == 403, "miit answers its own referral"
    r = await platform.clients["energy"].post(
        path, json=explained, headers=platform.stack.headers("drc")
    )
    assert r.status_code == 200, r.text
    closed = await closed_at_technology(platform, alert["alert_id"])
    assert (closed["state"], closed["closed_by"]) == ("explained", "drc")


async def suspended_blast_furnace(
    platform: Platform, uscc: str, district: str, *, registered_on: str, inspected_on: str
) -> str:
    """A steel works registered at safety whose inspection found its gas area without alarms
    and suspended its blast furnace for a month (停产停业整顿); the suspension case's path."""
    safety, mem = platform.clients["safety"], platform.stack.headers("mem", district)
    body = {
        "uscc": uscc,
        "name": f"深圳市某钢铁有限公司{uscc[-4:]}",
        "district": district,
        "industry": "steel",
        "effective_on": registered_on,
    }
    assert (await safety.post("/v1/enterprises", json=body, headers=mem)).status_code == 201
    inspected = date.fromisoformat(inspected_on)
    inspection = {
        "inspectors": "应急管理局执法一队",
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
            "rectify_by": (inspected + timedelta(days=30)).isoformat(),
        },
        "effective_on": inspected_on,
    }
    r = await safety.post(f"/v1/enterprises/{uscc}/inspections", json=inspection, headers=mem)
    assert r.status_code == 201, r.text
    return f"/v1/cases/{r.json()['case']['case_id']}"
