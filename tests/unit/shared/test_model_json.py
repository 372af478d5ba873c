"""`web.model_json`: a route that can also answer a file gives, as JSON, the body FastAPI gives a
route declared with the model as its response model (same values, same bytes, same type)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from fastapi import FastAPI
from fastapi.responses import Response
from fastapi.testclient import TestClient
from pydantic import BaseModel

from phaseout_shared.web import model_json


class Line(BaseModel):
    name: str
    amount: Decimal
    on: date | None


class Listing(BaseModel):
    as_of: date
    at: datetime
    lines: list[Line]
    totals: dict[str, Decimal]
    limit: int | None


LISTING = Listing(
    as_of=date(2020, 1, 1),
    at=datetime(2020, 1, 1, 8, 30, 0, 123456, tzinfo=UTC),
    lines=[
        Line(name='某钢铁有限公司 "甲"', amount=Decimal("12000.5000"), on=date(2019, 6, 30)),
        Line(name="line\nwith\tcontrol \u2028 and \U0001f3ed", amount=Decimal("1E+3"), on=None),
        Line(name="", amount=Decimal("-0.0001"), on=date(2019, 12, 31)),
    ],
    totals={"吨/年": Decimal("12345678901234567890.1234"), "kVA": Decimal("0")},
    limit=None,
)


def served() -> TestClient:
    app = FastAPI()

    @app.get("/declared", response_model=Listing)
    async def declared() -> Listing:
        return LISTING

    @app.get("/answered", response_model=None)
    async def answered() -> Response:
        return model_json(LISTING)

    @app.get("/encoded", response_model=None)
    async def encoded() -> Listing | Response:
        return LISTING  # what `response_model=None` did before: `jsonable_encoder`

    return TestClient(app)


def test_the_body_is_the_one_a_response_model_gives() -> None:
    client = served()
    declared, answered = client.get("/declared"), client.get("/answered")
    assert answered.status_code == declared.status_code == 200
    assert answered.content == declared.content
    assert answered.headers["content-type"] == declared.headers["content-type"]


def test_the_values_are_those_the_encoder_gave_before() -> None:
    client = served()
    answered, encoded = client.get("/answered").json(), client.get("/encoded").json()
    assert answered == encoded
    assert answered["lines"][0]["amount"] == "12000.5000"
    assert answered["totals"]["吨/年"] == "12345678901234567890.1234"
