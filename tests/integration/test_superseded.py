"""A shutdown anywhere supersedes the other agencies' rectification cases, on the real broker
and database: energy orders an aluminium works shut down; the same enterprise's open
environment, quality and safety cases are marked superseded (not closed), naming the order; its
technology elimination case, whose work is the exit itself, goes on. A redelivered order changes
nothing; the city stops counting the superseded cases as open or overdue; an agency resumes one."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest
from conftest import Platform
from sqlalchemy import func, select
from support import eventually, make_uscc

from phaseout_shared.consumer import Delivery, apply_once
from phaseout_shared.db import outbox
from phaseout_shared.envelope import Envelope

pytestmark = pytest.mark.integration
rng = random.Random(1909)
SHUTDOWN = "phaseout.energy.shutdown.ordered.v1"
INDUSTRY = {
    "energy": "electrolytic_aluminium",
    "environment": "cement",
    "quality": "steel",
    "safety": "steel",
    "technology": "cement",
}
AGENCY = {"energy": "miit", "environment": "mee", "quality": "samr", "safety": "mem"}
AGENCY["technology"] = "miit"


def headers(platform: Platform, service: str) -> dict[str, str]:
    return platform.stack.headers(AGENCY[service], "baoan")


async def post(platform: Platform, service: str, path: str, body: dict[str, Any]) -> Any:
    r = await platform.clients[service].post(path, json=body, headers=headers(platform, service))
    assert r.status_code in (200, 201), r.text
    return r.json()


async def enterprise_with_open_cases(platform: Platform) -> tuple[str, dict[str, str]]:
    """One enterprise with an open case in each dimension; energy's is over the limit."""
    uscc = make_uscc(rng)
    for service, industry in INDUSTRY.items():
        body = {"uscc": uscc, "name": "某工厂", "district": "baoan", "industry": industry}
        await post(platform, service, "/v1/enterprises", {**body, "effective_on": "2019-04-01"})
    found = {"findings": "在线监测小时均值超特别排放限值", "effective_on": "2019-06-03"}
    measured = {"limit_id": "gb4915.kiln.nox", "facility": "2# 窑尾", "value": "352.5"}
    path = f"/v1/enterprises/{uscc}/measurements"
    environment = await post(platform, "environment", path, {**measured, **found, "unit": "mg/m³"})
    restrict = {"measure": "restrict_production", "deadline": "2019-09-30"}
    await post(
        platform,
        "environment",
        f"/v1/cases/{environment['case_id']}/measures",
        {**restrict, "effective_on": "2019-06-10"},
    )
    check = {"product": "热轧带肋钢筋", "standard": "GB/T 1499.2-2018", "passed": False}
    check |= {"failed_items": ["屈服强度"], "rectify_by": "2019-08-31"}
    path = f"/v1/enterprises/{uscc}/spot-checks"
    quality = await post(platform, "quality", path, {**check, "effective_on": "2019-06-03"})
    below = {"kind": "conditions_below_national_standard", "description": "未设报警仪"}
    order = {"item": "1 号高炉", "capacity_amount": "350000", "capacity_unit": "t/a"}
    inspection = {"inspectors": "宝安区应急管理局", "findings": [{**below, "reference": "GB 6222"}]}
    inspection |= {"suspension": {**order, "rectify_by": "2019-07-03"}}
    path = f"/v1/enterprises/{uscc}/inspections"
    safety = await post(platform, "safety", path, {**inspection, "effective_on": "2019-06-03"})
    item = {"item_id": "SK-2", "equipment": {"kind": "shaft_kiln"}, "capacity_unit": "t/a"}
    path = f"/v1/enterprises/{uscc}/items"
    technology = await post(
        platform,
        "technology",
        path,
        {**item, "capacity_amount": "200000", "effective_on": "2019-05-10"},
    )
    energy = await post(
        platform,
        "energy",
        f"/v1/enterprises/{uscc}/inspections",
        {
            "indicator_id": "gb21346.aluminium_liquid_ac_power",
            "measured_value": "13800",
            "unit": "kWh/t",
            "capacity_amount": "120000",
            "capacity_unit": "t/a",
            "effective_on": "2019-08-31",
        },
    )
    ids = {"environment": environment, "quality": quality, "safety": safety}
    ids |= {"technology": technology, "energy": energy}
    ids["safety"] = safety["case"]
    return uscc, {service: str(made["case_id"]) for service, made in ids.items()}


async def shut_down_by_energy(platform: Platform, case_id: str) -> None:
    again = {"measured_value": "13900", "unit": "kWh/t", "inspected_on": "2020-01-10"}
    await post(platform, "energy", f"/v1/cases/{case_id}/reinspection", again)
    await post(
        platform, "energy", f"/v1/cases/{case_id}/shutdown-order", {"ordered_on": "2020-01-15"}
    )


async def case(platform: Platform, service: str, case_id: str) -> dict[str, Any]:
    r = await platform.clients[service].get(
        f"/v1/cases/{case_id}", headers=headers(platform, service)
    )
    assert r.status_code == 200, r.text
    found: dict[str, Any] = r.json()
    return found


async def city_cases(platform: Platform, uscc: str, as_of: str) -> dict[str, dict[str, Any]]:
    r = await platform.clients["aggregator"].get(
        "/v1/cases", params={"uscc": uscc, "as_of": as_of}, headers=platform.stack.headers("miit")
    )
    assert r.status_code == 200, r.text
    return {row["dimension"]: row for row in r.json()}


