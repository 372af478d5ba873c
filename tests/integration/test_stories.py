"""Whole stories of the 2019 campaign, told through the public APIs of the running platform (real
Kafka, real PostgreSQL): each agency's view and the city bureau's, with `as_of` dates along the
way. A cement plant over its energy limit, extended once, failing re-inspection and shut down; a
paper mill's cultural-paper line eliminated, sealed and accepted on site; an environment closure
approved by the government, followed by technology's dismantling check; a safety suspension that
ends in closure and asks samr to have the licences cancelled."""

from __future__ import annotations

import random
from typing import Any

import pytest
from conftest import Platform
from support import eventually, make_uscc

pytestmark = pytest.mark.integration
rng = random.Random(2019_09)
SEALED = dict.fromkeys(
    ("water_cut", "power_cut", "power_units_removed", "main_equipment_sealed", "public_commitment"),
    True,
)
CLINKER = "gb16780.clinker_coal"
"""GB 16780-2012 熟料综合煤耗, loaded by drc: at most 112 kgce/t for existing plants."""


class Story:
    def __init__(self, platform: Platform, district: str, industry: str, *services: str) -> None:
        self.platform, self.district, self.uscc = platform, district, make_uscc(rng)
        self.industry, self.services = industry, services

    async def register(self) -> None:
        writer = {"energy": "miit", "environment": "mee", "quality": "samr", "safety": "mem"}
        for service in self.services:
            body = {
                "uscc": self.uscc,
                "name": f"深圳市示范{self.industry}有限公司",
                "district": self.district,
                "industry": self.industry,
                "effective_on": "2019-04-01",
            }
            await self.post(service, writer.get(service, "miit"), "/v1/enterprises", body)

    async def post(self, service: str, agency: str, path: str, body: dict[str, Any]) -> Any:
        headers = self.platform.stack.headers(agency, self.district)
        r = await self.platform.clients[service].post(path, json=body, headers=headers)
        assert r.status_code in (200, 201), f"{path}: {r.text}"
        return r.json()

    async def get(self, service: str, path: str, agency: str | None = "miit", **params: str) -> Any:
        headers = self.platform.stack.headers(agency, "city" if agency else self.district)
        r = await self.platform.clients[service].get(path, params=params, headers=headers)
        assert r.status_code == 200, f"{path}: {r.text}"
        return r.json()

    async def city(self, as_of: str) -> dict[str, Any]:
        view: dict[str, Any] = await self.get(
            "aggregator", f"/v1/enterprises/{self.uscc}", as_of=as_of
        )
        return view

    async def city_once(self, probe: Any, as_of: str = "2020-06-30") -> dict[str, Any]:
        async def seen() -> dict[str, Any] | None:
            r = await self.platform.clients["aggregator"].get(
                f"/v1/enterprises/{self.uscc}",
                params={"as_of": as_of},
                headers=self.platform.stack.headers("miit"),
            )
            body: dict[str, Any] | None = r.json() if r.status_code == 200 else None
            return body if body and probe(body) else None

        return await eventually(seen, within=40)

    async def referral(self, service: str, kind: str) -> dict[str, Any]:
        async def arrived() -> dict[str, Any] | None:
            items = (await self.get(service, "/v1/referrals", uscc=self.uscc))["items"]
            return next((x for x in items if x["kind"] == kind), None)

        return await eventually(arrived, within=40)

    async def answer(self, service: str, referral: dict[str, Any], on: str, did: str) -> None:
        path, agency = f"/v1/referrals/{referral['referral_id']}", referral["receiver"]
        await self.post(service, agency, f"{path}/acceptance", {"effective_on": on})
        acted = await self.post(
            service, agency, f"{path}/action", {"reason": did, "effective_on": on}
        )
        assert acted["state"] == "acted_on"


def states(view: dict[str, Any], dimension: str) -> list[str]:
    return [c["state"] for c in view["cases"] if c["dimension"] == dimension]


async def exits_of(story: Story, as_of: str, agency: str | None = "miit") -> set[str]:
    params = {"as_of": as_of, "year": "2019", "district": story.district}
    rows = (await story.get("aggregator", "/v1/exits", agency, **params))["rows"]
    return {r["uscc"] for r in rows}


