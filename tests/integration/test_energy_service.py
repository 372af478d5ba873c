"""The energy service on the real broker and database: an over-limit inspection opens a case due
six calendar months later, the overdue sweep marks it once, the shutdown is ordered and verified,
and the exited capacity shows in the aggregator's view of the enterprise. Extensions, re-
inspections, the catalogue's versions, the year's list, pricing measures and who may do what;
every refusal a 4xx naming the field or the rule, with nothing left behind."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest
from conftest import Platform
from sqlalchemy import select
from support import eventually, make_uscc

from phaseout_aggregator.adapters.tables import catalogue_names

pytestmark = pytest.mark.integration
rng = random.Random(4)
ALUMINIUM = "gb21346.aluminium_liquid_ac_power"
"""GB 21346-2013 铝液交流电耗, shipped in catalogue v1: at most 13700 kWh/t."""


async def registered(
    platform: Platform, industry: str = "electrolytic_aluminium", district: str = "baoan"
) -> str:
    uscc = make_uscc(rng)
    r = await platform.clients["energy"].post(
        "/v1/enterprises",
        json={
            "uscc": uscc,
            "name": "某铝业有限公司",
            "district": district,
            "industry": industry,
            "effective_on": "2019-04-01",
        },
        headers=platform.stack.headers("miit"),
    )
    assert r.status_code == 201, r.text
    return uscc


async def inspect(
    platform: Platform, uscc: str, value: str = "13800", **over: Any
) -> httpx.Response:
    headers = over.pop("headers", None) or platform.stack.headers("miit", "baoan")
    body = {
        "indicator_id": ALUMINIUM,
        "measured_value": value,
        "unit": "kWh/t",
        "effective_on": "2019-08-31",
        "capacity_amount": "120000",
        "capacity_unit": "t/a",
        **over,
    }
    return await platform.clients["energy"].post(
        f"/v1/enterprises/{uscc}/inspections", json=body, headers=headers
    )


async def opened_case(platform: Platform, **over: Any) -> tuple[str, str]:
    """An aluminium works found over the limit on 2019-08-31: due on 2020-02-29 (leap year)."""
    uscc = await registered(platform)
    r = await inspect(platform, uscc, **over)
    assert r.status_code == 201, r.text
    assert r.json()["assessment"]["verdict"] == "over_limit" and r.json()["case_id"]
    return uscc, r.json()["case_id"]


async def act(
    platform: Platform, case_id: str, action: str, body: dict[str, Any], **who: str
) -> httpx.Response:
    headers = platform.stack.headers(**who) if who else platform.stack.headers("miit", "baoan")
    return await platform.clients["energy"].post(
        f"/v1/cases/{case_id}/{action}", json=body, headers=headers
    )


async def sweep(platform: Platform, as_of: str, **who: str) -> httpx.Response:
    headers = platform.stack.headers(**who) if who else platform.stack.headers("miit")
    return await platform.clients["energy"].post(
        "/v1/sweeps/overdue", params={"as_of": as_of}, headers=headers
    )


def marked(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    return {c["case_id"] for c in response.json()["marked"]}


def refusal(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    first: dict[str, Any] = response.json()["detail"][0]
    return first


async def city_view(platform: Platform, uscc: str, probe: Any) -> dict[str, Any]:
    async def seen() -> dict[str, Any] | None:
        r = await platform.clients["aggregator"].get(
            f"/v1/enterprises/{uscc}", headers=platform.stack.headers("miit")
        )
        body = r.json() if r.status_code == 200 else None
        return body if body and probe(body) else None

    return await eventually(seen)


async def test_overdue_case_shut_down_and_exited_in_the_city_view(platform: Platform) -> None:
    energy, miit = platform.clients["energy"], platform.stack.headers("miit")
    uscc, case_id = await opened_case(platform)
    case = (await energy.get(f"/v1/cases/{case_id}", headers=miit)).json()
    assert case["state"] == "rectifying" and case["deadline"]["due_on"] == "2020-02-29"
    assert case["finding"]["catalogue_version"] >= 1 and case["finding"]["limit"] == "13700"

    async def overdue_on(day: str) -> set[str]:
        r = await energy.get("/v1/cases", params={"overdue_as_of": day, "uscc": uscc}, headers=miit)
        return {c["case_id"] for c in r.json()["items"]}

    assert await overdue_on("2020-02-29") == set() and await overdue_on("2020-03-01") == {case_id}
    assert case_id not in marked(await sweep(platform, "2020-02-29"))
    assert case_id in marked(await sweep(platform, "2020-03-01"))
    assert case_id not in marked(await sweep(platform, "2020-03-02"))
    r = await act(platform, case_id, "reinspection", {"inspected_on": "2020-03-03", **KWH("13000")})
    assert refusal(r, 409)["rule"] == "energy.case.reinspection_within_deadline", "swept or not"

    r = await act(
        platform,
        case_id,
        "shutdown-order",
        {"ordered_on": "2020-03-05", "exit_by": "2020-04-30"},
        agency="drc",
    )
    assert r.status_code == 200 and r.json()["state"] == "shutdown_ordered", r.text
    assert r.json()["shutdown_reason"] == "overdue"
    r = await act(platform, case_id, "shutdown-verification", {"verified_on": "2020-04-20"})
    assert r.status_code == 200 and r.json()["state"] == "exited", r.text

    view = await city_view(platform, uscc, lambda body: body["exits"])
    (exit_,) = view["exits"]
    assert (exit_["capacity_unit"], exit_["exited_on"]) == ("t/a", "2020-04-20")
    assert float(exit_["capacity_amount"]) == 120000
    assert exit_["rule"] == f"GB 21346-2013 {ALUMINIUM}"
    named = await city_view(
        platform, uscc, lambda body: body["exits"][0]["basis"]["zh"] != exit_["rule"]
    )
    (exit_,) = named["exits"]
    assert exit_["item_name"] == {"zh": "铝液生产线", "en": "molten aluminium line"}
    assert exit_["basis"]["zh"].startswith(
        "铝液交流电耗超过《电解铝企业单位产品能源消耗限额》（GB 21346-2013）限定值"
        "（《行动计划》表 1，"
    ), "the limits catalogue's names, published by the energy service"
    assert ALUMINIUM not in exit_["basis"]["zh"] + exit_["basis"]["en"] + exit_["item_name"]["en"]
    assert [c["state"] for c in view["cases"]] == ["exited"]
    types = [e["type"] for e in view["timeline"]]
    assert types.count("phaseout.energy.case.overdue.v1") == 1
    energy_events = [t for t in types if t.startswith("phaseout.energy.")]
    assert energy_events[-1] == "phaseout.energy.shutdown.verified.v1"
    acted = {e["type"]: e["acting_agency"] for e in view["timeline"]}
    assert acted["phaseout.energy.shutdown.ordered.v1"] == "drc", "drc's officer ordered it"
    assert acted["phaseout.energy.shutdown.verified.v1"] == "miit"
    assert acted["phaseout.energy.case.opened.v1"] == "miit"
    assert acted["phaseout.energy.case.overdue.v1"] == "miit", "the sweep miit ran"


def KWH(value: str) -> dict[str, str]:
    return {"measured_value": value, "unit": "kWh/t"}


async def test_reinspection_rectifies_or_requires_the_shutdown(platform: Platform) -> None:
    _, rectified = await opened_case(platform)
    r = await act(
        platform, rectified, "reinspection", {"inspected_on": "2020-02-29", **KWH("13700")}
    )
    assert r.status_code == 200 and r.json()["state"] == "rectified", r.text
    r = await act(platform, rectified, "shutdown-order", {"ordered_on": "2020-03-05"})
    assert refusal(r, 409)["rule"] == "lifecycle.order_shutdown"

    uscc, failed = await opened_case(platform)
    r = await inspect(platform, uscc, "13900", effective_on="2019-09-10")
    assert refusal(r, 409)["rule"] == "energy.case.one_open_case"
    r = await act(platform, failed, "reinspection", {"inspected_on": "2020-03-01", **KWH("13000")})
    assert refusal(r, 409)["rule"] == "energy.case.reinspection_within_deadline"
    r = await act(platform, failed, "reinspection", {"inspected_on": "2020-01-10", **KWH("kgce")})
    assert refusal(r, 422)["field"] == "measured_value"
    r = await act(platform, failed, "reinspection", {"inspected_on": "2020-01-10", **KWH("13900")})
    assert r.status_code == 200 and r.json()["state"] == "shutdown_required", r.text
    r = await act(platform, failed, "shutdown-order", {"ordered_on": "2020-01-15"})
    assert r.json()["shutdown_reason"] == "reinspection_failed"

    r = await inspect(platform, uscc, "13600", effective_on="2020-06-01")
    assert r.status_code == 201 and r.json()["case_id"] is None
    assert r.json()["assessment"]["verdict"] == "within_limit"


async def test_one_extension_of_at_most_three_months(platform: Platform) -> None:
    _, case_id = await opened_case(platform)
    late = {"applied_on": "2020-03-01", "new_deadline": "2020-04-01", "granted_on": "2020-03-01"}
    assert refusal(await act(platform, case_id, "extension", late), 409)["rule"] == (
        "energy.case.extension_applied_by_deadline"
    )
    long = {"applied_on": "2020-02-20", "new_deadline": "2020-05-30", "granted_on": "2020-03-02"}
    assert refusal(await act(platform, case_id, "extension", long), 422)["rule"] == (
        "energy.case.extension_at_most_3_months"
    )
    granted = {**long, "new_deadline": "2020-05-29"}
    r = await act(platform, case_id, "extension", granted)
    assert r.status_code == 200 and r.json()["deadline"]["due_on"] == "2020-05-29", r.text
    again = {"applied_on": "2020-05-01", "new_deadline": "2020-06-01", "granted_on": "2020-05-01"}
    assert refusal(await act(platform, case_id, "extension", again), 409)["rule"] == (
        "energy.case.extension_once"
    )
    assert case_id not in marked(await sweep(platform, "2020-05-29"))
    assert case_id in marked(await sweep(platform, "2020-05-30"))


async def test_a_timely_application_is_granted_after_the_deadline_swept_or_not(
    platform: Platform,
) -> None:
    """The plan's condition is on the application (可提出…延期申请), not on the sweep."""
    _, case_id = await opened_case(platform, effective_on="2019-07-31")
    assert case_id in marked(await sweep(platform, "2020-02-01"))
    pending = {"applied_on": "2020-01-20", "new_deadline": "2020-03-31", "granted_on": "2020-02-03"}
    r = await act(platform, case_id, "extension", pending)
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["deadline"]["due_on"]) == ("rectifying", "2020-03-31")
    late = {"applied_on": "2020-02-01", "new_deadline": "2020-03-31", "granted_on": "2020-02-03"}
    _, unswept = await opened_case(platform, effective_on="2019-07-31")
    assert refusal(await act(platform, unswept, "extension", late), 409)["rule"] == (
        "energy.case.extension_applied_by_deadline"
    )
    r = await act(platform, unswept, "extension", pending)
    assert r.status_code == 200 and r.json()["state"] == "rectifying", r.text


