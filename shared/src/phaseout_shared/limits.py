"""The limits every request is held to: one set of constrained types that every service's
request models use, so that each string, list and date of every API is bounded and the bound
is documented in its OpenAPI (`maxLength`, `maxItems`, `maxProperties`).

A value within these limits can still make an event too large (many items, each near its
limit): the outbox measures the serialised event before the transaction commits, and a body is
bounded as a whole before it is read (`admission`). One size limit serves the producer and
every consumer (`Settings.max_event_bytes`).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from phaseout_shared.reference import USCC

MAX_EVENT_BYTES = 1_000_000
"""The default limit of a serialised event (key, value and headers): below the broker's own
limit (`message.max.bytes`, 1 MiB by default) with room for the record batch around it."""

MAX_BODY_BYTES = 1_048_576
"""The default limit of a request body (1 MiB)."""

MAX_EVIDENCE_BYTES = 20 * 1_048_576
"""The default limit of an evidence file (20 MiB): a photo, a scan or a PDF of a few pages."""

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
"""The range of every date the API accepts: the campaign's facts and acts, their deadlines and
the days asked about. Calendar arithmetic on such a date cannot overflow."""

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    """A date written `YYYY-MM-DD`: neither a number of seconds (`0` is not 1970-01-01) nor a
    date and time."""
    if isinstance(value, datetime):
        raise ValueError("must be a date, not a date and time")
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


def _in_range(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be from {EARLIEST} to {LATEST}")
    return value


Day = Annotated[
    date,
    BeforeValidator(_iso_date),
    AfterValidator(_in_range),
    Field(json_schema_extra={"formatMinimum": str(EARLIEST), "formatMaximum": str(LATEST)}),
]
"""A date from 2000-01-01 to 2100-12-31, written YYYY-MM-DD."""

Uscc = Annotated[USCC, Field(max_length=18)]
"""An enterprise's unified social credit code, as a request names it."""

Code = Annotated[str, Field(min_length=1, max_length=100)]
"""An identifier or a number someone else gave: an item's id, a document's number."""

ShortText = Annotated[str, Field(min_length=1, max_length=200)]
"""A name, a title, one item of a list."""

LongText = Annotated[str, Field(min_length=1, max_length=2000)]
"""Free text: a description, the findings, a reason."""

Note = Annotated[str, Field(max_length=2000)]
"""Optional free text (may be empty)."""

Unit = Annotated[str, Field(min_length=1, max_length=20, description="t/a, m²/a, MW, kgce/t…")]

Amount = Annotated[Decimal, Field(allow_inf_nan=False, max_digits=20, decimal_places=6)]
"""A figure: a capacity, a measured value, a limit."""

MAX_LIST = 100
"""The most items of a list an official states (reasons, requirements, products…)."""

Statements = Annotated[list[ShortText], Field(max_length=MAX_LIST)]
"""A list an official states, each item a short text."""

LongStatements = Annotated[list[LongText], Field(max_length=MAX_LIST)]
"""A list an official states, each item free text."""

ParameterName = Annotated[str, Field(min_length=1, max_length=60)]
Parameter = Annotated[str, Field(max_length=200)] | bool | int | float | None
MAX_PARAMETERS = 30

Equipment = Annotated[dict[ParameterName, Parameter], Field(max_length=MAX_PARAMETERS)]
"""An item of equipment: `{"kind": KIND, ...parameters}`, at most 30 scalar parameters."""

MAX_EQUIPMENT = 200
"""The most items of one project or one survey."""


class Body(BaseModel):
    """A request body: a field it does not define is refused (422), never ignored."""

    model_config = ConfigDict(extra="forbid")


class Effective(Body):
    """A request body recording a fact or an act, dated by the day it took effect."""

    effective_on: Day = Field(description="The date the fact or act took effect")


def clip(text: str, limit: int = 300) -> str:
    """A text cut to `limit` characters, marked where it was cut (what a 4xx body may echo)."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"
