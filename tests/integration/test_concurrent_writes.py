"""Concurrent writers never lose an update, on the real broker and database.

Every versioned resource answers its version as an `ETag`; a write with a stale `If-Match` is
refused with 412; writers racing on one resource are served one after the other (each sees the
previous one's change) or refused with 409, never silently overwritten. A conflict with the
case's state or its last act is a 409 naming the reason. Each event carries its sequence in its
subject's stream, and the aggregator ends in the state the source is in.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

import httpx
import pytest
from conftest import Platform
from support import eventually, make_uscc
from test_energy_service import act, opened_case

pytestmark = pytest.mark.integration
rng = random.Random(14)
WRITERS = 20
OWNERS = {
    "energy": "miit",
    "environment": "mee",
    "quality": "samr",
    "safety": "mem",
    "technology": "miit",
}


def entry(uscc: str, name: str = "深圳市某水泥有限公司") -> dict[str, Any]:
    return {
        "uscc": uscc,
        "name": name,
        "district": "baoan",
        "industry": "cement",
        "effective_on": "2019-05-06",
    }


def correction(name: str) -> dict[str, Any]:
    return {k: v for k, v in entry("", name).items() if k != "uscc"}


def version_of(response: httpx.Response) -> int:
    """The version a response's ETag names (a strong tag, the version in quotes)."""
    tag = response.headers.get("ETag")
    assert tag is not None and tag.startswith('"') and tag.endswith('"'), response.headers
    return int(tag.strip('"'))


async def register(platform: Platform, dimension: str) -> tuple[str, httpx.Response]:
    uscc = make_uscc(rng)
    r = await platform.clients[dimension].post(
        "/v1/enterprises", json=entry(uscc), headers=platform.stack.headers(OWNERS[dimension])
    )
    assert r.status_code == 201, r.text
    return uscc, r


async def test_twenty_concurrent_corrections_lose_no_update(platform: Platform) -> None:
    energy, miit = platform.clients["energy"], platform.stack.headers("miit")
    uscc, _ = await register(platform, "energy")
    names = [f"深圳市某水泥有限公司第{i}厂" for i in range(WRITERS)]
    answers = await asyncio.gather(
        *(energy.put(f"/v1/enterprises/{uscc}", json=correction(n), headers=miit) for n in names)
    )
    assert {r.status_code for r in answers} <= {200, 409}, [r.text for r in answers]
    done = [r for r in answers if r.status_code == 200]
    versions = sorted(r.json()["version"] for r in done)
    assert versions == list(range(2, 2 + len(done))), versions
    assert all(version_of(r) == r.json()["version"] for r in done)
    last = max(done, key=lambda r: r.json()["version"])

    final = await energy.get(f"/v1/enterprises/{uscc}", headers=miit)
    assert final.json()["version"] == 1 + len(done) == version_of(final)
    assert final.json()["name"] == last.json()["name"]

    async def consumed() -> list[dict[str, Any]] | None:
        r = await platform.clients["aggregator"].get(f"/v1/enterprises/{uscc}", headers=miit)
        if r.status_code != 200:
            return None
        events = [e for e in r.json()["timeline"] if e["dimension"] == "energy"]
        return events if len(events) == 1 + len(done) else None

    events = await consumed_within(consumed)
    assert sorted(e["data"]["sequence"] for e in events) == list(range(1, 2 + len(done)))
    city = await platform.clients["aggregator"].get(f"/v1/enterprises/{uscc}", headers=miit)
    (agency,) = [a for a in city.json()["agencies"] if a["dimension"] == "energy"]
    assert agency["name"] == final.json()["name"]
    assert city.json()["name"] == final.json()["name"]


async def consumed_within(probe: Any) -> Any:
    return await eventually(probe, within=60)


