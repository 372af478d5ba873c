"""Referrals that close the loop, on the real broker and database: an answer "acted on" points at
the act the platform records (refused if that act does not exist or is another enterprise's), the
city sees the link and the price it put in force, and reads who declined, when and why."""

from __future__ import annotations

import random
import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from conftest import Platform
from support import eventually, make_uscc

pytestmark = pytest.mark.integration
rng = random.Random(2323)


async def register(platform: Platform, uscc: str, *services: str, **over: str) -> None:
    for service in services:
        r = await platform.clients[service].post(
            "/v1/enterprises",
            headers=platform.stack.headers("miit"),
            json={
                "uscc": uscc,
                "name": "深圳市某水泥粉磨有限公司",
                "district": "longhua",
                "industry": "cement",
                "effective_on": "2019-04-01",
                **over,
            },
        )
        assert r.status_code == 201, r.text


async def price(platform: Platform, agency: str, uscc: str, kind: str) -> str:
    r = await platform.clients["energy"].post(
        "/v1/pricing-measures",
        headers=platform.stack.headers(agency),
        json={
            "uscc": uscc,
            "kind": kind,
            "basis": "eliminated_category",
            "basis_reference": "T5-cement-mill",
            "starts_on": "2019-06-01",
        },
    )
    assert r.status_code == 201, r.text
    measure_id: str = r.json()["measure_id"]
    return measure_id


async def referrals_at_energy(platform: Platform, uscc: str) -> dict[str, Any] | None:
    """Both pricing referrals, read by the city bureau (drc and water each read only its own)."""
    r = await platform.clients["energy"].get(
        "/v1/referrals", params={"uscc": uscc}, headers=platform.stack.headers("miit")
    )
    found = {x["kind"]: x for x in r.json()["items"]}
    return found if len(found) == 2 else None


async def answer(
    platform: Platform, referral: dict[str, Any], step: str, **body: Any
) -> httpx.Response:
    return await platform.clients["energy"].post(
        f"/v1/referrals/{referral['referral_id']}/{step}",
        json=body,
        headers=platform.stack.headers(referral["receiver"]),
    )


def refused_on_act_id(r: httpx.Response, rule: str) -> str:
    assert r.status_code == 422, r.text
    (detail,) = r.json()["detail"]
    assert (detail["field"], detail["rule"]) == ("act_id", rule)
    reason: str = detail["reason"]
    return reason


async def city_referrals(platform: Platform, uscc: str, **params: str) -> dict[str, Any]:
    r = await platform.clients["aggregator"].get(
        "/v1/referrals", params={"uscc": uscc, **params}, headers=platform.stack.headers("miit")
    )
    assert r.status_code == 200, r.text
    return {x["kind"]: x for x in r.json()}


