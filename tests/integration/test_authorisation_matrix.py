"""The authorisation matrix: every agency (and none, for a district or city government) x
every jurisdiction x every write route of every service. Only the agencies that the write table
names for a route pass.

The write routes are read from each app's OpenAPI (POST, PUT, PATCH, DELETE, less the POSTs
marked `x-records-nothing`, which only compute an answer). The expected outcome of a cell comes
from the write table (`phaseout_shared.writes.WRITES`, the one place that says who may write
what) and the reference data (the districts, the city bureau, the calendar's dues), never from
a table of outcomes written here.

What is decided, and so checked:
- without a token every write is 401;
- an agency that the table does not name for a route gets 403 on it, whatever
  the body and whether or not the case or enterprise exists: the services check the caller
  before they read the body or look anything up, so a non-owner learns nothing (not even what
  a valid body is: a 422 for a non-owner would be no leak of data, but it is not a 403);
- an owner's officer passes that gate (the empty body then gets its 422), a reader does not;
- where the enterprise is, decides among the owners: a district officer registers and corrects
  only the enterprises of that district, a city officer all of them (checked with valid bodies);
- the aggregator: only the city bureau's city officers set the oversight rule; a district
  government sends its district's reports, a bureau's city officers the bureau's; the evidence
  it relays to an agency service is authorised there, by that service's rule.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from conftest import Platform
from fastapi import FastAPI
from support import make_uscc

from phaseout_aggregator.app.calendar import dues
from phaseout_shared.auth import WRITE_METHODS
from phaseout_shared.reference import CITY, CITY_BUREAU, Agency, Dimension, District
from phaseout_shared.writes import LEADS, WRITES, allowed

PNG = b"\x89PNG\r\n\x1a\n" + b"relayed to the agency that keeps it"

pytestmark = pytest.mark.integration
rng = random.Random(20190506)

AGENCIES: list[str | None] = [*(a.value for a in Agency), None]
JURISDICTIONS: list[str] = [CITY, *(d.value for d in District)]
CELLS = [(a, j) for a in AGENCIES for j in JURISDICTIONS]


def cells_of_route(i: int) -> list[tuple[str | None, str]]:
    """Every agency, as a city officer and as officers of two districts that rotate from one
    route to the next (the gate does not look at the jurisdiction, and a service's routes
    together cover every district); the full agency x jurisdiction product is sent with valid
    bodies below, where the jurisdiction does decide."""
    districts = JURISDICTIONS[1:]
    chosen = [CITY, districts[(2 * i) % len(districts)], districts[(2 * i + 1) % len(districts)]]
    return [(a, j) for a in AGENCIES for j in chosen]


def write_routes(app: FastAPI) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, path template, operation) of every route that records something."""
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            if method.upper() in WRITE_METHODS and not operation.get("x-records-nothing"):
                yield method.upper(), path, operation


NOBODYS_ID = "00000000-0000-4000-8000-00000000a404"
"""A well-formed id that names nothing."""


def concrete(path: str, operation: dict[str, Any], uscc: str) -> str:
    """The path with its parameters filled: a registered enterprise's code, a year, or an id
    that names nothing (a non-owner must get 403 all the same)."""
    for parameter in operation.get("parameters", []):
        if parameter["in"] != "path":
            continue
        name = parameter["name"]
        schema = parameter.get("schema", {})
        kind, form = schema.get("type"), schema.get("format")
        value = (
            uscc
            if name == "uscc"
            else "2019"
            if kind == "integer"
            else NOBODYS_ID
            if form == "uuid"
            else "no-such-id"
        )
        path = path.replace("{" + name + "}", value)
    return path


def reason(body: dict[str, Any]) -> tuple[str | None, str]:
    item = body["detail"][0]
    return item["field"], item["reason"]


async def register(platform: Platform, service: str, district: str) -> str:
    uscc = make_uscc(rng)
    owner = sorted(LEADS[Dimension(service)])[0]
    response = await platform.clients[service].post(
        "/v1/enterprises",
        json=enterprise(uscc, district, "某矩阵测试厂"),
        headers=platform.stack.headers(owner),
    )
    assert response.status_code == 201, response.text
    return uscc


def enterprise(uscc: str, district: str, name: str) -> dict[str, Any]:
    return {
        "uscc": uscc,
        "name": name,
        "district": district,
        "industry": "cement",
        "effective_on": "2019-05-06",
    }


@pytest.mark.parametrize("service", [d.value for d in Dimension])
async def test_only_owners_pass_the_gate_of_every_write(platform: Platform, service: str) -> None:
    dimension = Dimension(service)
    http = platform.clients[service]
    uscc = await register(platform, service, District.BAOAN.value)
    routes = list(write_routes(platform.apps[service]))
    assert routes, f"{service} has no write routes"
    assert {f"{m} {p}" for m, p, _ in routes} == set(WRITES[dimension])
    wrong: list[str] = []
    for i, (method, template, operation) in enumerate(routes):
        owners = allowed(dimension, method, template)
        tokens = {cell: platform.stack.headers(*cell) for cell in cells_of_route(i)}
        url = concrete(template, operation, uscc)
        anonymous = await http.request(method, url, json={})
        if anonymous.status_code != 401:
            wrong.append(f"{method} {template} without a token: {anonymous.status_code}")
        answers = await asyncio.gather(
            *(http.request(method, url, json={}, headers=h) for h in tokens.values())
        )
        for (agency, jurisdiction), r in zip(tokens, answers, strict=True):
            cell = f"{method} {template} as {agency}/{jurisdiction}: {r.status_code}"
            if agency not in owners:
                if r.status_code != 403 or reason(r.json())[0] != "agency":
                    wrong.append(f"{cell} (a non-owner must get 403 on agency)")
            elif r.status_code in (401, 403):
                wrong.append(f"{cell} {reason(r.json())} (an owner passes the gate)")
        for owner in owners:
            reader = platform.stack.headers(owner, roles=("reader",))
            r = await http.request(method, url, json={}, headers=reader)
            if r.status_code != 403 or reason(r.json())[0] != "roles":
                wrong.append(f"{method} {template} as a {owner} reader: {r.status_code}")
    assert not wrong, f"{len(wrong)} cells wrong:\n" + "\n".join(wrong[:40])