@pytest.mark.parametrize("dimension", sorted(OWNERS))
async def test_every_register_answers_etags_and_refuses_a_stale_if_match(
    platform: Platform, dimension: str
) -> None:
    service, headers = platform.clients[dimension], platform.stack.headers(OWNERS[dimension])
    uscc, created = await register(platform, dimension)
    assert version_of(created) == 1
    read = await service.get(f"/v1/enterprises/{uscc}", headers=headers)
    assert version_of(read) == 1

    fresh = {**headers, "If-Match": read.headers["ETag"]}
    changed = await service.put(f"/v1/enterprises/{uscc}", json=correction("甲"), headers=fresh)
    assert changed.status_code == 200 and version_of(changed) == 2, changed.text

    stale = await service.put(f"/v1/enterprises/{uscc}", json=correction("乙"), headers=fresh)
    assert stale.status_code == 412, stale.text
    assert stale.json()["detail"][0]["field"] == "If-Match"
    after = await service.get(f"/v1/enterprises/{uscc}", headers=headers)
    assert after.json()["name"] == "甲" and version_of(after) == 2


async def test_twenty_concurrent_extensions_one_granted_the_rest_409(platform: Platform) -> None:
    _, case_id = await opened_case(platform)
    body = {"applied_on": "2020-02-20", "new_deadline": "2020-05-29", "granted_on": "2020-03-02"}
    answers = await asyncio.gather(
        *(act(platform, case_id, "extension", body) for _ in range(WRITERS))
    )
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [200] + [409] * (WRITERS - 1), [r.text for r in answers]
    for refused in (r for r in answers if r.status_code == 409):
        assert refused.json()["detail"][0]["rule"] == "energy.case.extension_once"
    case = await platform.clients["energy"].get(
        f"/v1/cases/{case_id}", headers=platform.stack.headers("miit")
    )
    assert case.json()["deadline"]["due_on"] == "2020-05-29"
    assert version_of(case) == 2


async def test_an_act_before_the_last_one_is_a_409_naming_it(platform: Platform) -> None:
    _, case_id = await opened_case(platform)
    early = {"applied_on": "2019-08-01", "new_deadline": "2020-05-29", "granted_on": "2019-08-02"}
    r = await act(platform, case_id, "extension", early)
    assert r.status_code == 409, r.text
    detail = r.json()["detail"][0]
    assert (detail["field"], detail["rule"]) == ("granted_on", "lifecycle.act_order")
    assert "last act" in detail["reason"]


async def test_a_case_write_with_a_stale_if_match_is_412(platform: Platform) -> None:
    energy, miit = platform.clients["energy"], platform.stack.headers("miit", "baoan")
    _, case_id = await opened_case(platform)
    read = await energy.get(f"/v1/cases/{case_id}", headers=miit)
    assert version_of(read) == 1
    body = {"applied_on": "2020-02-20", "new_deadline": "2020-05-29", "granted_on": "2020-03-02"}

    wrong = {**miit, "If-Match": '"7"'}
    refused = await energy.post(f"/v1/cases/{case_id}/extension", json=body, headers=wrong)
    assert refused.status_code == 412, refused.text
    unchanged = await energy.get(f"/v1/cases/{case_id}", headers=miit)
    assert unchanged.json()["deadline"]["due_on"] == "2020-02-29" and version_of(unchanged) == 1

    fresh = {**miit, "If-Match": read.headers["ETag"]}
    granted = await energy.post(f"/v1/cases/{case_id}/extension", json=body, headers=fresh)
    assert granted.status_code == 200 and version_of(granted) == 2, granted.text
    again = await energy.post(f"/v1/cases/{case_id}/extension", json=body, headers=fresh)
    assert again.status_code == 412, again.text


CREATIONS = {"201"}
"""A write that creates a resource (201) has no version to hold it to yet."""


@pytest.mark.parametrize("service", sorted(OWNERS))
def test_every_write_on_one_resource_takes_if_match_and_documents_409_and_412(
    platform: Platform, service: str
) -> None:
    paths = platform.apps[service].openapi()["paths"]
    checked = 0
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method not in {"post", "put", "patch", "delete"}:
                continue
            responses = operation["responses"]
            assert "409" in responses, (method, path)
            succeeds = {s for s in responses if s.startswith("2")}
            if "{" not in path or succeeds <= CREATIONS:
                continue
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            assert "If-Match" in names and "412" in responses, (method, path)
            assert all("ETag" in responses[s].get("headers", {}) for s in succeeds), path
            checked += 1
    assert checked >= 3


