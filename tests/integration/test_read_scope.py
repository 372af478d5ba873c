"""Who sees what, on the real broker and database (README, Security, "Who sees what").

A caller sees a fact only if the agency that owns it recorded it inside the caller's scope. The
story: technology (miit, city) registers a cement works in luohu and finds a shaft kiln, which
opens an elimination case and asks drc and water for prices. Then an officer of another
district, futian, puts the same code on an energy register of futian: the registration is
accepted (it is energy's own fact), but it is a conflict for the city bureau, never a key to
luohu's record.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from conftest import Platform
from support import eventually, make_uscc

pytestmark = pytest.mark.integration
rng = random.Random(1414)
HOME, OTHER = "luohu", "futian"
PRICING = {"electricity_pricing", "water_pricing"}
"""The referrals at energy that the kiln causes (samr hears of it too, at quality)."""


def enterprise(uscc: str, district: str, name: str = "深圳市某水泥有限公司") -> dict[str, Any]:
    return {
        "uscc": uscc,
        "name": name,
        "district": district,
        "industry": "cement",
        "effective_on": "2019-04-01",
    }


async def kiln_in_luohu(platform: Platform) -> tuple[str, str]:
    """A luohu works whose shaft kiln opens a technology case; its two pricing referrals."""
    uscc = make_uscc(rng)
    tech, h = platform.clients["technology"], platform.stack.headers("miit")
    r = await tech.post("/v1/enterprises", json=enterprise(uscc, HOME), headers=h)
    assert r.status_code == 201, r.text
    r = await tech.post(
        f"/v1/enterprises/{uscc}/items",
        headers=h,
        json={
            "item_id": "SK-1",
            "equipment": {"kind": "shaft_kiln"},
            "capacity_amount": "200000",
            "capacity_unit": "t/a",
            "effective_on": "2019-05-10",
        },
    )
    assert r.status_code == 201, r.text
    return uscc, r.json()["case_id"]


async def city_view(platform: Platform, uscc: str) -> dict[str, Any] | None:
    """The city bureau's view once both registrations, the case and the referrals are in."""
    r = await platform.clients["aggregator"].get(
        f"/v1/enterprises/{uscc}", headers=platform.stack.headers("miit")
    )
    body: dict[str, Any] | None = r.json() if r.status_code == 200 else None
    if body is None or len(body["supervised_by"]) < 2 or len(body["referrals"]) < 2:
        return None
    return body if body["cases"] else None


@pytest.fixture(scope="module")
async def claimed(platform: Platform) -> dict[str, Any]:
    """The luohu works, claimed on futian's energy register by a futian miit officer."""
    uscc, case_id = await kiln_in_luohu(platform)
    r = await platform.clients["energy"].post(
        "/v1/enterprises",
        json=enterprise(uscc, OTHER, "某冒名登记厂"),
        headers=platform.stack.headers("miit", OTHER),
    )
    assert r.status_code == 201, r.text
    view = await eventually(lambda: city_view(platform, uscc), within=30)
    return {"uscc": uscc, "case_id": case_id, "view": view}


async def read(platform: Platform, uscc: str, agency: str | None, district: str) -> Any:
    return await platform.clients["aggregator"].get(
        f"/v1/enterprises/{uscc}", headers=platform.stack.headers(agency, district)
    )


async def test_the_city_bureau_sees_the_conflict(claimed: dict[str, Any]) -> None:
    view = claimed["view"]
    assert set(view["supervised_by"]) == {"energy", "technology"}
    districts = next(c for c in view["conflicts"] if c["field"] == "district")
    assert districts["values"] == {HOME: ["technology"], OTHER: ["energy"]}
    assert claimed["case_id"] in {c["case_id"] for c in view["cases"]}