@pytest.mark.parametrize("service", [d.value for d in Dimension])
async def test_among_owners_the_enterprise_district_decides(
    platform: Platform, service: str
) -> None:
    dimension = Dimension(service)
    http = platform.clients[service]
    district = District.LONGHUA.value
    uscc = await register(platform, service, district)
    wrong: list[str] = []
    for agency, jurisdiction in CELLS:
        headers = platform.stack.headers(agency, jurisdiction)
        registers = agency in allowed(dimension, "POST", "/v1/enterprises")
        corrects = agency in allowed(dimension, "PUT", "/v1/enterprises/{uscc}")
        here = jurisdiction in (CITY, district)
        new = make_uscc(rng)
        created = await http.post(
            "/v1/enterprises", json=enterprise(new, district, "某新登记厂"), headers=headers
        )
        change = enterprise(uscc, district, f"某更名厂{agency}{jurisdiction}")
        del change["uscc"]
        changed = await http.put(f"/v1/enterprises/{uscc}", json=change, headers=headers)
        for r, success, may in ((created, 201, registers), (changed, 200, corrects)):
            expected = success if may and here else 403
            if r.status_code != expected:
                cell = f"{r.request.method} as {agency}/{jurisdiction}: {r.status_code}"
                wrong.append(f"{cell}, expected {expected}: {r.text[:200]}")
    assert not wrong, "\n".join(wrong)


async def test_aggregator_writes_only_by_the_city_bureau_and_those_who_owe_a_report(
    platform: Platform,
) -> None:
    http = platform.clients["aggregator"]
    every = {(m, p) for m, p, _ in write_routes(platform.apps["aggregator"])}
    relayed = {(m, p) for m, p in every if p.startswith("/v1/dimensions/")}
    routes = every - relayed
    assert routes == {
        ("PUT", "/v1/oversight-rule"),
        ("POST", "/v1/submissions"),
        ("POST", "/v1/exit-lists"),
        ("POST", "/v1/exit-lists/{document_id}/sign-off"),
    }, routes
    # The evidence writes relayed to an agency service are authorised there, by its own rule.
    assert relayed == {
        ("POST", "/v1/dimensions/{dimension}/evidence/files"),
        ("POST", "/v1/dimensions/{dimension}/evidence"),
    }, relayed
    png = {"Content-Type": "image/png"}
    files = "/v1/dimensions/technology/evidence/files"
    assert (await http.post(files, content=PNG, headers=png)).status_code == 401
    samr = platform.stack.headers("samr")
    assert (await http.post(files, content=PNG, headers={**samr, **png})).status_code == 403
    miit = platform.stack.headers("miit")
    assert (await http.post(files, content=PNG, headers={**miit, **png})).status_code in (200, 201)
    rule = (await http.get("/v1/oversight-rule", headers=platform.stack.headers("miit"))).json()
    year = 2099
    owed = {d.submitter for d in dues(year) if d.kind == "annual"}
    submission = {"year": year, "kind": "annual", "submitted_on": str(date(year, 12, 1))}
    # A district's year-end list is issued by its government's officers, and them alone.
    listing = {"district": "yantian", "year": year, "as_of": "2020-12-31"}
    assert (await http.post("/v1/exit-lists", json=listing)).status_code == 401
    assert (await http.put("/v1/oversight-rule", json=rule)).status_code == 401
    assert (await http.post("/v1/submissions", json=submission)).status_code == 401
    wrong: list[str] = []
    for agency, jurisdiction in CELLS:
        headers = platform.stack.headers(agency, jurisdiction)
        r = await http.put("/v1/oversight-rule", json=rule, headers=headers)
        sets_rule = agency == CITY_BUREAU and jurisdiction == CITY
        if r.status_code != (200 if sets_rule else 403):
            wrong.append(f"PUT rule as {agency}/{jurisdiction}: {r.status_code}")
        submitter = jurisdiction if agency is None else agency
        sends = submitter in owed and (agency is None or jurisdiction == CITY)
        r = await http.post("/v1/submissions", json=submission, headers=headers)
        if (r.status_code in (201, 409)) != sends or r.status_code not in (201, 409, 403):
            wrong.append(f"POST submission as {agency}/{jurisdiction}: {r.status_code} {r.text}")
        r = await http.post("/v1/exit-lists", json=listing, headers=headers)
        issues = agency is None and jurisdiction == listing["district"]
        if (r.status_code in (201, 409)) != issues or r.status_code not in (201, 409, 403):
            wrong.append(f"POST exit list as {agency}/{jurisdiction}: {r.status_code} {r.text}")
    assert not wrong, "\n".join(wrong)