async def test_an_answer_points_at_the_price_and_the_city_reads_why(platform: Platform) -> None:
    uscc, neighbour = make_uscc(rng), make_uscc(rng)
    await register(platform, uscc, "technology", "energy")
    await register(platform, neighbour, "energy", name="深圳市另一水泥有限公司")
    r = await platform.clients["technology"].post(
        f"/v1/enterprises/{uscc}/items",
        headers=platform.stack.headers("miit"),
        json={
            "item_id": "1# 水泥磨",
            "equipment": {"kind": "cement_mill", "diameter_m": 2.2},
            "capacity_amount": "300000",
            "capacity_unit": "t/a",
            "effective_on": "2019-05-10",
        },
    )
    assert r.status_code == 201 and r.json()["verdict"]["verdict"] == "eliminate", r.text
    found = await eventually(lambda: referrals_at_energy(platform, uscc))
    drc, water = found["electricity_pricing"], found["water_pricing"]
    acted = {"reason": "执行惩罚性电价", "effective_on": "2019-06-01"}

    reason = refused_on_act_id(await answer(platform, drc, "action", **acted), "referral.act_named")
    assert "pricing measure" in reason
    unknown = str(uuid.uuid4())
    r = await answer(platform, drc, "action", **acted, act_id=unknown)
    assert unknown in refused_on_act_id(r, "referral.act_exists")
    theirs = await price(platform, "drc", neighbour, "punitive_electricity")
    r = await answer(platform, drc, "action", **acted, act_id=theirs)
    assert uscc in refused_on_act_id(r, "referral.act_same_enterprise")
    water_price = await price(platform, "water", uscc, "progressive_water")
    r = await answer(platform, drc, "action", **acted, act_id=water_price)
    assert "progressive_water" in refused_on_act_id(r, "referral.act_fits_kind")
    held = await platform.clients["energy"].get(
        "/v1/referrals", params={"uscc": uscc}, headers=platform.stack.headers("drc")
    )
    assert {x["state"] for x in held.json()["items"]} == {"received"}, "nothing half-done"

    ours = await price(platform, "drc", uscc, "punitive_electricity")
    r = await answer(platform, drc, "action", **acted, act_id=ours)
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["act_type"], r.json()["act_id"]) == (
        "acted_on",
        "pricing_measure",
        ours,
    )
    why = "该企业水泥粉磨用水未超定额、未超计划，不适用累进加价"
    r = await answer(platform, water, "declination", reason=why, effective_on="2019-06-05")
    assert r.status_code == 200 and r.json()["state"] == "declined", r.text

    async def answered() -> dict[str, Any] | None:
        seen = await city_referrals(platform, uscc, as_of="2019-07-01")
        states = {kind: x["state"] for kind, x in seen.items()}
        done = (states.get("electricity_pricing"), states.get("water_pricing")) == (
            "acted_on",
            "declined",
        )
        return seen if done else None

    seen = await eventually(answered)
    link = seen["electricity_pricing"]["act"]
    assert {k: link[k] for k in ("type", "id", "kind", "since", "until", "in_force")} == {
        "type": "pricing_measure",
        "id": ours,
        "kind": "punitive_electricity",
        "since": "2019-06-01",
        "until": None,
        "in_force": True,
    }
    assert seen["electricity_pricing"]["act_ended"] is False
    declined = seen["water_pricing"]
    assert (declined["answered_by"], declined["answered_on"], declined["reason"]) == (
        "water",
        "2019-06-05",
        why,
    )
    page = await platform.clients["aggregator"].get(
        f"/v1/enterprises/{uscc}",
        params={"as_of": "2019-07-01"},
        headers=platform.stack.headers("miit"),
    )
    on_page = {x["kind"]: x for x in page.json()["referrals"]}
    assert on_page["water_pricing"]["reason"] == why
    acted_by = {
        (e["type"], e["data"].get("kind")): e["acting_agency"] for e in page.json()["timeline"]
    }
    assert acted_by[("phaseout.energy.referral.declined.v2", "water_pricing")] == "water"
    assert acted_by[("phaseout.energy.referral.acted_on.v2", "electricity_pricing")] == "drc"
    assert acted_by[("phaseout.energy.referral.received.v2", "water_pricing")] is None, (
        "received by the service's consumer: no officer acted"
    )
    assert on_page["electricity_pricing"]["act"]["id"] == ours
    only_declined = await city_referrals(platform, uscc, state="declined", as_of="2019-07-01")
    assert set(only_declined) == {"water_pricing"}

    r = await platform.clients["energy"].post(
        f"/v1/pricing-measures/{ours}/end",
        json={"ends_on": "2019-08-31"},
        headers=platform.stack.headers("drc"),
    )
    assert r.status_code == 200, r.text

    async def lapsed() -> dict[str, Any] | None:
        seen = await city_referrals(platform, uscc, as_of="2019-09-30")
        pricing = seen["electricity_pricing"]
        return pricing if pricing["act_ended"] else None

    pricing = await eventually(lapsed)
    assert (pricing["act"]["in_force"], pricing["act"]["until"]) == (False, "2019-08-31")
    before = (await city_referrals(platform, uscc, as_of="2019-08-31"))["electricity_pricing"]
    assert before["act"]["in_force"] is True and before["act_ended"] is False


async def test_the_overdue_list_shows_who_declined_when_and_why(platform: Platform) -> None:
    from test_energy_service import opened_case

    uscc, case_id = await opened_case(platform)
    found = await eventually(lambda: referrals_at_energy(platform, uscc))
    why = "电解铝企业用水由供水企业按定额管理，另案处理"
    r = await answer(
        platform, found["water_pricing"], "declination", reason=why, effective_on="2019-09-10"
    )
    assert r.status_code == 200, r.text

    async def listed() -> dict[str, Any] | None:
        r = await platform.clients["aggregator"].get(
            "/v1/overdue", params={"as_of": "2020-03-15"}, headers=platform.stack.headers("miit")
        )
        row = next((c for c in r.json() if c["case_id"] == case_id), None)
        return row if row and row["referrals_declined"] else None

    row = await eventually(listed)
    (declined,) = row["referrals_declined"]
    assert (declined["kind"], declined["answered_by"], declined["answered_on"]) == (
        "water_pricing",
        "water",
        "2019-09-10",
    )
    assert declined["reason"] == why


