"""The thin vertical slice, on the real broker and database: register at each agency service,
see the enterprise merged in the aggregator; bad input, missing and foreign tokens refused."""

from __future__ import annotations

import random
from typing import Any

import pytest
from conftest import Platform
from sqlalchemy import text
from support import eventually, make_uscc

pytestmark = pytest.mark.integration

AGENCY_OF = {
    "energy": "miit",
    "environment": "mee",
    "quality": "samr",
    "safety": "mem",
    "technology": "miit",
}
rng = random.Random(20190101)


def enterprise(code: str, **over: Any) -> dict[str, Any]:
    return {
        "uscc": code,
        "name": "深圳市宝安某水泥有限公司",
        "district": "baoan",
        "industry": "cement",
        "effective_on": "2019-04-15",
        **over,
    }


async def merged(platform: Platform, uscc: str, agencies: int) -> dict[str, Any] | None:
    r = await platform.clients["aggregator"].get(
        f"/v1/enterprises/{uscc}", headers=platform.stack.headers("miit")
    )
    if r.status_code != 200 or len(r.json()["agencies"]) < agencies:
        return None
    body: dict[str, Any] = r.json()
    return body


async def test_registered_at_every_agency_appears_merged(platform: Platform) -> None:
    uscc = make_uscc(rng)
    for service, agency in AGENCY_OF.items():
        name = "深圳市宝安某水泥厂" if service == "quality" else "深圳市宝安某水泥有限公司"
        r = await platform.clients[service].post(
            "/v1/enterprises",
            json=enterprise(uscc, name=name),
            headers=platform.stack.headers(agency),
        )
        assert r.status_code == 201, r.text
    view = await eventually(lambda: merged(platform, uscc, 5))
    assert view["supervised_by"] == ["energy", "environment", "quality", "safety", "technology"]
    assert view["name"] == "深圳市宝安某水泥有限公司"
    assert view["conflicts"] == [
        {
            "field": "name",
            "values": {
                "深圳市宝安某水泥有限公司": ["energy", "environment", "safety", "technology"],
                "深圳市宝安某水泥厂": ["quality"],
            },
        }
    ]


async def test_an_update_reaches_the_aggregator(platform: Platform) -> None:
    uscc = make_uscc(rng)
    energy, headers = platform.clients["energy"], platform.stack.headers("drc")
    assert (
        await energy.post("/v1/enterprises", json=enterprise(uscc), headers=headers)
    ).status_code == 201
    change = {k: v for k, v in enterprise(uscc, name="新名称水泥").items() if k != "uscc"}
    r = await energy.put(f"/v1/enterprises/{uscc}", json=change, headers=headers)
    assert r.status_code == 200 and r.json()["version"] == 2

    async def renamed() -> dict[str, Any] | None:
        view = await merged(platform, uscc, 1)
        return view if view and view["name"] == "新名称水泥" else None

    await eventually(renamed)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"uscc": "91440300708461136X"}, "uscc"),
        ({"uscc": "91440300708461136t"}, "uscc"),
        ({"district": "atlantis"}, "district"),
        ({"industry": "textiles"}, "industry"),
        ({"effective_on": "2019-02-30"}, "effective_on"),
        ({"name": ""}, "name"),
    ],
)
async def test_bad_input_is_422_naming_the_field(
    platform: Platform, change: dict[str, str], field: str
) -> None:
    r = await platform.clients["safety"].post(
        "/v1/enterprises",
        json=enterprise(make_uscc(rng), **change),
        headers=platform.stack.headers("mem"),
    )
    assert r.status_code == 422
    assert [d["field"] for d in r.json()["detail"]] == [field]


async def test_bad_input_leaves_nothing_behind(platform: Platform) -> None:
    uscc = make_uscc(rng)
    r = await platform.clients["safety"].post(
        "/v1/enterprises",
        json=enterprise(uscc, district="atlantis"),
        headers=platform.stack.headers("mem"),
    )
    assert r.status_code == 422
    r = await platform.clients["safety"].get(
        f"/v1/enterprises/{uscc}", headers=platform.stack.headers("mem")
    )
    assert r.status_code == 404


async def test_registering_twice_is_409(platform: Platform) -> None:
    uscc, headers = make_uscc(rng), platform.stack.headers("mee")
    env = platform.clients["environment"]
    assert (
        await env.post("/v1/enterprises", json=enterprise(uscc), headers=headers)
    ).status_code == 201
    r = await env.post("/v1/enterprises", json=enterprise(uscc), headers=headers)
    assert r.status_code == 409 and r.json()["detail"][0]["field"] == "uscc"