async def test_the_city_bureau_lists_the_conflicting_registers(
    platform: Platform, claimed: dict[str, Any]
) -> None:
    agg, uscc = platform.clients["aggregator"], claimed["uscc"]
    r = await agg.get(
        "/v1/registers/conflicts",
        params={"field": "district"},
        headers=platform.stack.headers("miit"),
    )
    assert r.status_code == 200, r.text
    found = next(x for x in r.json() if x["uscc"] == uscc)
    assert found["conflicts"] == [
        {"field": "district", "values": {HOME: ["technology"], OTHER: ["energy"]}}
    ]
    assert [a["dimension"] for a in found["agencies"]] == ["energy", "technology"]
    r = await agg.get("/v1/registers/conflicts", headers=platform.stack.headers(None, OTHER))
    assert r.status_code == 403 and r.json()["detail"][0]["field"] == "jurisdiction"
    r = await agg.get("/v1/registers/conflicts", headers=platform.stack.headers("water"))
    assert r.status_code == 200 and uscc not in {x["uscc"] for x in r.json()}


@pytest.mark.parametrize("agency", ["miit", None])
async def test_a_registration_elsewhere_is_no_key_to_the_record(
    platform: Platform, claimed: dict[str, Any], agency: str | None
) -> None:
    """A futian miit officer, and futian's government, read futian's facts only: energy's
    registration, not technology's luohu timeline, case, referrals or identity."""
    r = await read(platform, claimed["uscc"], agency, OTHER)
    assert r.status_code == 200, r.text
    body = r.json()
    assert claimed["case_id"] not in r.text
    assert [a["dimension"] for a in body["agencies"]] == ["energy"]
    assert body["supervised_by"] == ["energy"] and body["district"] == OTHER
    assert {e["dimension"] for e in body["timeline"]} == {"energy"}
    assert all(e["data"].get("district") in (None, OTHER) for e in body["timeline"])
    assert body["cases"] == [] and body["referrals"] == [] and body["conflicts"] == []
    assert HOME not in r.text


async def test_the_home_district_reads_its_facts_not_the_claim(
    platform: Platform, claimed: dict[str, Any]
) -> None:
    r = await read(platform, claimed["uscc"], None, HOME)
    assert r.status_code == 200, r.text
    body = r.json()
    assert [a["dimension"] for a in body["agencies"]] == ["technology"]
    assert claimed["case_id"] in {c["case_id"] for c in body["cases"]}
    assert {e["dimension"] for e in body["timeline"]} >= {"technology"}
    assert "某冒名登记厂" not in r.text and body["conflicts"] == []


async def test_a_district_with_no_fact_reads_nothing(
    platform: Platform, claimed: dict[str, Any]
) -> None:
    r = await read(platform, claimed["uscc"], None, "nanshan")
    assert r.status_code == 403 and r.json()["detail"][0]["field"] == "uscc"


async def test_technology_case_by_id_only_in_its_district(
    platform: Platform, claimed: dict[str, Any]
) -> None:
    tech = platform.clients["technology"]
    url = f"/v1/cases/{claimed['case_id']}"
    outside = await tech.get(url, headers=platform.stack.headers("miit", OTHER))
    assert outside.status_code == 403 and outside.json()["detail"][0]["field"] == "district"
    inside = await tech.get(url, headers=platform.stack.headers("miit", HOME))
    assert inside.status_code == 200 and inside.json()["district"] == HOME
    government = await tech.get(url, headers=platform.stack.headers(None, HOME))
    assert government.status_code == 200


@pytest.mark.parametrize("service", ["energy", "quality", "safety", "environment"])
async def test_another_dimension_reads_nothing_at_a_service(
    platform: Platform, claimed: dict[str, Any], service: str
) -> None:
    """An agency that owns nothing in a dimension reads none of its facts there."""
    stranger = "mem" if service != "safety" else "samr"
    r = await platform.clients[service].get(
        "/v1/enterprises", headers=platform.stack.headers(stranger)
    )
    assert r.status_code == 403 and r.json()["detail"][0]["field"] == "agency"
    r = await platform.clients["technology"].get(
        f"/v1/cases/{claimed['case_id']}", headers=platform.stack.headers("samr")
    )
    assert r.status_code == 403 and r.json()["detail"][0]["field"] == "agency"


async def referrals(platform: Platform, service: str, uscc: str, headers: Any) -> list[str]:
    r = await platform.clients[service].get("/v1/referrals", params={"uscc": uscc}, headers=headers)
    assert r.status_code == 200, r.text
    return sorted(x["kind"] for x in r.json()["items"])


