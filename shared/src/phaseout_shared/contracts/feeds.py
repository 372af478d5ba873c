"""The revival watch's feeds as streams: the grid company's electricity readings and the tax
bureau's invoiced sales, published by their own systems on their own topics
(`phaseout.grid.events`, `phaseout.tax.events`; see `principals`): one event per reading, or
one event per batch of readings as a metering or invoicing system collects them (a collection
run's readings, up to `BATCH` of them), each batch stored whole or refused whole, as a file is.
A producer sends the readings of one account (the invoices of one taxpayer) under one Kafka
key — the supply district, say — so that a correction arrives after what it corrects.

The same figures as the feed files the city bureau imports (`phaseout_technology.watch.feeds`),
and the same rule for them: a reading is stored once per account and month, the same reading
again changes nothing, and a different figure supersedes the stored one only with a
`correction_reason`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field, field_validator

from phaseout_shared.contracts.base import EventPayload, event_type
from phaseout_shared.reference import USCC, District

Amount = Decimal


class _Monthly(EventPayload):
    uscc: USCC = Field(description="Unified social credit code (统一社会信用代码) of the customer")
    district: District = Field(description="The district of the supply or of the taxpayer")
    period: date = Field(description="The month, as its first day (2019-07-01)")
    correction_reason: str | None = Field(
        default=None,
        min_length=1,
        max_length=2000,
        description="Why this figure replaces one sent before for the same key",
    )

    @field_validator("period")
    @classmethod
    def _first_of_month(cls, value: date) -> date:
        if value.day != 1 or not date(2000, 1, 1) <= value <= date(2100, 12, 1):
            raise ValueError("a month from 2000-01 to 2100-12, as its first day")
        return value


@event_type("phaseout.grid.reading.recorded.v1")
class ReadingRecorded(_Monthly):
    """One account's active energy and maximum demand for a month, from the grid company."""

    account: str = Field(min_length=1, max_length=64, description="The electricity account")
    address: str = Field(min_length=1, max_length=200, description="The meter's address")
    kwh: Amount = Field(ge=0, lt=Decimal("1e13"), description="Active energy, kWh")
    max_demand_kw: Amount = Field(ge=0, lt=Decimal("1e13"), description="Maximum demand, kW")


@event_type("phaseout.tax.invoice.recorded.v1")
class InvoiceRecorded(_Monthly):
    """A taxpayer's invoiced sales of one product category for a month, from the tax bureau."""

    category: str = Field(
        pattern=r"^[a-z][a-z0-9_]{0,63}$", description="Product category code, e.g. steel_rebar"
    )
    amount_yuan: Amount = Field(ge=0, lt=Decimal("1e13"), description="Invoiced amount, yuan")
    tonnes: Amount = Field(ge=0, lt=Decimal("1e13"), description="Invoiced quantity, tonnes")


BATCH = 2_000
"""The most readings (invoices) one batch event carries: about 450 kB of JSON, under the bus's
event size (`limits.MAX_EVENT_BYTES`)."""


@event_type("phaseout.grid.readings.recorded.v1")
class ReadingsRecorded(EventPayload):
    """A batch of readings from the grid company, as its metering system collected them: each
    is the payload a `ReadingRecorded` event carries (its `sequence` unused here)."""

    readings: list[ReadingRecorded] = Field(min_length=1, max_length=BATCH)


@event_type("phaseout.tax.invoices.recorded.v1")
class InvoicesRecorded(EventPayload):
    """A batch of invoiced sales from the tax bureau: each is an `InvoiceRecorded` payload."""

    invoices: list[InvoiceRecorded] = Field(min_length=1, max_length=BATCH)