async def test_a_backdated_correction_is_history_in_the_register_as_in_the_city(
    platform: Platform,
) -> None:
    energy, miit = platform.clients["energy"], platform.stack.headers("miit")
    uscc, _ = await register(platform, "energy")
    backdated = {**correction("更早的名称"), "effective_on": "2019-01-02"}
    r = await energy.put(f"/v1/enterprises/{uscc}", json=backdated, headers=miit)
    assert r.status_code == 200 and version_of(r) == 2, r.text
    assert (r.json()["name"], r.json()["effective_on"]) == ("深圳市某水泥有限公司", "2019-05-06")

    async def consumed() -> dict[str, Any] | None:
        city = await platform.clients["aggregator"].get(f"/v1/enterprises/{uscc}", headers=miit)
        body: dict[str, Any] = city.json()
        done = city.status_code == 200 and len(body["timeline"]) == 2
        return body if done else None

    city = await consumed_within(consumed)
    assert city["name"] == r.json()["name"]
    then = await platform.clients["aggregator"].get(
        f"/v1/enterprises/{uscc}", params={"as_of": "2019-03-01"}, headers=miit
    )
    assert then.json()["name"] == "更早的名称"


async def _quality_spot_checks(platform: Platform) -> tuple[list[httpx.Response], str]:
    import test_quality_service as q

    uscc = await q.registered(platform)
    answers = await asyncio.gather(*(q.spot_check(platform, uscc) for _ in range(WRITERS)))
    return list(answers), "quality.case.one_open_case"


async def _quality_unlicensed_cases(platform: Platform) -> tuple[list[httpx.Response], str]:
    import test_quality_service as q

    uscc = await q.registered(platform)
    body = {"product": q.REBAR, "description": "无证生产", "effective_on": "2019-06-03"}
    path = f"/v1/enterprises/{uscc}/unlicensed-cases"
    headers = q.samr(platform)
    answers = await asyncio.gather(
        *(q.quality(platform).post(path, json=body, headers=headers) for _ in range(WRITERS))
    )
    return list(answers), "quality.unlicensed_case.one_open_case"


async def _quality_cancellation_requests(
    platform: Platform,
) -> tuple[list[httpx.Response], str]:
    import test_quality_service as q

    uscc = await q.registered(platform)
    number = await q.licensed(platform, uscc)
    body = {
        "ground": "technology",
        "shutdown_reference": "technology case (拆除验收)",
        "shut_down_on": "2019-07-01",
        "effective_on": "2019-07-05",
    }
    path, headers = f"/v1/licences/{number}/cancellation-requests", q.samr(platform)
    answers = await asyncio.gather(
        *(q.quality(platform).post(path, json=body, headers=headers) for _ in range(WRITERS))
    )
    return list(answers), "quality.cancellation.one_pending"


async def _safety_suspensions(platform: Platform) -> tuple[list[httpx.Response], str]:
    import test_safety_service as s

    uscc = await s.registered(platform)
    answers = await asyncio.gather(
        *(s.inspected(platform, uscc, findings=[s.BELOW]) for _ in range(WRITERS))
    )
    return list(answers), "safety.case.one_active_case"


async def _energy_inspections(platform: Platform) -> tuple[list[httpx.Response], str]:
    from test_energy_service import inspect, registered

    uscc = await registered(platform)
    answers = await asyncio.gather(*(inspect(platform, uscc) for _ in range(WRITERS)))
    return list(answers), "energy.case.one_open_case"


OPENERS = {
    "energy inspection over the limit": _energy_inspections,
    "quality failed spot check": _quality_spot_checks,
    "quality unlicensed production": _quality_unlicensed_cases,
    "quality licence cancellation request": _quality_cancellation_requests,
    "safety inspection below the conditions": _safety_suspensions,
}
"""The acts that open a record of which an enterprise may have one at a time."""


@pytest.mark.parametrize("opener", sorted(OPENERS))
async def test_concurrent_openers_at_one_enterprise_open_one_and_the_rest_are_409(
    platform: Platform, opener: str
) -> None:
    """Twenty officers recording the same finding at once: one record is opened, each of the
    others is told it would be a second (the rule that an enterprise has one at a time holds
    under concurrency, not only one request after another)."""
    answers, rule = await OPENERS[opener](platform)
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [201] + [409] * (WRITERS - 1), [r.text for r in answers]
    assert {r.json()["detail"][0]["rule"] for r in answers if r.status_code == 409} == {rule}