@pytest.mark.parametrize("industry", ["dyeing", "lead_acid_battery"])
async def test_industries_without_a_national_limit(platform: Platform, industry: str) -> None:
    energy, miit = platform.clients["energy"], platform.stack.headers("miit")
    uscc = await registered(platform, industry)
    detail = refusal(await inspect(platform, uscc), 422)
    assert detail["field"] == "industry"
    assert detail["rule"] == f"energy.table1.{industry}.no_national_limit"
    assert "environment, quality, safety, technology" in detail["reason"]
    listed = await energy.get("/v1/inspections", params={"uscc": uscc}, headers=miit)
    assert listed.json()["total"] == 0
    r = await energy.post("/v1/assessments", json={"industry": industry}, headers=miit)
    assert r.status_code == 200 and r.json()["verdict"] == "not_applicable"
    assert r.json()["covered_by"] == ["environment", "quality", "safety", "technology"]


async def test_the_catalogue_is_amended_in_versions(platform: Platform) -> None:
    energy, drc = platform.clients["energy"], platform.stack.headers("drc")
    clinker = "gb16780.clinker_coal"
    before = (await energy.get("/v1/catalogue", params={"industry": "cement"}, headers=drc)).json()
    row = next(r for r in before["rows"] if r["indicator_id"] == clinker)
    assert row["status"] == "awaiting_agency" and before["awaiting_agency"] > 0
    amendment = {
        "kind": "set_limit",
        "standard": "GB 16780-2012",
        "indicator_id": clinker,
        "limit": "112",
        "limit_new": "108",
        "unit": "kgce/t",
        "source": {"document": "GB 16780-2012 表 1"},
        "effective_from": "2019-01-01",
        "reason": "载入限定值",
    }
    for who, field in ((platform.stack.headers("samr"), "agency"), (None, "district")):
        headers = who or platform.stack.headers("drc", "pingshan")
        r = await energy.post("/v1/catalogue/amendments", json=amendment, headers=headers)
        assert refusal(r, 403)["field"] == field
    wrong_unit = {**amendment, "indicator_id": ALUMINIUM, "standard": "GB 21346-2013"}
    r = await energy.post("/v1/catalogue/amendments", json=wrong_unit, headers=drc)
    assert refusal(r, 422)["field"] == "unit"
    r = await energy.post("/v1/catalogue/amendments", json=amendment, headers=drc)
    assert r.status_code == 201, r.text
    version = r.json()["version"]
    assert version == before["version"] + 1 and r.json()["amended_by"] == "drc"

    after = (await energy.get("/v1/catalogue", params={"status": "loaded"}, headers=drc)).json()
    loaded = next(r for r in after["rows"] if r["indicator_id"] == clinker)
    assert (loaded["limit"], loaded["source"]) == ("112", "GB 16780-2012 表 1")
    trail = (await energy.get("/v1/catalogue/amendments", headers=drc)).json()
    assert trail[-1]["version"] == version and trail[-1]["amendment"]["officer"] == "test-drc-city"
    old = await energy.get("/v1/catalogue", params={"version": before["version"]}, headers=drc)
    assert next(r for r in old.json()["rows"] if r["indicator_id"] == clinker)["limit"] is None

    async def named_at_the_aggregator() -> bool | None:
        """The new version's names, published by the amendment, kept by the aggregator."""
        async with platform.apps["aggregator"].state.db.sessions() as session:
            found = await session.scalar(
                select(catalogue_names.c.name_zh).where(
                    catalogue_names.c.dimension == "energy",
                    catalogue_names.c.entry == "rule",
                    catalogue_names.c.version == str(version),
                    catalogue_names.c.code == f"GB 16780-2012 {clinker}",
                )
            )
        return True if found and "GB 16780-2012" in found else None

    await eventually(named_at_the_aggregator)

    uscc = await registered(platform, "cement")
    cement = {"indicator_id": clinker, "unit": "kgce/t"}
    r = await inspect(platform, uscc, "115", effective_on="2019-06-03", **cement)
    assert r.json()["assessment"]["catalogue_version"] == version and r.json()["case_id"]
    uscc = await registered(platform, "cement")
    r = await inspect(platform, uscc, "115", effective_on="2018-11-30", **cement)
    assert r.json()["assessment"]["verdict"] == "no_limit_loaded" and r.json()["case_id"] is None


