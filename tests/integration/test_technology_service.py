"""The technology service on the real broker and database: a survey opens an elimination case,
the case is sealed with all five parts and accepted on site, and the exited capacity shows in
the aggregator's view of the enterprise; refusals are 4xx naming the field or the rule."""

from __future__ import annotations

import random
from typing import Any

import pytest
from conftest import Platform
from support import eventually, make_uscc

pytestmark = pytest.mark.integration
rng = random.Random(5)
SEALED = {
    "water_cut": True,
    "power_cut": True,
    "power_units_removed": True,
    "main_equipment_sealed": True,
    "public_commitment": True,
}


async def registered(platform: Platform, industry: str, district: str = "baoan") -> str:
    uscc = make_uscc(rng)
    r = await platform.clients["technology"].post(
        "/v1/enterprises",
        json={
            "uscc": uscc,
            "name": "某造纸厂",
            "district": district,
            "industry": industry,
            "effective_on": "2019-04-01",
        },
        headers=platform.stack.headers("miit"),
    )
    assert r.status_code == 201, r.text
    return uscc


async def survey(platform: Platform, uscc: str, equipment: dict[str, Any], **over: Any) -> Any:
    headers = over.pop("headers", None) or platform.stack.headers("miit", "baoan")
    body = {
        "item_id": "PM-3",
        "equipment": equipment,
        "capacity_amount": "30000",
        "capacity_unit": "t/a",
        "effective_on": "2019-06-03",
        **over,
    }
    return await platform.clients["technology"].post(
        f"/v1/enterprises/{uscc}/items", json=body, headers=headers
    )


