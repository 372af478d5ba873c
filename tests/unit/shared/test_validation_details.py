"""How errors are answered: the field as the caller wrote it, once; an outage as a 503."""

from enum import StrEnum
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import InterfaceError, OperationalError

from phaseout_shared import web


class Colour(StrEnum):
    RED = "red"


class Shade(StrEnum):
    PALE = "pale"


def app() -> FastAPI:
    api = FastAPI()
    api.add_exception_handler(RequestValidationError, web._validation_error)

    @api.get("/things")
    async def things(state: Colour | Shade | None = None) -> dict[str, Any]:
        return {"state": state}

    @api.post("/things")
    async def make(body: dict[str, int]) -> dict[str, Any]:
        return body

    return api


def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app()), base_url="http://test")


@pytest.mark.parametrize("value", ["red", "pale"])
async def test_each_member_of_a_union_is_accepted(value: str) -> None:
    r = await client().get("/things", params={"state": value})
    assert r.status_code == 200 and r.json() == {"state": value}


async def test_a_value_of_no_member_names_the_field_once_with_every_reason() -> None:
    r = await client().get("/things", params={"state": "blue"})
    assert r.status_code == 422
    (detail,) = r.json()["detail"]
    assert detail["field"] == "query.state"
    assert (
        "'red'" in detail["reason"] and "'pale'" in detail["reason"] and " or " in detail["reason"]
    )


async def test_body_fields_are_named_without_the_body_prefix() -> None:
    r = await client().post("/things", json={"a": "x", "b": "y"})
    assert r.status_code == 422
    assert [d["field"] for d in r.json()["detail"]] == ["a", "b"]


def outage_app(error: Exception) -> FastAPI:
    api = FastAPI()
    for unavailable in web.UNAVAILABLE:
        api.add_exception_handler(unavailable, web._unavailable)

    @api.post("/things")
    async def make() -> dict[str, Any]:
        raise error

    return api


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connect call failed"),
        OperationalError("SELECT 1", {}, Exception("server closed the connection")),
        InterfaceError("COMMIT", {}, Exception("connection is closed")),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"),
        TimeoutError(),
    ],
    ids=["refused", "operational", "interface", "starting-up", "closed", "timed-out"],
)
async def test_a_database_outage_is_a_503_to_retry_not_a_500(error: Exception) -> None:
    transport = httpx.ASGITransport(app=outage_app(error))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        r = await http.post("/things")
    assert r.status_code == 503 and r.headers["Retry-After"] == "2"
    assert r.json()["detail"][0]["rule"] == "service.unavailable"


async def test_a_database_host_that_cannot_be_resolved_for_now_is_a_503_too() -> None:
    """A container's name server can fail for a moment while the database's host is looked up
    on a new connection: asyncpg raises the resolver's error itself (`socket.gaierror`). The
    `.invalid` domain never resolves (RFC 6761), so the connection below fails as that did."""
    api = FastAPI()
    for unavailable in web.UNAVAILABLE:
        api.add_exception_handler(unavailable, web._unavailable)

    @api.post("/things")
    async def make() -> dict[str, Any]:
        await asyncpg.connect(host="phaseout-db.invalid", port=5432, user="x", timeout=5)
        return {}

    transport = httpx.ASGITransport(app=api)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        r = await http.post("/things")
    assert r.status_code == 503 and r.headers["Retry-After"] == "2"