async def test_a_cement_plant_over_its_energy_limit_extended_once_and_shut_down(
    platform: Platform,
) -> None:
    s = Story(platform, "yantian", "cement", "energy", "quality")
    await s.register()
    catalogue = await s.get("energy", "/v1/catalogue", industry="cement")
    row = next(r for r in catalogue["rows"] if r["indicator_id"] == CLINKER)
    if row["limit"] is None:
        amendment = {
            "kind": "set_limit",
            "standard": "GB 16780-2012",
            "indicator_id": CLINKER,
            "limit": "112",
            "limit_new": "108",
            "unit": "kgce/t",
            "source": {"document": "GB 16780-2012 表 1"},
            "effective_from": "2019-01-01",
            "reason": "载入限定值",
        }
        r = await platform.clients["energy"].post(
            "/v1/catalogue/amendments", json=amendment, headers=platform.stack.headers("drc")
        )
        assert r.status_code == 201, r.text
    inspection = {
        "indicator_id": CLINKER,
        "measured_value": "118",
        "unit": "kgce/t",
        "effective_on": "2019-04-15",
        "capacity_amount": "600000",
        "capacity_unit": "t/a",
    }
    found = await s.post("energy", "miit", f"/v1/enterprises/{s.uscc}/inspections", inspection)
    case = f"/v1/cases/{found['case_id']}"
    assert found["assessment"]["verdict"] == "over_limit"
    extension = {
        "applied_on": "2019-10-01",
        "new_deadline": "2020-01-15",
        "granted_on": "2019-10-08",
    }
    extended = await s.post("energy", "miit", f"{case}/extension", extension)
    assert extended["deadline"]["due_on"] == "2020-01-15"
    again = {"inspected_on": "2019-12-02", "measured_value": "116", "unit": "kgce/t"}
    assert (await s.post("energy", "miit", f"{case}/reinspection", again))["state"] == (
        "shutdown_required"
    )
    order = {"ordered_on": "2019-12-05", "exit_by": "2019-12-31"}
    assert (await s.post("energy", "drc", f"{case}/shutdown-order", order))["state"] == (
        "shutdown_ordered"
    )
    verified = await s.post(
        "energy", "miit", f"{case}/shutdown-verification", {"verified_on": "2019-12-20"}
    )
    assert verified["state"] == "exited"

    view = await s.city_once(lambda v: v["exits"])
    assert [e["exited_on"] for e in view["exits"]] == ["2019-12-20"]
    (deadline_june,) = [c["deadline"] for c in (await s.city("2019-06-01"))["cases"]]
    (deadline_nov,) = [c for c in (await s.city("2019-11-01"))["cases"]]
    assert deadline_june == "2019-10-15"
    assert (deadline_nov["deadline"], deadline_nov["overdue"]) == ("2020-01-15", False)
    assert states(await s.city("2019-12-10"), "energy") == ["shutdown_ordered"]
    assert (await s.city("2019-12-19"))["exits"] == []
    assert s.uscc not in await exits_of(s, "2019-12-19")
    assert s.uscc in await exits_of(s, "2019-12-31", agency=None), "the district's annual list"

    referral = await s.referral("quality", "licence_cancellation")
    assert referral["trigger_type"] == "phaseout.energy.shutdown.ordered.v1"
    assert referral["received_on"] == "2019-12-05", "samr hears of the shutdown when ordered"
    licence = {
        "licence_number": f"XK08-001-{rng.randrange(10**5):05d}",
        "products": ["通用硅酸盐水泥"],
        "issuer": "广东省市场监督管理局",
        "valid_from": "2017-03-01",
        "valid_until": "2022-02-28",
        "effective_on": "2019-04-20",
    }
    await s.post("quality", "samr", f"/v1/enterprises/{s.uscc}/licences", licence)
    request = {
        "ground": "energy",
        "shutdown_reference": f"energy case {found['case_id']}",
        "shut_down_on": "2019-12-20",
        "effective_on": "2019-12-24",
    }
    path = f"/v1/licences/{licence['licence_number']}/cancellation-requests"
    assert (await s.post("quality", "samr", path, request))["state"] == "pending"
    await s.answer("quality", referral, "2019-12-24", "已提请发证机关注销生产许可证")
    view = await s.city_once(
        lambda v: (
            {x["kind"]: x["state"] for x in v["referrals"]}.get("licence_cancellation")
            == "acted_on"
        )
    )
    assert states(view, "energy") == ["exited"]