@pytest.mark.parametrize(
    ("agency", "district", "kinds"),
    [
        ("drc", "city", ["electricity_pricing"]),
        ("water", "city", ["water_pricing"]),
        ("miit", "city", ["electricity_pricing", "water_pricing"]),
        ("miit", HOME, ["electricity_pricing", "water_pricing"]),
        (None, HOME, ["electricity_pricing", "water_pricing"]),
        ("samr", HOME, []),
        ("mee", "city", []),
        ("mem", HOME, []),
        ("drc", OTHER, []),
        (None, OTHER, []),
    ],
)
async def test_referrals_are_read_by_their_parties(
    platform: Platform,
    claimed: dict[str, Any],
    agency: str | None,
    district: str,
    kinds: list[str],
) -> None:
    """Sender (technology's lead, miit), receiver, the city bureau and the enterprise's district
    government read a referral; no one else, at the receiving service and at the aggregator."""
    headers = platform.stack.headers(agency, district)
    uscc = claimed["uscc"]
    assert await referrals(platform, "energy", uscc, headers) == kinds
    r = await platform.clients["aggregator"].get(
        "/v1/referrals", params={"uscc": uscc}, headers=headers
    )
    assert r.status_code == 200, r.text
    assert sorted(x["kind"] for x in r.json() if x["kind"] in PRICING) == kinds
    ids = {
        x["kind"]: x["referral_id"] for x in claimed["view"]["referrals"] if x["kind"] in PRICING
    }
    assert set(ids) == PRICING
    for kind, referral_id in ids.items():
        one = await platform.clients["energy"].get(f"/v1/referrals/{referral_id}", headers=headers)
        assert one.status_code == (200 if kind in kinds else 403), one.text


@pytest.mark.parametrize(
    ("agency", "kind"), [("drc", "electricity_pricing"), ("water", "water_pricing")]
)
async def test_referrals_in_the_enterprise_view_follow_the_same_rule(
    platform: Platform, claimed: dict[str, Any], agency: str, kind: str
) -> None:
    """drc and water own energy and read its registration (the futian claim), but each reads
    only the referral it received: not the other's, in the list or in the timeline."""
    r = await read(platform, claimed["uscc"], agency, "city")
    assert r.status_code == 200, r.text
    body = r.json()
    assert [x["kind"] for x in body["referrals"]] == [kind]
    other = next(x for x in claimed["view"]["referrals"] if x["kind"] in PRICING - {kind})
    assert other["referral_id"] not in r.text
    owned = {"drc": {"energy", "technology"}, "water": {"energy"}}[agency]
    assert {e["dimension"] for e in body["timeline"]} <= owned


@pytest.mark.parametrize(
    ("service", "agency"), [("energy", "water"), ("technology", "drc"), ("technology", "water")]
)
async def test_pricing_and_market_access_agencies_do_not_keep_registers(
    platform: Platform, service: str, agency: str
) -> None:
    """water acts only on water pricing, drc in technology only on market access: neither
    registers, corrects or discloses there."""
    http, h = platform.clients[service], platform.stack.headers(agency)
    uscc, _ = await kiln_in_luohu(platform) if service == "technology" else (make_uscc(rng), "")
    if service == "energy":
        r = await http.post(
            "/v1/enterprises", json=enterprise(uscc, HOME), headers=platform.stack.headers("drc")
        )
        assert r.status_code == 201, r.text
    created = await http.post("/v1/enterprises", json=enterprise(make_uscc(rng), HOME), headers=h)
    change = enterprise(uscc, HOME, "某更名厂")
    del change["uscc"]
    changed = await http.put(f"/v1/enterprises/{uscc}", json=change, headers=h)
    disclosed = await http.post(
        "/v1/disclosures",
        headers=h,
        json={
            "uscc": uscc,
            "violation": "违法",
            "order": "责令",
            "publicity_from": "2019-06-01",
            "publicity_until": "2019-06-30",
            "effective_on": "2019-06-01",
        },
    )
    for r in (created, changed, disclosed):
        assert r.status_code == 403, f"{r.request.method} {r.request.url}: {r.text}"
        assert r.json()["detail"][0]["field"] == "agency"
