"""How a request's validation errors are named: the field as the caller wrote it, once."""

from enum import StrEnum
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

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
