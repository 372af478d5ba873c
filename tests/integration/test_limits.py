"""No single input can stop a service, and bad input is a 4xx everywhere.

On the real broker and database: an event over the size limit is refused before its
transaction commits; a record the broker refuses is parked and the relay goes on; a body over
the limit is a 413 and an unauthenticated write a 401, both before the body is read; NUL
characters in a path, a query or a body are a 422 in every service; dates outside the sane
range, malformed dates and tokens that are too long-lived or name too long a subject are
refused; a 422 never echoes a huge value.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from importlib import import_module
from typing import Any

import jwt
import pytest
from conftest import SERVICES, Platform, StackUnderTest, client, running
from pydantic import SecretStr
from sqlalchemy import func, insert, select
from support import eventually, make_uscc

from phaseout_cli import stack
from phaseout_shared.db import outbox
from phaseout_shared.web import create_app

pytestmark = pytest.mark.integration
rng = random.Random(14)
AGENCIES = ("energy", "environment", "quality", "safety", "technology")
OWNER = {
    "energy": "miit",
    "environment": "mee",
    "quality": "samr",
    "safety": "mem",
    "technology": "miit",
}


@contextlib.asynccontextmanager
async def isolated_technology(test_stack: StackUnderTest, **extra: Any) -> AsyncIterator[Any]:
    """The technology service on a database of its own, publishing (relay on) but consuming
    nothing, so that what it does cannot disturb the shared platform's services; nor does it
    publish its catalogue's names at start, so that its outbox holds only what a test writes."""
    name = f"limits{uuid.uuid4().hex[:8]}"
    urls = await stack.aensure_databases(test_stack.config, [name])
    spec = dataclasses.replace(
        import_module("phaseout_technology.main").SPEC, consumers=(), on_startup=[]
    )
    settings = test_stack.settings("technology", **extra)
    settings = settings.model_copy(update={"database_url": SecretStr(urls[name])})
    app = create_app(spec, settings)
    async with running(app), client(app, "technology-isolated") as http:
        yield app, http


def project_check(items: int) -> dict[str, Any]:
    return {
        "project_name": "新建水泥熟料线",
        "industry": "cement",
        "district": "pingshan",
        "effective_on": "2019-08-01",
        "items": [{"kind": "cement_mill", "diameter_m": 3.2 + i / 1000} for i in range(items)],
    }


async def outbox_rows(app: Any) -> list[dict[str, Any]]:
    """The outbox rows of the test's commands (not the catalogue's publication at start)."""
    async with app.state.db.sessions() as session:
        mine = select(outbox).where(outbox.c.subject != "catalogue").order_by(outbox.c.seq)
        rows = await session.execute(mine)
        return [dict(r._mapping) for r in rows]


# --- the size of an event ----------------------------------------------------------------------


async def test_an_event_over_the_size_limit_is_a_422_and_nothing_is_recorded(
    test_stack: StackUnderTest,
) -> None:
    drc = test_stack.headers("drc")
    async with isolated_technology(test_stack, max_event_bytes=20_000) as (app, http):
        small = await http.post("/v1/project-checks", json=project_check(2), headers=drc)
        assert small.status_code == 201, small.text
        r = await http.post("/v1/project-checks", json=project_check(150), headers=drc)
        assert r.status_code == 422, r.text
        (item,) = r.json()["detail"]
        assert item["rule"] == "event.size"
        assert "20000" in item["reason"]
        listed = await http.get("/v1/project-checks", headers=drc)
        assert listed.json()["total"] == 1, "the refused check must not be recorded"
        assert len(await outbox_rows(app)) == 1, "nor its event"


@pytest.mark.parametrize("service", SERVICES)
async def test_the_producer_and_every_consumer_share_one_size_limit(
    platform: Platform, service: str
) -> None:
    """So that no event the outbox admits is dead-lettered as oversized by a consumer."""
    state = platform.apps[service].state
    limit = state.settings.max_event_bytes
    assert state.outbox.max_bytes == limit
    assert [c.max_message_bytes for c in state.consumers] == [limit] * len(state.consumers)
    assert state.producer._max_request_size > limit


