"""An alert closed by one agency's check, on the real stack: the other agencies' checks of it are
settled elsewhere at their own services; and a revival confirmed by safety or energy marks the
capacity revived on the city's exit list, as environment's and technology's do.

A 地条钢 alert asks miit (at technology) and samr (at quality). miit's check confirms the
revival: samr's referral is closed as `settled_elsewhere`, naming the outcome and miit, is no
longer overdue at quality or in the city's view, and refuses samr's answer afterwards (409).

mem closes a steel works under safety's Table 4, and its account draws power again: mem
confirms the revival at the safety service, the case goes back to the closure decided, and the
exit list shows the blast furnace revived from the check's date. An energy shutdown verified,
then power again: drc confirms it at energy, the case goes back to the shutdown ordered, the
line shows revived, and miit's check of the same alert, at energy too, is settled by drc's.
"""

from __future__ import annotations

import random
from functools import partial
from typing import Any

import pytest
from conftest import Platform
from support import eventually, make_uscc
from test_alert_referrals import suspended_blast_furnace
from test_revival_watch import HEADER, electricity, exit_row, load, revived_exit

pytestmark = pytest.mark.integration
rng = random.Random(2026_1207)


async def revival_checks(platform: Platform, service: str, agency: str, uscc: str) -> list[Any]:
    r = await platform.clients[service].get(
        "/v1/referrals", params={"uscc": uscc}, headers=platform.stack.headers(agency)
    )
    assert r.status_code == 200, r.text
    return [x for x in r.json()["items"] if x["kind"] == "revival_check"]


async def in_state(
    platform: Platform, service: str, agency: str, referral_id: str, state: str
) -> dict[str, Any] | None:
    r = await platform.clients[service].get(
        f"/v1/referrals/{referral_id}", headers=platform.stack.headers(agency)
    )
    assert r.status_code == 200, r.text
    found: dict[str, Any] = r.json()
    return found if found["state"] == state else None


async def city_referrals(platform: Platform, uscc: str, **params: str) -> list[Any]:
    r = await platform.clients["aggregator"].get(
        "/v1/referrals", params={"uscc": uscc, **params}, headers=platform.stack.headers("miit")
    )
    assert r.status_code == 200, r.text
    return [x for x in r.json() if x["kind"] == "revival_check"]


