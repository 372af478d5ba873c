"""Cross-agency subscriptions as tracked referrals, on the real broker and database: an item
that Table 5 eliminates asks drc for a differential electricity price and water for a
progressive water price; each receiver accepts, acts or declines; the city sees it all."""

from __future__ import annotations

import random
from typing import Any

import pytest
from conftest import Platform
from support import eventually, make_uscc

pytestmark = pytest.mark.integration
rng = random.Random(909)


async def eliminated_item(platform: Platform) -> str:
    uscc = make_uscc(rng)
    for service in ("technology", "energy"):
        r = await platform.clients[service].post(
            "/v1/enterprises",
            headers=platform.stack.headers("miit"),
            json={
                "uscc": uscc,
                "name": "某水泥厂",
                "district": "longhua",
                "industry": "cement",
                "effective_on": "2019-04-01",
            },
        )
        assert r.status_code == 201, r.text
    r = await platform.clients["technology"].post(
        f"/v1/enterprises/{uscc}/items",
        headers=platform.stack.headers("miit"),
        json={
            "item_id": "SK-2",
            "equipment": {"kind": "shaft_kiln"},
            "capacity_amount": "200000",
            "capacity_unit": "t/a",
            "effective_on": "2019-05-10",
        },
    )
    assert r.status_code == 201, r.text
    return uscc


async def punitive_price(platform: Platform, uscc: str, starts_on: str = "2019-06-01") -> str:
    """drc's punitive electricity price for the enterprise's eliminated capacity; its id."""
    r = await platform.clients["energy"].post(
        "/v1/pricing-measures",
        headers=platform.stack.headers("drc"),
        json={
            "uscc": uscc,
            "kind": "punitive_electricity",
            "basis": "eliminated_category",
            "basis_reference": "T5-cement-shaft-kiln",
            "starts_on": starts_on,
        },
    )
    assert r.status_code == 201, r.text
    measure_id: str = r.json()["measure_id"]
    return measure_id


async def referrals_at_energy(platform: Platform, uscc: str) -> list[dict[str, Any]] | None:
    """Both pricing referrals, as the city bureau reads them (drc reads only its own)."""
    r = await platform.clients["energy"].get(
        "/v1/referrals", params={"uscc": uscc}, headers=platform.stack.headers("miit")
    )
    items: list[dict[str, Any]] = r.json()["items"]
    return items if len(items) == 2 else None