async def test_a_market_access_check_of_5000_items_is_refused(platform: Platform) -> None:
    drc = platform.stack.headers("drc")
    r = await platform.clients["technology"].post(
        "/v1/project-checks", json=project_check(5000), headers=drc
    )
    assert r.status_code in (413, 422), r.text
    assert len(r.text) < 2000


@pytest.mark.parametrize(
    "max_event_bytes",
    [None, 2_000_000],
    ids=["refused by the producer", "refused by the broker"],
)
async def test_a_record_the_broker_refuses_is_parked_and_the_relay_goes_on(
    test_stack: StackUnderTest, max_event_bytes: int | None
) -> None:
    """A row over the broker's limit (written before the limits, or under a larger setting
    than the broker's): parked with its reason, counted in readiness; later events go out."""
    miit = test_stack.headers("miit")
    extra = {} if max_event_bytes is None else {"max_event_bytes": max_event_bytes}
    async with isolated_technology(test_stack, **extra) as (app, http):
        uscc = make_uscc(rng)
        big = {"uscc": uscc, "name": "x" * 1_300_000, "district": "futian"}
        async with app.state.db.sessions.begin() as session:
            await session.execute(
                insert(outbox).values(
                    event_id=str(uuid.uuid4()),
                    topic="phaseout.technology.events",
                    type="phaseout.technology.enterprise.registered.v1",
                    source="/phaseout/technology",
                    subject=uscc,
                    time=datetime.now(UTC),
                    data=big,
                    trace={},
                )
            )
        r = await http.post(
            "/v1/tips",
            json={"summary": "地条钢 at night", "effective_on": "2019-06-01"},
            headers=miit,
        )
        assert r.status_code == 201, r.text

        async def all_settled() -> list[dict[str, Any]] | None:
            rows = await outbox_rows(app)
            settled = all(r["sent_at"] is not None or r["parked_at"] is not None for r in rows)
            return rows if settled else None

        rows = await eventually(all_settled, within=30)
        parked, sent = rows[0], rows[1]
        assert parked["sent_at"] is None
        assert parked["parked_at"] is not None
        assert "TooLarge" in parked["parked_reason"]
        assert sent["sent_at"] is not None, "the relay goes on after the parked record"
        ready = await http.get("/health/ready")
        assert ready.status_code == 200
        assert ready.json()["outbox"]["parked"] == 1
        assert app.state.relay.parked == 1
        async with app.state.db.sessions() as session:
            backlog = await session.scalar(
                select(func.count())
                .select_from(outbox)
                .where(outbox.c.sent_at.is_(None), outbox.c.parked_at.is_(None))
            )
        assert backlog == 0


# --- the size of a body ------------------------------------------------------------------------


class Counted:
    """A request body sent in chunks, counting how many the server pulled."""

    def __init__(self, chunks: int, size: int) -> None:
        self.chunks, self.size, self.pulled = chunks, size, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"summary": "'
        for _ in range(self.chunks):
            self.pulled += 1
            yield b"x" * self.size
        yield b'"}'