async def test_who_may_write_what(platform: Platform) -> None:
    uscc = await registered(platform)
    headers = platform.stack.headers
    assert (
        refusal(await inspect(platform, uscc, headers=headers("water")), 403)["field"] == "agency"
    )
    assert refusal(await inspect(platform, uscc, headers=headers("samr")), 403)["field"] == "agency"
    r = await inspect(platform, uscc, headers=headers("miit", "luohu"))
    assert refusal(r, 403)["field"] == "district"
    r = await inspect(platform, uscc, headers=headers("miit", "baoan", ("reader",)))
    assert refusal(r, 403)["field"] == "roles"
    assert refusal(await sweep(platform, "2020-01-01", agency="water"), 403)["field"] == "agency"
    r = await sweep(platform, "2020-01-01", agency="drc", jurisdiction="baoan")
    assert refusal(r, 403)["field"] == "district"
    r = await inspect(platform, uscc, headers=headers("drc", "baoan"))
    assert r.status_code == 201, r.text
    case_id = r.json()["case_id"]
    luohu = headers("miit", "luohu")
    energy = platform.clients["energy"]
    assert refusal(await energy.get(f"/v1/cases/{case_id}", headers=luohu), 403)
    listed = await energy.get("/v1/cases", params={"uscc": uscc}, headers=luohu)
    assert listed.json()["total"] == 0
    r = await act(
        platform,
        case_id,
        "reinspection",
        {"inspected_on": "2020-01-10", **KWH("1")},
        agency="water",
    )
    assert refusal(r, 403)["field"] == "agency"