async def test_eliminated_line_sealed_accepted_and_counted_as_exited(platform: Platform) -> None:
    tech, h = platform.clients["technology"], platform.stack.headers("miit", "baoan")
    uscc = await registered(platform, "paper")
    r = await survey(
        platform, uscc, {"kind": "cultural_paper_line", "width_m": 1.76, "speed_m_per_min": 110}
    )
    assert r.status_code == 201, r.text
    item = r.json()
    assert item["verdict"]["verdict"] == "eliminate" and item["case_id"]
    case_id = item["case_id"]

    r = await tech.post(
        f"/v1/cases/{case_id}/acceptance",
        json={"passed": True, "effective_on": "2019-07-01"},
        headers=h,
    )
    assert r.status_code == 409 and "现场验收" in r.json()["detail"][0]["reason"]

    partial = {**SEALED, "public_commitment": False}
    r = await tech.post(
        f"/v1/cases/{case_id}/sealing",
        json={"measures": partial, "effective_on": "2019-07-01"},
        headers=h,
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "sealing.public_commitment"

    r = await tech.post(
        f"/v1/cases/{case_id}/sealing",
        json={"measures": SEALED, "description": "封条 No.17", "effective_on": "2019-07-01"},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["state"] == "sealed"
    r = await tech.post(
        f"/v1/cases/{case_id}/acceptance",
        json={"passed": True, "note": "现场验收合格", "effective_on": "2019-07-15"},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["state"] == "exited"

    async def exited() -> dict[str, Any] | None:
        r = await platform.clients["aggregator"].get(
            f"/v1/enterprises/{uscc}", headers=platform.stack.headers("miit")
        )
        body = r.json() if r.status_code == 200 else None
        return body if body and body["exits"] else None

    view = await eventually(exited)
    (exit_,) = view["exits"]
    assert (exit_["item"], exit_["capacity_unit"], exit_["rule"], exit_["status"]) == (
        "cultural_paper_line",
        "t/a",
        "T5-paper-cultural-paper",
        "exited",
    )
    assert float(exit_["capacity_amount"]) == 30000 and exit_["exited_on"] == "2019-07-15"
    assert [c["state"] for c in view["cases"]] == ["exited"]

    r = await tech.post(
        f"/v1/cases/{case_id}/revival",
        json={"description": "夜间复产", "effective_on": "2019-09-02"},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["revival"] is True

    async def revived() -> dict[str, Any] | None:
        r = await platform.clients["aggregator"].get(
            f"/v1/enterprises/{uscc}", headers=platform.stack.headers("miit")
        )
        body = r.json()
        return body if body["exits"][0]["status"] == "revived" else None

    view = await eventually(revived)
    assert view["cases"][0]["state"] == "open"


async def test_allowed_item_opens_no_case(platform: Platform) -> None:
    uscc = await registered(platform, "paper")
    r = await survey(
        platform, uscc, {"kind": "cultural_paper_line", "width_m": 1.77, "speed_m_per_min": 110}
    )
    assert r.status_code == 201 and r.json()["verdict"]["verdict"] == "allowed"
    assert r.json()["case_id"] is None


@pytest.mark.parametrize(
    ("equipment", "field"),
    [
        ({"kind": "blast_furnace", "volume_m3": 300}, "equipment.kind"),
        ({"kind": "warp_drive"}, "equipment.kind"),
        ({"kind": "cultural_paper_line", "width_m": 1.5}, "equipment.speed_m_per_min"),
        (
            {"kind": "cultural_paper_line", "width_m": -1, "speed_m_per_min": 100},
            "equipment.width_m",
        ),
        (
            {"kind": "cultural_paper_line", "width_m": "wide", "speed_m_per_min": 100},
            "equipment.width_m",
        ),
    ],
)
async def test_bad_equipment_is_422_and_records_nothing(
    platform: Platform, equipment: dict[str, Any], field: str
) -> None:
    uscc = await registered(platform, "paper")
    r = await survey(platform, uscc, equipment)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["field"] == field
    listed = await platform.clients["technology"].get(
        "/v1/items", params={"uscc": uscc}, headers=platform.stack.headers("miit")
    )
    assert listed.json()["total"] == 0


async def test_district_officer_cannot_survey_another_district(platform: Platform) -> None:
    uscc = await registered(platform, "cement", district="luohu")
    r = await survey(platform, uscc, {"kind": "shaft_kiln"})
    assert r.status_code == 403, r.text
    assert r.json()["detail"][0]["field"] == "district"


async def test_drc_checks_market_access_but_does_not_survey(platform: Platform) -> None:
    tech, drc = platform.clients["technology"], platform.stack.headers("drc")
    body = {
        "project_name": "新建水泥熟料线",
        "industry": "cement",
        "district": "pingshan",
        "effective_on": "2019-08-01",
        "items": [{"kind": "cement_mill", "diameter_m": 3.2}, {"kind": "shaft_kiln"}],
    }
    r = await tech.post("/v1/project-checks", json=body, headers=drc)
    assert r.status_code == 201, r.text
    assert r.json()["result"]["outcome"] == "forbidden"
    assert (
        r.json()["result"]["rules"] == ["T5-cement-shaft-lepol-wet-kiln"]
        or r.json()["result"]["rules"]
    )
    r = await tech.post("/v1/project-checks", json=body, headers=platform.stack.headers("miit"))
    assert r.status_code == 403
    uscc = await registered(platform, "cement")
    r = await survey(platform, uscc, {"kind": "shaft_kiln"}, headers=drc)
    assert r.status_code == 403


async def test_assessment_records_nothing(platform: Platform) -> None:
    r = await platform.clients["technology"].post(
        "/v1/assessments",
        json={
            "industry": "electrolytic_aluminium",
            "equipment": {"kind": "prebaked_cell", "current_ka": 160},
        },
        headers=platform.stack.headers("samr"),
    )
    assert r.status_code == 200
    assert r.json()["verdict"] == "allowed" and "160" in r.json()["basis"]


async def test_ditiaogang_tip_to_case(platform: Platform) -> None:
    tech, h = platform.clients["technology"], platform.stack.headers("miit")
    r = await tech.post(
        "/v1/tips",
        json={
            "summary": "中频炉夜间生产地条钢",
            "reporter_contact": "138-0000-0000",
            "district": "longgang",
            "effective_on": "2019-06-10",
        },
        headers=h,
    )
    assert r.status_code == 201 and "reporter_contact" not in r.json()
    tip_id = r.json()["tip_id"]
    r = await tech.post(
        f"/v1/tips/{tip_id}/assignment",
        json={"assignee": "龙岗执法一队", "due_on": "2019-06-20", "effective_on": "2019-06-11"},
        headers=h,
    )
    assert r.status_code == 200
    overdue = await tech.get("/v1/tips", params={"overdue_as_of": "2019-06-21"}, headers=h)
    assert tip_id in {t["tip_id"] for t in overdue.json()["items"]}
    not_yet = await tech.get("/v1/tips", params={"overdue_as_of": "2019-06-20"}, headers=h)
    assert tip_id not in {t["tip_id"] for t in not_yet.json()["items"]}
    uscc = await registered(platform, "steel", district="longgang")
    r = await tech.post(
        f"/v1/tips/{tip_id}/closure",
        json={
            "outcome": "confirmed",
            "reason": "现场查获中频炉",
            "uscc": uscc,
            "effective_on": "2019-06-18",
        },
        headers=h,
    )
    assert r.status_code == 200 and r.json()["state"] == "confirmed"
    r = await survey(
        platform, uscc, {"kind": "ditiaogang_furnace"}, effective_on="2019-06-18", headers=h
    )
    assert r.status_code == 201
    case_id = r.json()["case_id"]
    r = await tech.post(
        f"/v1/cases/{case_id}/sealing",
        json={"measures": SEALED, "effective_on": "2019-06-19"},
        headers=h,
    )
    assert r.status_code == 409