async def test_miits_check_of_a_ditiaogang_alert_settles_samrs_at_quality(
    platform: Platform,
) -> None:
    uscc, district = make_uscc(rng), "baoan"
    alert_id, checks = await ditiaogang_checks(platform, uscc, district, "2019-02", "2019-03")
    samr, miit = checks["samr"], checks["miit"]
    assert samr["alert_id"] == miit["alert_id"] == alert_id

    async def overdue_in_city() -> list[Any] | None:
        found = await city_referrals(platform, uscc, overdue_as_of="2019-04-30")
        return found if len(found) == 2 else None

    assert {x["receiver"] for x in await eventually(overdue_in_city)} == {"samr", "miit"}

    found = {
        "outcome": "revival_confirmed",
        "reason": "现场发现中频炉",
        "effective_on": "2019-04-10",
    }
    r = await platform.clients["technology"].post(
        f"/v1/referrals/{miit['referral_id']}/action",
        json=found,
        headers=platform.stack.headers("miit"),
    )
    assert r.status_code == 200, r.text

    settled = await eventually(
        partial(in_state, platform, "quality", "samr", samr["referral_id"], "settled_elsewhere"),
        within=180,
    )
    assert (settled["outcome"], settled["settled_by"], settled["settled_by_referral"]) == (
        "revival_confirmed",
        "miit",
        miit["referral_id"],
    )
    assert settled["reason"] == "revival_confirmed by miit's on-site check: 现场发现中频炉"
    assert settled["last_step_on"] == "2019-04-10" and settled["act_id"] is None
    r = await platform.clients["quality"].get(
        "/v1/referrals",
        params={"uscc": uscc, "overdue_as_of": "2019-04-30"},
        headers=platform.stack.headers("samr"),
    )
    assert r.status_code == 200 and r.json()["items"] == [], "no overdue work left at quality"

    late = {"outcome": "false_reading", "reason": "电表倍率错误", "effective_on": "2019-04-12"}
    r = await platform.clients["quality"].post(
        f"/v1/referrals/{samr['referral_id']}/action",
        json=late,
        headers=platform.stack.headers("samr"),
    )
    assert r.status_code == 409, r.text
    assert r.json()["detail"][0]["rule"] == "referral.settled_elsewhere"
    assert "miit" in r.json()["detail"][0]["reason"]
    r = await platform.clients["quality"].post(
        f"/v1/referrals/{samr['referral_id']}/declination",
        json={"reason": "不属本部门", "effective_on": "2019-04-12"},
        headers=platform.stack.headers("samr"),
    )
    assert r.status_code == 409, r.text

    async def settled_in_city() -> list[Any] | None:
        found = await city_referrals(platform, uscc, as_of="2019-04-30")
        states = {x["receiver"]: x["state"] for x in found}
        return found if states == {"samr": "settled_elsewhere", "miit": "acted_on"} else None

    seen = {x["receiver"]: x for x in await eventually(settled_in_city, within=180)}
    assert (seen["samr"]["settled_by"], seen["samr"]["outcome"]) == ("miit", "revival_confirmed")
    assert seen["samr"]["answered_by"] is None, "samr never answered"
    assert (seen["miit"]["answered_by"], seen["miit"]["settled_by"]) == ("miit", None)
    assert await city_referrals(platform, uscc, overdue_as_of="2019-04-30") == []
    before = await city_referrals(platform, uscc, overdue_as_of="2019-04-09")
    assert before == [], "not yet due on 2019-04-09"
    r = await platform.clients["aggregator"].get(
        "/v1/referrals",
        params={"uscc": uscc, "as_of": "2019-04-09"},
        headers=platform.stack.headers("miit"),
    )
    assert {x["state"] for x in r.json() if x["kind"] == "revival_check"} == {"received"}


async def test_mem_confirms_a_closed_blast_furnace_revived_and_the_exit_list_shows_it(
    platform: Platform,
) -> None:
    safety, district = platform.clients["safety"], "guangming"
    mem = platform.stack.headers("mem", district)
    uscc = make_uscc(rng)
    case_path = await suspended_blast_furnace(
        platform, uscc, district, registered_on="2018-04-01", inspected_on="2019-04-03"
    )
    steps: list[tuple[str, dict[str, Any], str]] = [
        ("reinspection", {"passed": False, "reasons": ["报警仪仍未安装"]}, "still_unsafe"),
        ("closure-request", {"government": district}, "closure_requested"),
        ("closure-decision", {"closes": True, "document": "深光府〔2019〕8 号"}, "closure_decided"),
        ("closure", {"description": "断电、拆除炉体，现场核查"}, "closed"),
    ]
    for day, (step, step_body, state) in enumerate(steps, start=10):
        r = await safety.post(
            f"{case_path}/{step}", json={**step_body, "effective_on": f"2019-05-{day}"}, headers=mem
        )
        assert r.status_code == 200 and r.json()["state"] == state, (step, r.text)

    baseline = [f"2018-{m:02d}" for m in range(5, 13)] + [f"2019-{m:02d}" for m in range(1, 5)]
    kwh = dict.fromkeys(baseline, 100_000) | {"2019-05": 40_000, "2019-08": 60_000}
    rows = [
        f"{uscc},GD-{uscc[-8:]},深圳市光明区某路{uscc[-6:]}号,{district},{p},{n},{n // 500}"
        for p, n in kwh.items()
    ]
    assert (
        await load(platform, "electricity", "\n".join([HEADER, *rows]) + "\n")
    ).status_code == 201

    async def closure_check() -> dict[str, Any] | None:
        r = await platform.clients["technology"].get(
            "/v1/watch/alerts", params={"uscc": uscc}, headers=platform.stack.headers("miit")
        )
        alerts = {a["alert_id"] for a in r.json()["items"] if a["rule"] == "W-closure"}
        found = [
            x
            for x in await revival_checks(platform, "safety", "mem", uscc)
            if x["alert_id"] in alerts
        ]
        return found[0] if found else None

    check = await eventually(closure_check, within=180)
    assert (check["receiver"], check["order_case"]) == ("mem", case_path.split("/")[-1])
    confirmed = {
        "outcome": "revival_confirmed",
        "reason": "现场检查：1 号高炉恢复生产",
        "effective_on": "2019-09-20",
    }
    r = await safety.post(
        f"/v1/referrals/{check['referral_id']}/action", json=confirmed, headers=mem
    )
    assert r.status_code == 200, r.text
    case = (await safety.get(case_path, headers=mem)).json()
    assert (case["state"], case["closed_on"], case["close_by"]) == (
        "closure_decided",
        "2019-05-13",
        None,
    )

    row = await eventually(lambda: revived_exit(platform, uscc, district), within=180)
    assert (row["dimension"], row["item"], row["exited_on"]) == ("safety", "1 号高炉", "2019-05-13")
    before = await exit_row(platform, uscc, district, "2019-09-19")
    assert before is not None and before["status"] == "exited"

    r = await safety.post(
        f"{case_path}/closure",
        json={"description": "再次断电、拆除炉体", "effective_on": "2019-10-08"},
        headers=mem,
    )
    assert r.status_code == 200 and r.json()["state"] == "closed", r.text

    async def exited_again() -> Any:
        found = await exit_row(platform, uscc, district, "2019-12-31")
        return found if found and found["status"] == "exited" else None

    assert (await eventually(exited_again, within=180))["exited_on"] == "2019-10-08"