async def test_samrs_answer_names_its_cancellation_request(platform: Platform) -> None:
    from test_aggregator_views import exited_kiln
    from test_aggregator_views import register as register_at

    uscc, case_id = await exited_kiln(platform, district="nanshan")
    await register_at(platform, "quality", "samr", uscc, district="nanshan")

    async def at_quality() -> dict[str, Any] | None:
        r = await platform.clients["quality"].get(
            "/v1/referrals", params={"uscc": uscc}, headers=platform.stack.headers("samr")
        )
        items = r.json()["items"]
        return items[0] if items else None

    referral = await eventually(at_quality)
    quality, samr = platform.clients["quality"], platform.stack.headers("samr")
    path = f"/v1/referrals/{referral['referral_id']}/action"
    acted = {"reason": "已提请发证机关注销生产许可证", "effective_on": "2019-07-01"}
    refused_on_act_id(await quality.post(path, json=acted, headers=samr), "referral.act_named")
    r = await quality.post(path, json={**acted, "act_id": case_id}, headers=samr)
    refused_on_act_id(r, "referral.act_exists")
    number = f"XK08-001-{rng.randrange(10**5):05d}"
    r = await quality.post(
        f"/v1/enterprises/{uscc}/licences",
        headers=samr,
        json={
            "licence_number": number,
            "products": ["陶瓷砖"],
            "issuer": "广东省市场监督管理局",
            "valid_from": "2017-03-01",
            "valid_until": "2022-02-28",
            "effective_on": "2019-04-20",
        },
    )
    assert r.status_code == 201, r.text
    r = await quality.post(
        f"/v1/licences/{number}/cancellation-requests",
        headers=samr,
        json={
            "ground": "technology",
            "shutdown_reference": f"technology case {case_id}",
            "shut_down_on": "2019-06-20",
            "effective_on": "2019-07-01",
        },
    )
    assert r.status_code == 201, r.text
    request_id = r.json()["request_id"]
    r = await quality.post(path, json={**acted, "act_id": request_id}, headers=samr)
    assert r.status_code == 200 and r.json()["act_id"] == request_id, r.text

    async def linked() -> dict[str, Any] | None:
        seen = (await city_referrals(platform, uscc, as_of="2019-07-31")).get(
            "licence_cancellation"
        )
        return seen if seen and seen["state"] == "acted_on" else None

    seen = await eventually(linked)
    assert seen["act"] == {
        "type": "cancellation_request",
        "id": request_id,
        "kind": None,
        "since": None,
        "until": None,
        "in_force": None,
    }
    assert seen["act_ended"] is False


async def test_the_demo_citys_answers_name_real_acts(platform: Platform) -> None:
    """The demo's receivers put the price in force and name it, so its answers are accepted."""
    from phaseout_cli.demo_run import Client, act_taken

    uscc = make_uscc(rng)
    await register(platform, uscc, "technology", "energy")
    r = await platform.clients["technology"].post(
        f"/v1/enterprises/{uscc}/items",
        headers=platform.stack.headers("miit"),
        json={
            "item_id": "2# 水泥磨",
            "equipment": {"kind": "cement_mill", "diameter_m": 2.4},
            "capacity_amount": "200000",
            "capacity_unit": "t/a",
            "effective_on": "2019-05-12",
        },
    )
    assert r.status_code == 201, r.text
    found = await eventually(lambda: referrals_at_energy(platform, uscc))
    mounts = {f"http://{name}": httpx.ASGITransport(app=app) for name, app in platform.apps.items()}
    async with httpx.AsyncClient(mounts=mounts) as http:
        demo = Client(http, {n: f"http://{n}" for n in platform.apps}, platform.stack.private_key)
        for kind, x in found.items():
            act_id = await act_taken(demo, x, date(2019, 5, 22))
            assert isinstance(act_id, str), kind
            acted = {"reason": "demo", "effective_on": "2019-05-22", "act_id": act_id}
            r = await answer(platform, x, "action", **acted)
            assert r.status_code == 200 and r.json()["act_type"] == "pricing_measure", r.text