async def test_a_paper_mills_cultural_paper_line_sealed_and_accepted_on_site(
    platform: Platform,
) -> None:
    s = Story(platform, "guangming", "paper", "technology", "energy", "quality")
    await s.register()
    item = {
        "item_id": "PM-1",
        "equipment": {"kind": "cultural_paper_line", "width_m": 1.76, "speed_m_per_min": 110},
        "capacity_amount": "30000",
        "capacity_unit": "t/a",
        "effective_on": "2019-06-03",
    }
    surveyed = await s.post("technology", "miit", f"/v1/enterprises/{s.uscc}/items", item)
    assert surveyed["verdict"]["verdict"] == "eliminate"
    case = f"/v1/cases/{surveyed['case_id']}"
    sealing = {"measures": SEALED, "description": "封条 No.2019-061", "effective_on": "2019-07-01"}
    assert (await s.post("technology", "miit", f"{case}/sealing", sealing))["state"] == "sealed"
    accepted = {"passed": True, "note": "现场验收合格", "effective_on": "2019-07-15"}
    assert (await s.post("technology", "miit", f"{case}/acceptance", accepted))["state"] == (
        "exited"
    )
    assert (await s.get("technology", case))["state"] == "exited"

    pricing = await s.referral("energy", "electricity_pricing")
    await s.answer("energy", pricing, "2019-06-10", "执行惩罚性电价")
    samr = await s.referral("quality", "licence_cancellation")
    assert samr["trigger_type"] == "phaseout.technology.case.opened.v1"
    assert samr["received_on"] == "2019-06-03", "samr hears of the elimination when ordered"

    def settled(v: dict[str, Any]) -> bool:
        kinds = {x["kind"]: x["state"] for x in v["referrals"]}
        return (
            bool(v["exits"])
            and kinds.get("electricity_pricing") == "acted_on"
            and ("licence_cancellation" in kinds)
        )

    view = await s.city_once(settled)
    (exit_,) = view["exits"]
    assert (exit_["item"], exit_["rule"], exit_["exited_on"]) == (
        "cultural_paper_line",
        "T5-paper-cultural-paper",
        "2019-07-15",
    )
    referrals = {x["kind"]: x["state"] for x in view["referrals"]}
    assert referrals["electricity_pricing"] == "acted_on"
    assert referrals["licence_cancellation"] == "received"
    assert states(await s.city("2019-06-30"), "technology") == ["open"]
    assert states(await s.city("2019-07-05"), "technology") == ["sealed"]
    assert (await s.city("2019-07-14"))["exits"] == []
    assert s.uscc in await exits_of(s, "2019-12-31")
    assert s.uscc not in await exits_of(s, "2019-07-14")


async def test_an_environment_closure_approved_then_dismantled_and_accepted(
    platform: Platform,
) -> None:
    s = Story(platform, "pingshan", "cement", "environment", "technology", "quality")
    await s.register()
    measurement = {
        "limit_id": "gb4915.kiln.nox",
        "facility": "2# 窑尾排气筒",
        "value": "365",
        "unit": "mg/m³",
        "findings": "监督性监测超特别排放限值",
        "effective_on": "2019-05-06",
    }
    found = await s.post(
        "environment", "mee", f"/v1/enterprises/{s.uscc}/measurements", measurement
    )
    case = f"/v1/cases/{found['case_id']}"
    suspend = {
        "measure": "suspend_for_rectification",
        "deadline": "2019-07-31",
        "effective_on": "2019-05-10",
    }
    await s.post("environment", "mee", f"{case}/measures", suspend)
    government = "深圳市坪山区人民政府"
    steps: list[tuple[str, dict[str, Any], str]] = [
        (
            "closure-proposal",
            {
                "government": government,
                "grounds": "停产整治逾期仍超标",
                "scope": "line",
                "item": "2# 机立窑生产线",
                "capacity_amount": "200000",
                "capacity_unit": "t/a",
                "effective_on": "2019-08-12",
            },
            "closure_proposed",
        ),
        (
            "closure-approval",
            {"government": government, "approved_by": "区长办公会", "effective_on": "2019-08-26"},
            "closure_approved",
        ),
        (
            "closure-order",
            {"order": "close", "close_by": "2019-09-30", "effective_on": "2019-09-02"},
            "closed",
        ),
    ]
    for action, body, state in steps:
        assert (await s.post("environment", "mee", f"{case}/{action}", body))["state"] == state

    check = await s.referral("technology", "dismantling_check")
    assert check["trigger_type"] == "phaseout.environment.closure.ordered.v1"
    path = f"/v1/referrals/{check['referral_id']}"
    await s.post("technology", "miit", f"{path}/acceptance", {"effective_on": "2019-09-05"})
    item = {
        "item_id": "2# 机立窑",
        "equipment": {"kind": "shaft_kiln"},
        "capacity_amount": "200000",
        "capacity_unit": "t/a",
        "effective_on": "2019-09-10",
    }
    surveyed = await s.post("technology", "miit", f"/v1/enterprises/{s.uscc}/items", item)
    tech = f"/v1/cases/{surveyed['case_id']}"
    dismantled = {"description": "窑体已拆除", "effective_on": "2019-10-15"}
    await s.post("technology", "miit", f"{tech}/dismantling", dismantled)
    await s.post(
        "technology", "miit", f"{tech}/acceptance", {"passed": True, "effective_on": "2019-10-25"}
    )
    act = {"reason": "主体设备已拆除，现场验收合格", "effective_on": "2019-10-25"}
    await s.post("technology", "miit", f"{path}/action", act)

    view = await s.city_once(
        lambda v: (
            len(v["exits"]) == 2
            and {x["kind"]: x["state"] for x in v["referrals"]}.get("dismantling_check")
            == "acted_on"
        )
    )
    assert {e["dimension"] for e in view["exits"]} == {"environment", "technology"}
    assert states(view, "environment") == ["closed"] and states(view, "technology") == ["exited"]
    assert states(await s.city("2019-08-20"), "environment") == ["closure_proposed"]
    early = await s.city("2019-09-06")
    assert {x["kind"]: x["state"] for x in early["referrals"]}["dismantling_check"] == "accepted"
    assert [e["dimension"] for e in early["exits"]] == ["environment"]