async def test_no_token_is_401(platform: Platform) -> None:
    r = await platform.clients["quality"].post("/v1/enterprises", json=enterprise(make_uscc(rng)))
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"


async def test_a_forged_token_is_401(platform: Platform) -> None:
    r = await platform.clients["quality"].post(
        "/v1/enterprises",
        json=enterprise(make_uscc(rng)),
        headers={"Authorization": "Bearer not.a.token"},
    )
    assert r.status_code == 401


@pytest.mark.parametrize(
    ("service", "agency"), [("quality", "mee"), ("environment", "samr"), ("safety", "water")]
)
async def test_token_of_another_agency_is_403(
    platform: Platform, service: str, agency: str
) -> None:
    r = await platform.clients[service].post(
        "/v1/enterprises", json=enterprise(make_uscc(rng)), headers=platform.stack.headers(agency)
    )
    assert r.status_code == 403 and r.json()["detail"][0]["field"] == "agency"


async def test_token_of_another_district_is_403(platform: Platform) -> None:
    r = await platform.clients["environment"].post(
        "/v1/enterprises",
        json=enterprise(make_uscc(rng), district="baoan"),
        headers=platform.stack.headers("mee", "futian"),
    )
    assert r.status_code == 403 and r.json()["detail"][0]["field"] == "district"


async def test_district_officer_registers_and_lists_only_own_district(platform: Platform) -> None:
    tech = platform.clients["technology"]
    mine, theirs = make_uscc(rng), make_uscc(rng)
    h_longgang = platform.stack.headers("miit", "longgang")
    assert (
        await tech.post(
            "/v1/enterprises", json=enterprise(mine, district="longgang"), headers=h_longgang
        )
    ).status_code == 201
    assert (
        await tech.post(
            "/v1/enterprises",
            json=enterprise(theirs, district="pingshan"),
            headers=platform.stack.headers("miit"),
        )
    ).status_code == 201
    listed = (await tech.get("/v1/enterprises", params={"limit": 500}, headers=h_longgang)).json()
    assert {e["district"] for e in listed["items"]} == {"longgang"}
    assert mine in {e["uscc"] for e in listed["items"]}
    assert (await tech.get(f"/v1/enterprises/{theirs}", headers=h_longgang)).status_code == 403
    aggregator = platform.clients["aggregator"]

    async def visible() -> int | None:
        r = await aggregator.get(f"/v1/enterprises/{mine}", headers=h_longgang)
        return r.status_code if r.status_code != 404 else None

    assert await eventually(visible) == 200
    await eventually(lambda: _registered_at_aggregator(platform, theirs))
    r = await aggregator.get(f"/v1/enterprises/{theirs}", headers=h_longgang)
    assert r.status_code == 403


async def test_readiness_reports_database_and_kafka(platform: Platform) -> None:
    for name, c in platform.clients.items():
        r = await c.get("/health/ready")
        assert r.status_code == 200, name
        assert r.json()["checks"] == {"database": "ok", "kafka": "ok"}
        assert (await c.get("/health/live")).json()["service"] == name


async def test_audit_records_who_did_what(platform: Platform) -> None:
    from sqlalchemy import select

    from phaseout_shared.db import audit

    uscc = make_uscc(rng)
    r = await platform.clients["safety"].post(
        "/v1/enterprises", json=enterprise(uscc), headers=platform.stack.headers("mem", "baoan")
    )
    assert r.status_code == 201
    async with platform.apps["safety"].state.db.sessions() as session:
        row = (await session.execute(select(audit).where(audit.c.target == uscc))).one()._mapping
    assert (row["agency"], row["jurisdiction"], row["action"]) == (
        "mem",
        "baoan",
        "enterprise.register",
    )
    assert row["subject"] == "test-mem-baoan" and row["changes"]["district"] == "baoan"


async def _registered_at_aggregator(platform: Platform, uscc: str) -> bool | None:
    r = await platform.clients["aggregator"].get(
        f"/v1/enterprises/{uscc}", headers=platform.stack.headers("miit")
    )
    return True if r.status_code == 200 else None


async def test_readiness_is_503_naming_the_outbox_when_it_cannot_be_read_in_time(
    platform: Platform,
) -> None:
    """A readiness probe answers 503 with its reasons, never 500, whatever keeps it waiting."""
    app, client_ = platform.apps["energy"], platform.clients["energy"]
    async with app.state.db.sessions() as session, session.begin():
        await session.execute(text("LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE"))
        r = await client_.get("/health/ready")
    assert r.status_code == 503, r.text
    assert r.json()["checks"]["outbox"] == "unavailable: TimeoutError"
    assert (await client_.get("/health/ready")).status_code == 200