async def test_an_unauthenticated_write_is_a_401_before_its_body_is_read(
    platform: Platform,
) -> None:
    tech = platform.clients["technology"]
    body = Counted(chunks=20, size=1024 * 1024)  # 20 MB
    r = await tech.post("/v1/tips", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 401, r.text
    assert body.pulled == 0
    # not even parsed: a body that is not JSON at all is still a 401, not a 422
    r = await tech.post(
        "/v1/tips", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 401, r.text
    bad = {"Authorization": "Bearer not-a-token", "Content-Type": "application/json"}
    r = await tech.post("/v1/tips", content=b"{not json", headers=bad)
    assert r.status_code == 401, r.text


@pytest.mark.parametrize("service", SERVICES)
async def test_a_body_over_the_limit_is_a_413_before_it_is_read_whole(
    platform: Platform, service: str
) -> None:
    http = platform.clients[service]
    headers = platform.stack.headers(OWNER.get(service, "miit"))
    limit = platform.apps[service].state.settings.max_body_bytes
    body = Counted(chunks=20, size=1024 * 1024)
    r = await http.post(
        "/v1/enterprises" if service != "aggregator" else "/v1/submissions",
        content=body,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert r.status_code == 413, r.text
    assert body.pulled <= limit // (1024 * 1024) + 1
    big = b"x" * (limit + 1)
    r = await http.post(
        "/v1/enterprises" if service != "aggregator" else "/v1/submissions",
        content=big,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert r.status_code == 413, r.text
    assert r.json()["detail"][0]["rule"] == "body.size"


async def test_a_422_does_not_echo_a_huge_value(platform: Platform) -> None:
    tech, miit = platform.clients["technology"], platform.stack.headers("miit")
    huge = "A" * 200_000
    r = await tech.post(
        "/v1/enterprises",
        json={
            "uscc": huge,
            "name": "某厂",
            "district": "futian",
            "industry": "cement",
            "effective_on": "2019-04-01",
        },
        headers=miit,
    )
    assert r.status_code == 422, r.text[:300]
    assert len(r.text) < 2000
    r = await tech.post(
        "/v1/assessments",
        json={"industry": "cement", "equipment": {"kind": "cement_mill", huge: 1}},
        headers=miit,
    )
    assert r.status_code == 422, r.text[:300]
    assert len(r.text) < 2000


# --- NUL characters, astral characters -------------------------------------------------------

NUL_PATHS = {
    "energy": "/v1/enterprises/9144030070846113%00T",
    "environment": "/v1/cases/%00",
    "quality": "/v1/enterprises/%00",
    "safety": "/v1/enterprises/%00/ledger",
    "technology": "/v1/cases/a%00b",
    "aggregator": "/v1/enterprises/%00",
}


@pytest.mark.parametrize("service", SERVICES)
async def test_nul_in_a_path_or_a_query_is_a_4xx(platform: Platform, service: str) -> None:
    http = platform.clients[service]
    headers = platform.stack.headers(OWNER.get(service, "miit"))
    r = await http.get(NUL_PATHS[service], headers=headers)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    r = await http.get("/v1/referrals", params={"uscc": "a\x00b"}, headers=headers)
    assert r.status_code == 422, (r.status_code, r.text[:300])
    r = await http.get("/v1/referrals?state=%00", headers=headers)
    assert r.status_code == 422, (r.status_code, r.text[:300])


async def test_nul_in_the_dashboards_static_route_is_a_4xx(platform: Platform) -> None:
    r = await platform.clients["aggregator"].get("/dashboard/index%00.html")
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])


def enterprise(name: str, district: str = "futian", **over: Any) -> dict[str, Any]:
    return {
        "uscc": make_uscc(rng),
        "name": name,
        "district": district,
        "industry": "cement",
        "effective_on": "2019-04-01",
        **over,
    }


@pytest.mark.parametrize("service", AGENCIES)
async def test_nul_in_a_body_is_a_422_and_astral_characters_are_kept(
    platform: Platform, service: str
) -> None:
    http, headers = platform.clients[service], platform.stack.headers(OWNER[service])
    r = await http.post("/v1/enterprises", json=enterprise("某\x00水泥厂"), headers=headers)
    assert r.status_code == 422, (r.status_code, r.text[:300])
    r = await http.post(
        "/v1/enterprises",
        json=enterprise("某水泥厂", address="\x00"),
        headers=headers,
    )
    assert r.status_code == 422, (r.status_code, r.text[:300])
    astral = "𠀀𝒳😀某水泥厂"
    body = enterprise(astral)
    r = await http.post("/v1/enterprises", json=body, headers=headers)
    assert r.status_code == 201, r.text
    read = await http.get(f"/v1/enterprises/{body['uscc']}", headers=headers)
    assert read.json()["name"] == astral


async def test_nul_in_an_aggregator_body_is_a_422(platform: Platform) -> None:
    r = await platform.clients["aggregator"].post(
        "/v1/submissions",
        json={
            "year": 2019,
            "kind": "annual",
            "submitted_on": "2019-12-30",
            "note": "a\x00b",
        },
        headers=platform.stack.headers(None, "futian"),
    )
    assert r.status_code == 422, (r.status_code, r.text[:300])


# --- tokens ------------------------------------------------------------------------------------


def token(test_stack: StackUnderTest, **claims: Any) -> dict[str, str]:
    now = datetime.now(UTC)
    base = {
        "sub": "officer-1",
        "agency": "miit",
        "jurisdiction": "city",
        "roles": ["officer"],
        "iss": "phaseout",
        "aud": "phaseout",
        "iat": now,
        "exp": now + timedelta(hours=1),
    }
    signed = jwt.encode(
        {k: v for k, v in (base | claims).items() if v is not None},
        test_stack.private_key,
        algorithm="EdDSA",
    )
    return {"Authorization": f"Bearer {signed}"}


def long_sub(test_stack: StackUnderTest) -> dict[str, str]:
    return token(test_stack, sub="s" * 201)


def long_lived(test_stack: StackUnderTest) -> dict[str, str]:
    now = datetime.now(UTC)
    return token(test_stack, iat=now, exp=now + timedelta(days=365 * 100))


def without_iat(test_stack: StackUnderTest) -> dict[str, str]:
    return token(test_stack, iat=None)


@pytest.mark.parametrize("kind", [long_sub, long_lived, without_iat])
async def test_a_token_too_long_lived_or_naming_too_long_a_subject_is_a_401(
    platform: Platform, kind: Any
) -> None:
    headers = kind(platform.stack)
    tech = platform.clients["technology"]
    r = await tech.post("/v1/enterprises", json=enterprise("某水泥厂"), headers=headers)
    assert r.status_code == 401, r.text
    r = await tech.get("/v1/cases", headers=headers)
    assert r.status_code == 401, r.text
    r = await platform.clients["aggregator"].get("/v1/overdue", headers=headers)
    assert r.status_code == 401, r.text


async def test_a_token_of_an_ordinary_lifetime_is_accepted(platform: Platform) -> None:
    r = await platform.clients["technology"].get("/v1/cases", headers=token(platform.stack))
    assert r.status_code == 200, r.text


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["garbage", "2019-13-01", "0", "2019-06-01T00:00:00"])
async def test_a_malformed_date_in_a_query_is_a_422(platform: Platform, value: str) -> None:
    h = platform.stack.headers("miit")
    r = await platform.clients["technology"].get(
        "/v1/tips", params={"overdue_as_of": value}, headers=h
    )
    assert r.status_code == 422, (value, r.status_code, r.text[:300])
    r = await platform.clients["aggregator"].get("/v1/overdue", params={"as_of": value}, headers=h)
    assert r.status_code == 422, (value, r.status_code, r.text[:300])


def date_cases() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for value in ("0001-01-01", "1899-12-31", "9999-12-31", "2101-01-01"):
        for service in AGENCIES:
            yield service, value, enterprise("某水泥厂", effective_on=value)


@pytest.mark.parametrize(("service", "value", "body"), list(date_cases()))
async def test_a_date_outside_the_sane_range_is_a_422(
    platform: Platform, service: str, value: str, body: dict[str, Any]
) -> None:
    http, headers = platform.clients[service], platform.stack.headers(OWNER[service])
    r = await http.post("/v1/enterprises", json=body, headers=headers)
    assert r.status_code == 422, (value, r.status_code, r.text[:300])
    assert r.json()["detail"][0]["field"] == "effective_on"


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1970-01-01"])
async def test_an_out_of_range_as_of_is_a_422(platform: Platform, value: str) -> None:
    h = platform.stack.headers("miit")
    for path in ("/v1/overdue", "/v1/cases", "/v1/exits"):
        r = await platform.clients["aggregator"].get(path, params={"as_of": value}, headers=h)
        assert r.status_code == 422, (path, value, r.status_code, r.text[:300])
    r = await platform.clients["aggregator"].get("/v1/public/disclosures", params={"as_of": value})
    assert r.status_code == 422, (value, r.status_code, r.text[:300])


async def test_a_tip_due_far_in_the_future_is_a_422(platform: Platform) -> None:
    tech, h = platform.clients["technology"], platform.stack.headers("miit")
    r = await tech.post(
        "/v1/tips", json={"summary": "地条钢", "effective_on": "2019-06-01"}, headers=h
    )
    assert r.status_code == 201, r.text
    r = await tech.post(
        f"/v1/tips/{r.json()['tip_id']}/assignment",
        json={"assignee": "某科", "due_on": "9999-12-31", "effective_on": "2019-06-02"},
        headers=h,
    )
    assert r.status_code == 422, r.text