async def test_pricing_measures_by_duty(platform: Platform) -> None:
    energy, headers = platform.clients["energy"], platform.stack.headers
    uscc = await registered(platform, district="longhua")
    measure = {
        "uscc": uscc,
        "kind": "progressive_water",
        "basis": "over_energy_limit",
        "basis_reference": "GB 21346-2013",
        "starts_on": "2019-09-01",
    }
    electricity = {**measure, "kind": "punitive_electricity", "ends_on": "2019-12-31"}
    r = await energy.post("/v1/pricing-measures", json=electricity, headers=headers("water"))
    assert refusal(r, 403)["rule"] == "energy.pricing.recording_agencies"
    r = await energy.post("/v1/pricing-measures", json=measure, headers=headers("drc"))
    assert refusal(r, 403)["rule"] == "energy.pricing.recording_agencies"
    r = await energy.post("/v1/pricing-measures", json=measure, headers=headers("water", "baoan"))
    assert refusal(r, 403)["field"] == "district"
    water = await energy.post("/v1/pricing-measures", json=measure, headers=headers("water"))
    assert water.status_code == 201, water.text
    r = await energy.post("/v1/pricing-measures", json=electricity, headers=headers("drc"))
    assert r.status_code == 201 and r.json()["recorded_by"] == "drc", r.text

    def kinds(measures: list[dict[str, Any]]) -> list[str]:
        return sorted(m["kind"] for m in measures)

    view = await city_view(platform, uscc, lambda body: len(body["timeline"]) >= 3)
    assert view["measures"] and all(m["dimension"] == "energy" for m in view["measures"])
    assert kinds(view["measures"]) == ["progressive_water"]
    r = await platform.clients["aggregator"].get(
        f"/v1/enterprises/{uscc}", params={"as_of": "2019-12-31"}, headers=headers("miit")
    )
    assert kinds(r.json()["measures"]) == ["progressive_water", "punitive_electricity"]

    water_id = water.json()["measure_id"]
    end = {"ends_on": "2020-06-30"}
    r = await energy.post(f"/v1/pricing-measures/{water_id}/end", json=end, headers=headers("drc"))
    assert refusal(r, 403)["rule"] == "energy.pricing.recording_agencies"
    r = await energy.post(
        f"/v1/pricing-measures/{water_id}/end", json=end, headers=headers("water")
    )
    assert r.status_code == 200 and r.json()["ended_by"] == "water", r.text
    r = await energy.post(
        f"/v1/pricing-measures/{water_id}/end", json=end, headers=headers("water")
    )
    assert refusal(r, 409)["rule"] == "energy.pricing.end_once"

    async def in_force(day: str) -> list[str]:
        params = {"uscc": uscc, "in_force_as_of": day}
        r = await energy.get("/v1/pricing-measures", params=params, headers=headers("miit"))
        return kinds(r.json()["items"])

    assert await in_force("2019-08-31") == []
    assert await in_force("2019-12-31") == ["progressive_water", "punitive_electricity"]
    assert await in_force("2020-01-01") == ["progressive_water"]
    assert await in_force("2020-07-01") == []