async def test_drc_confirms_a_verified_shutdown_revived_and_miits_check_is_settled(
    platform: Platform,
) -> None:
    from test_energy_service import KWH, act, opened_case

    energy = platform.clients["energy"]
    uscc, case_id = await opened_case(platform)
    r = await act(platform, case_id, "reinspection", {"inspected_on": "2020-01-10", **KWH("13900")})
    assert r.status_code == 200 and r.json()["state"] == "shutdown_required", r.text
    r = await act(platform, case_id, "shutdown-order", {"ordered_on": "2020-01-15"})
    assert r.status_code == 200, r.text
    r = await act(platform, case_id, "shutdown-verification", {"verified_on": "2020-01-31"})
    assert r.status_code == 200 and r.json()["state"] == "exited", r.text
    months = [f"2019-{m:02d}" for m in range(1, 13)]
    kwh = dict.fromkeys(months, 200_000) | {"2020-01": 80_000, "2020-03": 90_000}
    rows = [
        f"{uscc},GD-{uscc[-8:]},深圳市宝安区某路{uscc[-6:]}号,baoan,{p},{n},{n // 500}"
        for p, n in kwh.items()
    ]
    assert (
        await load(platform, "electricity", "\n".join([HEADER, *rows]) + "\n")
    ).status_code == 201

    async def pair() -> dict[str, Any] | None:
        found = await revival_checks(platform, "energy", "miit", uscc)
        by_alert: dict[str, dict[str, Any]] = {}
        for x in found:
            by_alert.setdefault(x["alert_id"], {})[x["receiver"]] = x
        pairs = [p for p in by_alert.values() if set(p) == {"miit", "drc"}]
        return pairs[0] if pairs else None

    checks = await eventually(pair, within=180)
    assert checks["drc"]["order_case"] == case_id
    confirmed = {
        "outcome": "revival_confirmed",
        "reason": "现场检查：电解槽恢复生产",
        "effective_on": "2020-04-08",
    }
    r = await energy.post(
        f"/v1/referrals/{checks['drc']['referral_id']}/action",
        json=confirmed,
        headers=platform.stack.headers("drc"),
    )
    assert r.status_code == 200, r.text
    case = (await energy.get(f"/v1/cases/{case_id}", headers=platform.stack.headers("miit"))).json()
    assert (case["state"], case["exited_on"]) == ("shutdown_ordered", None)

    row = await eventually(lambda: revived_exit_2020(platform, uscc), within=180)
    assert (row["dimension"], row["exited_on"]) == ("energy", "2020-01-31")
    before = await exit_row(platform, uscc, "baoan", "2020-04-07")
    assert before is not None and before["status"] == "exited"

    settled = await eventually(
        partial(
            in_state, platform, "energy", "miit", checks["miit"]["referral_id"], "settled_elsewhere"
        ),
        within=180,
    )
    assert (settled["settled_by"], settled["outcome"]) == ("drc", "revival_confirmed")
    r = await energy.post(
        f"/v1/referrals/{checks['miit']['referral_id']}/action",
        json=confirmed,
        headers=platform.stack.headers("miit"),
    )
    assert r.status_code == 409 and r.json()["detail"][0]["rule"] == "referral.settled_elsewhere"