async def test_eliminated_capacity_is_referred_to_drc_and_water(platform: Platform) -> None:
    uscc = await eliminated_item(platform)
    found = await eventually(lambda: referrals_at_energy(platform, uscc))
    by_kind = {r["kind"]: r for r in found}
    assert set(by_kind) == {"electricity_pricing", "water_pricing"}
    drc, water = by_kind["electricity_pricing"], by_kind["water_pricing"]
    assert (drc["receiver"], drc["sender"], drc["due_on"]) == ("drc", "technology", "2019-06-09")
    assert (
        drc["trigger_type"] == "phaseout.technology.case.opened.v1" and drc["state"] == "received"
    )

    energy = platform.clients["energy"]
    r = await energy.post(
        f"/v1/referrals/{drc['referral_id']}/acceptance",
        json={"effective_on": "2019-05-12"},
        headers=platform.stack.headers("water"),
    )
    assert r.status_code == 403, "only the receiving agency acts on a referral"
    r = await energy.post(
        f"/v1/referrals/{drc['referral_id']}/acceptance",
        json={"effective_on": "2019-05-12"},
        headers=platform.stack.headers("drc"),
    )
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    measure_id = await punitive_price(platform, uscc)
    r = await energy.post(
        f"/v1/referrals/{drc['referral_id']}/action",
        json={
            "reason": "惩罚性电价自2019-06-01起执行",
            "effective_on": "2019-05-20",
            "act_id": measure_id,
        },
        headers=platform.stack.headers("drc"),
    )
    assert r.status_code == 200 and r.json()["state"] == "acted_on"
    r = await energy.post(
        f"/v1/referrals/{drc['referral_id']}/declination",
        json={"reason": "x", "effective_on": "2019-05-21"},
        headers=platform.stack.headers("drc"),
    )
    assert r.status_code == 409
    r = await energy.post(
        f"/v1/referrals/{water['referral_id']}/declination",
        json={"reason": "", "effective_on": "2019-05-21"},
        headers=platform.stack.headers("water"),
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "reason"

    overdue = await energy.get(
        "/v1/referrals",
        params={"overdue_as_of": "2019-06-10"},
        headers=platform.stack.headers("water"),
    )
    assert water["referral_id"] in {x["referral_id"] for x in overdue.json()["items"]}

    async def city_view() -> dict[str, Any] | None:
        r = await platform.clients["aggregator"].get(
            f"/v1/enterprises/{uscc}", headers=platform.stack.headers("miit")
        )
        body = r.json() if r.status_code == 200 else None
        states = {x["kind"]: x["state"] for x in (body or {}).get("referrals", [])}
        return body if states.get("electricity_pricing") == "acted_on" else None

    view = await eventually(city_view)
    assert {x["kind"]: x["state"] for x in view["referrals"]} == {
        "electricity_pricing": "acted_on",
        "water_pricing": "received",
        "licence_cancellation": "received",  # samr hears of the elimination when it is ordered
    }
    late = (
        await platform.clients["aggregator"].get(
            "/v1/referrals",
            params={"overdue_as_of": "2019-06-10"},
            headers=platform.stack.headers("miit"),
        )
    ).json()
    assert {x["referral_id"] for x in late} >= {water["referral_id"]}
    assert drc["referral_id"] not in {x["referral_id"] for x in late}

    async def states_on(day: str) -> dict[str, str]:
        r = await platform.clients["aggregator"].get(
            f"/v1/enterprises/{uscc}", params={"as_of": day}, headers=platform.stack.headers("miit")
        )
        return {x["kind"]: x["state"] for x in r.json()["referrals"]}

    assert (await states_on("2019-05-15"))["electricity_pricing"] == "accepted"
    assert (await states_on("2019-05-20"))["electricity_pricing"] == "acted_on"
    early = await platform.clients["aggregator"].get(
        "/v1/referrals",
        params={"overdue_as_of": "2019-05-11", "uscc": uscc},
        headers=platform.stack.headers("miit"),
    )
    assert early.json() == [], "nothing was due yet on 11 May"


async def test_equipment_eliminated_by_technology_asks_samr_to_cancel_licences(
    platform: Platform,
) -> None:
    from test_aggregator_views import exited_kiln

    uscc, _ = await exited_kiln(platform, district="nanshan")

    async def at_quality() -> list[dict[str, Any]] | None:
        r = await platform.clients["quality"].get(
            "/v1/referrals", params={"uscc": uscc}, headers=platform.stack.headers("samr")
        )
        items: list[dict[str, Any]] = r.json()["items"]
        return items or None

    (referral,) = await eventually(at_quality)
    assert (referral["kind"], referral["receiver"], referral["trigger_type"]) == (
        "licence_cancellation",
        "samr",
        "phaseout.technology.case.opened.v1",
    )


async def test_a_ditiaogang_finding_asks_samr_to_investigate(platform: Platform) -> None:
    uscc = make_uscc(rng)
    r = await platform.clients["technology"].post(
        "/v1/enterprises",
        headers=platform.stack.headers("miit"),
        json={
            "uscc": uscc,
            "name": "某钢铁厂",
            "district": "baoan",
            "industry": "steel",
            "effective_on": "2019-04-01",
        },
    )
    assert r.status_code == 201, r.text
    r = await platform.clients["technology"].post(
        f"/v1/enterprises/{uscc}/items",
        headers=platform.stack.headers("miit"),
        json={
            "item_id": "IF-1",
            "equipment": {"kind": "ditiaogang_furnace"},
            "capacity_amount": "30000",
            "capacity_unit": "t/a",
            "effective_on": "2019-06-18",
        },
    )
    assert r.status_code == 201, r.text

    async def at_quality() -> list[dict[str, Any]] | None:
        r = await platform.clients["quality"].get(
            "/v1/referrals", params={"uscc": uscc}, headers=platform.stack.headers("samr")
        )
        kinds = {x["kind"]: x for x in r.json()["items"]}
        return [kinds["ditiaogang_investigation"]] if "ditiaogang_investigation" in kinds else None

    (referral,) = await eventually(at_quality)
    assert referral["due_on"] == "2019-07-03" and referral["state"] == "received"