async def test_the_years_inspection_list_carries_over_failures(platform: Platform) -> None:
    energy, headers = platform.clients["energy"], platform.stack.headers
    failed, case_id = await opened_case(platform)
    planned = await registered(platform, "cement", district="longgang")
    body = {
        "published_on": "2020-04-15",
        "entries": [
            {"uscc": planned, "requirements": ["能耗限额对标检查"], "due_on": "2020-09-30"}
        ],
    }
    r = await energy.post("/v1/inspection-lists/2020", json=body, headers=headers("miit", "baoan"))
    assert refusal(r, 403)["field"] == "district"
    r = await energy.post("/v1/inspection-lists/2020", json=body, headers=headers("miit"))
    assert r.status_code == 201 and r.json()["carried_over"] >= 1, r.text
    r = await energy.post("/v1/inspection-lists/2020", json=body, headers=headers("drc"))
    assert refusal(r, 409)["rule"] == "energy.inspection_list.one_per_year"

    listed = await energy.get(
        "/v1/inspection-lists/2020", params={"limit": 500}, headers=headers("drc")
    )
    entries = {e["uscc"]: e for e in listed.json()["items"]}
    assert entries[planned]["carried_over"] is False and entries[planned]["due_on"] == "2020-09-30"
    carried = entries[failed]
    assert carried["carried_over"] and carried["carried_from_year"] == 2019
    assert carried["case_ids"] == [case_id] and carried["due_on"] == "2020-02-29"

    late = await registered(platform, "paper", district="longhua")
    entry = {"uscc": late, "requirements": ["专项监察"], "due_on": "2020-11-30"}
    entry["effective_on"] = "2020-06-01"
    url = "/v1/inspection-lists/2020/entries"
    assert refusal(await energy.post(url, json=entry, headers=headers("drc", "futian")), 403)
    r = await energy.post(url, json=entry, headers=headers("drc", "longhua"))
    assert r.status_code == 201, r.text
    mine = await energy.get("/v1/inspection-lists/2020", headers=headers("drc", "longhua"))
    assert {e["district"] for e in mine.json()["items"]} == {"longhua"}