async def revived_exit_2020(platform: Platform, uscc: str) -> Any:
    row = await exit_row(platform, uscc, "baoan", "2020-12-31")
    return row if row and row["status"] == "revived" else None


async def test_an_outcome_recorded_at_technology_settles_every_check_of_the_alert(
    platform: Platform,
) -> None:
    """miit records the check's outcome on the alert itself, not through its referral: both
    checks, its own at technology and samr's at quality, are settled by it."""
    uscc, district = make_uscc(rng), "longgang"
    alert_id, checks = await ditiaogang_checks(platform, uscc, district, "2019-05", "2019-06")
    explained = {"outcome": "explained", "reason": "许可的轧钢生产线", "effective_on": "2019-07-08"}
    r = await platform.clients["technology"].post(
        f"/v1/watch/alerts/{alert_id}/outcome",
        json=explained,
        headers=platform.stack.headers("miit", district),
    )
    assert r.status_code == 200 and r.json()["state"] == "explained", r.text

    for service, agency in (("quality", "samr"), ("technology", "miit")):
        settled = await eventually(
            partial(
                in_state,
                platform,
                service,
                agency,
                checks[agency]["referral_id"],
                "settled_elsewhere",
            ),
            within=180,
        )
        assert (settled["outcome"], settled["settled_by"], settled["settled_by_referral"]) == (
            "explained",
            "miit",
            None,
        )
        assert settled["last_step_on"] == "2019-07-08"

    async def settled_in_city() -> list[Any] | None:
        found = await city_referrals(platform, uscc, state="settled_elsewhere")
        return found if len(found) == 2 else None

    assert {x["receiver"] for x in await eventually(settled_in_city, within=180)} == {
        "samr",
        "miit",
    }


async def ditiaogang_checks(
    platform: Platform, uscc: str, district: str, quiet: str, busy: str
) -> tuple[str, dict[str, dict[str, Any]]]:
    """An enterprise without a steel licence that draws induction-furnace power in `busy` (after
    a `quiet` month) and invoices rebar then: its 地条钢 alert, and the check it sent to samr at
    quality and to miit at technology, by agency, once both have arrived."""
    power = electricity(uscc, f"GD-{uscc[-8:]}", district, {quiet: 20_000, busy: 600_000})
    assert (await load(platform, "electricity", power)).status_code == 201
    invoices = "\n".join(
        [
            "uscc,district,period,category,amount_yuan,tonnes",
            f"{uscc},{district},{busy},steel_rebar,3800000,1000",
        ]
    )
    report = await load(platform, "invoices", invoices)
    assert report.status_code == 201, report.text
    (alert_id,) = report.json()["alerts_raised"]

    async def both() -> dict[str, dict[str, Any]] | None:
        found = {
            agency: await revival_checks(platform, service, agency, uscc)
            for service, agency in (("quality", "samr"), ("technology", "miit"))
        }
        return {a: x[0] for a, x in found.items()} if all(found.values()) else None

    return alert_id, await eventually(both, within=180)