async def test_an_energy_shutdown_supersedes_the_other_agencies_rectification(
    platform: Platform,
) -> None:
    uscc, ids = await enterprise_with_open_cases(platform)
    await shut_down_by_energy(platform, ids["energy"])

    async def superseded() -> dict[str, dict[str, Any]] | None:
        found = {s: await case(platform, s, ids[s]) for s in ("environment", "safety")}
        return found if all(c["state"] == "superseded" for c in found.values()) else None

    for service, seen in (await eventually(superseded)).items():
        (supersession,) = seen["supersessions"]
        assert supersession["trigger"]["event_type"] == SHUTDOWN, service
        assert supersession["trigger"]["dimension"] == "energy"
        assert supersession["superseded_on"] == "2020-01-15" and supersession["resumed_on"] is None
    # every case was past its deadline on 2020-01-15: overdue that day, swept or not
    # (docs/domain.md, 2); environment's and safety's overdue cases are superseded as overdue,
    # quality's is not (逾期不改正: its revocation goes on)
    assert (await case(platform, "environment", ids["environment"]))["supersessions"][0][
        "previous_state"
    ] == "overdue"
    assert (await case(platform, "technology", ids["technology"]))["state"] == "open"
    quality = await case(platform, "quality", ids["quality"])
    assert (quality["state"], quality["supersessions"]) == ("rectifying", [])
    listed = await platform.clients["quality"].get(
        "/v1/cases",
        params={"uscc": uscc, "state": "superseded"},
        headers=headers(platform, "quality"),
    )
    assert listed.json()["items"] == []

    await redelivered_changes_nothing(platform, uscc, ids["environment"])

    async def city_sees() -> dict[str, dict[str, Any]] | None:
        rows = await city_cases(platform, uscc, "2020-02-01")
        done = all(rows.get(d, {}).get("state") == "superseded" for d in ("environment", "safety"))
        return rows if done else None

    after = await eventually(city_sees, within=30)
    before = await city_cases(platform, uscc, "2020-01-14")
    for dimension in ("environment", "quality", "safety"):
        assert before[dimension]["overdue"] is True, dimension
    for dimension in ("environment", "safety"):
        assert (after[dimension]["open"], after[dimension]["overdue"]) == (False, False)
        assert after[dimension]["effective_on"] == "2020-01-15"
    assert (after["quality"]["open"], after["quality"]["overdue"]) == (True, True)
    assert after["technology"]["open"] is True
    r = await platform.clients["aggregator"].get(
        "/v1/overdue", params={"as_of": "2020-02-01"}, headers=platform.stack.headers("miit")
    )
    overdue = {row["dimension"] for row in r.json() if row["uscc"] == uscc}
    assert overdue - {"energy"} == {"quality"}

    await resumed_by_the_agency(platform, ids["environment"])


async def redelivered_changes_nothing(platform: Platform, uscc: str, case_id: str) -> None:
    """The order again — through the inbox, and past it as if its record had been purged."""
    async with platform.apps["energy"].state.db.sessions() as session:
        row = (
            await session.execute(
                select(outbox).where(outbox.c.subject == uscc, outbox.c.type == SHUTDOWN)
            )
        ).one()
    envelope = Envelope(row.event_id, row.type, row.source, row.subject, row.time, row.data)
    env = platform.apps["environment"]
    (spec,) = [c for c in env.state.spec.consumers if c.name == "environment-supersession"]
    delivery = Delivery("phaseout.energy.events", 0, 0)
    sessions = env.state.db.sessions
    before = await superseded_events(platform, uscc)
    assert before == 1
    applied = await apply_once(
        sessions, spec.name, spec.handler, envelope, envelope.payload(), delivery
    )
    assert applied is False
    async with sessions.begin() as session:
        await spec.handler(session, envelope, envelope.payload(), delivery)
    assert await superseded_events(platform, uscc) == before
    seen = await case(platform, "environment", case_id)
    assert seen["state"] == "superseded" and len(seen["supersessions"]) == 1


async def superseded_events(platform: Platform, uscc: str) -> int:
    async with platform.apps["environment"].state.db.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(outbox)
            .where(
                outbox.c.subject == uscc,
                outbox.c.type == "phaseout.environment.case.superseded.v1",
            )
        )
    return int(count or 0)


async def resumed_by_the_agency(platform: Platform, case_id: str) -> None:
    client: httpx.AsyncClient = platform.clients["environment"]
    path, mee = f"/v1/cases/{case_id}/resumption", headers(platform, "environment")
    reason = {"reason": "回头看: 企业恢复生产", "effective_on": "2020-03-02"}
    r = await client.post(path, json={**reason, "reason": "  "}, headers=mee)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "reason"
    r = await client.post(path, json={**reason, "effective_on": "2020-01-01"}, headers=mee)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "effective_on"
    r = await client.post(path, json=reason, headers=platform.stack.headers("samr", "baoan"))
    assert r.status_code == 403
    r = await client.post(path, json=reason, headers=mee)
    assert r.status_code == 200, r.text
    resumed = r.json()
    assert resumed["state"] == "overdue"
    assert resumed["supersessions"][0]["resumed_on"] == "2020-03-02"
    r = await client.post(path, json=reason, headers=mee)
    assert r.status_code == 409 and r.json()["detail"][0]["rule"] == "lifecycle.resume"