@pytest.mark.parametrize(
    ("over", "status", "field"),
    [
        ({"indicator_id": "gb99999.nothing"}, 422, "indicator_id"),
        ({"indicator_id": "gb16780.clinker_power"}, 422, "indicator_id"),
        ({"unit": "kgce/t"}, 422, "unit"),
        ({"measured_value": "-1"}, 422, "measured_value"),
        ({"measured_value": "NaN"}, 422, "measured_value"),
        ({"capacity_amount": "0"}, 422, "capacity_amount"),
        ({"effective_on": "9999-08-31"}, 422, "effective_on"),
        ({"effective_on": "2099-08-31"}, 422, "effective_on"),
        ({"unit": "kWh/t\x00"}, 422, "unit"),
        ({"surprise": 1}, 422, "surprise"),
    ],
)
async def test_bad_inspections_are_refused_and_record_nothing(
    platform: Platform, over: dict[str, Any], status: int, field: str
) -> None:
    uscc = await registered(platform)
    assert refusal(await inspect(platform, uscc, **over), status)["field"] == field
    listed = await platform.clients["energy"].get(
        "/v1/inspections", params={"uscc": uscc}, headers=platform.stack.headers("miit")
    )
    assert listed.json()["total"] == 0


async def test_bad_addresses_and_dates_are_4xx(platform: Platform) -> None:
    energy, miit = platform.clients["energy"], platform.stack.headers("miit")
    unregistered = make_uscc(rng)
    assert refusal(await inspect(platform, unregistered), 404)["field"] == "uscc"
    assert (await inspect(platform, "91440300NOTACODE0")).status_code == 422
    assert (await energy.get("/v1/cases/not-a-uuid", headers=miit)).status_code == 422
    missing = await energy.get("/v1/cases/00000000-0000-4000-8000-000000000000", headers=miit)
    assert refusal(missing, 404)["field"] == "id"
    assert refusal(await sweep(platform, "2100-01-01"), 422)["field"] == "as_of"
    r = await energy.get("/v1/cases", params={"overdue_as_of": "1999-12-31"}, headers=miit)
    assert refusal(r, 422)["field"] == "query.overdue_as_of"
    r = await energy.post("/v1/assessments", json={"industry": "cement"}, headers=miit)
    assert refusal(r, 422)["field"] == "indicator_id"