async def test_a_safety_suspension_ends_in_closure_and_a_licence_cancellation_referral(
    platform: Platform,
) -> None:
    s = Story(platform, "shenshan", "steel", "safety", "quality", "technology")
    await s.register()
    inspection = {
        "inspectors": "深汕特别合作区应急管理局执法队",
        "findings": [
            {
                "kind": "conditions_below_national_standard",
                "description": "煤气区域未设固定式一氧化碳报警仪",
                "reference": "GB 6222-2005 第 4.2 条",
            }
        ],
        "suspension": {
            "item": "1# 高炉",
            "capacity_amount": "350000",
            "capacity_unit": "t/a",
            "rectify_by": "2019-07-03",
        },
        "effective_on": "2019-06-03",
    }
    found = await s.post("safety", "mem", f"/v1/enterprises/{s.uscc}/inspections", inspection)
    case = f"/v1/cases/{found['case']['case_id']}"
    steps: list[tuple[str, dict[str, Any], str]] = [
        ("reinspection", {"passed": False, "reasons": ["报警仪仍未安装"]}, "still_unsafe"),
        ("closure-request", {"government": "shenshan"}, "closure_requested"),
        ("closure-decision", {"closes": True, "document": "深汕管〔2019〕7 号"}, "closure_decided"),
        ("closure", {"description": "断电、拆除炉体，现场核查"}, "closed"),
    ]
    for day, (action, body, state) in enumerate(steps, start=10):
        done = await s.post(
            "safety", "mem", f"{case}/{action}", {**body, "effective_on": f"2019-07-{day}"}
        )
        assert done["state"] == state, action

    referral = await s.referral("quality", "licence_cancellation")
    assert referral["trigger_type"] == "phaseout.safety.case.closure_decided.v1"
    assert referral["received_on"] == "2019-07-12", "samr hears of the closure when decided"
    await s.answer("quality", referral, "2019-07-20", "已提请发证机关注销生产许可证")
    check = await s.referral("technology", "dismantling_check")
    assert check["state"] == "received"

    view = await s.city_once(
        lambda v: (
            {x["kind"]: x["state"] for x in v["referrals"]}.get("licence_cancellation")
            == "acted_on"
        )
    )
    assert states(view, "safety") == ["closed"]
    assert [e["dimension"] for e in view["exits"]] == ["safety"]
    assert states(await s.city("2019-07-01"), "safety") == ["suspended"]
    assert states(await s.city("2019-07-11"), "safety") == ["closure_requested"]
    before = {x["kind"]: x["state"] for x in (await s.city("2019-07-15"))["referrals"]}
    assert before["licence_cancellation"] == "received"
    ledger = await s.get("safety", f"/v1/enterprises/{s.uscc}/ledger", "mem")
    assert [c["state"] for c in ledger["cases"]] == ["closed"]
