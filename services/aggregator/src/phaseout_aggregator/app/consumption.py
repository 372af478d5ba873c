"""An enterprise's electricity consumption month by month, around its exit, with the dates of
the orders it lives under (the revival watch's curve on the enterprise page).

Raw readings are sensitive and stay where they are kept, in the technology service, which alone
decides who reads them (miit's and samr's city officers, the government of the enterprise's
district). The aggregator does not copy them: it asks the technology service with the caller's
own token, so a caller whom that service refuses is refused here with its reason, and no figure
passes. The aggregator adds what it knows itself, in the caller's scope: the dates of the orders
and acceptances, the exit date and the alerts.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import timeline
from phaseout_aggregator.app.access import Scope
from phaseout_aggregator.app.history import Where, exits_as_of
from phaseout_aggregator.app.watch import alerts_as_of
from phaseout_shared.domain.errors import DomainError, Forbidden, InvalidInput, NotFound

ORDERS = (
    "phaseout.technology.case.sealed.v1",
    "phaseout.technology.case.dismantled.v1",
    "phaseout.technology.case.acceptance_passed.v1",
    "phaseout.technology.shutdown.ordered.v1",
    "phaseout.technology.case.revival_found.v1",
    "phaseout.energy.shutdown.ordered.v1",
    "phaseout.energy.shutdown.verified.v1",
    "phaseout.environment.case.measure_ordered.v1",
    "phaseout.environment.closure.ordered.v1",
    "phaseout.safety.case.suspension_ordered.v1",
    "phaseout.safety.case.closed.v1",
)
"""The acts whose dates the curve marks: orders that stop production and their verification."""

PAGE = 500
"""Readings per page asked of the technology service (its largest page)."""


class Unavailable(Exception):
    """The technology service could not be asked (503)."""


class MonthKwh(BaseModel):
    period: date = Field(description="The month (its first day)")
    kwh: Decimal = Field(description="Active energy drawn, all the enterprise's accounts")


class Mark(BaseModel):
    on: date
    type: str = Field(description="The event's type (its words: the dashboard's)")
    dimension: str


class AlertMark(BaseModel):
    alert_id: str
    kind: str
    period: date
    state: str


class Consumption(BaseModel):
    uscc: str
    as_of: date
    months: list[MonthKwh] = Field(description="Raw figures: only for callers allowed to read them")
    exited_on: list[date] = Field(description="When its capacity exited (on-site acceptance …)")
    marks: list[Mark] = Field(description="Orders, acceptances and verifications, dated")
    alerts: list[AlertMark]


async def readings(client: httpx.AsyncClient, uscc: str, authorization: str) -> list[MonthKwh]:
    """The enterprise's monthly kWh, summed over its accounts, as the technology service lets
    the caller read them; its refusal raised as the same refusal."""
    totals: dict[date, Decimal] = defaultdict(Decimal)
    offset = 0
    while True:
        try:
            r = await client.get(
                "/v1/watch/readings",
                params={"uscc": uscc, "limit": PAGE, "offset": offset},
                headers={"Authorization": authorization},
            )
        except httpx.HTTPError as exc:
            raise Unavailable(f"the technology service did not answer: {exc}") from exc
        if r.status_code != 200:
            raise _refusal(r)
        page = r.json()
        for item in page["items"]:
            totals[date.fromisoformat(item["period"])] += Decimal(str(item["kwh"]))
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            break
    return [MonthKwh(period=p, kwh=totals[p]) for p in sorted(totals)]


def _refusal(r: httpx.Response) -> Exception:
    try:
        first: dict[str, Any] = (r.json().get("detail") or [{}])[0]
    except (ValueError, AttributeError, IndexError, KeyError):
        first = {}
    reason = str(first.get("reason") or f"the technology service answered {r.status_code}")
    field = first.get("field")
    kinds: dict[int, type[DomainError]] = {403: Forbidden, 404: NotFound, 422: InvalidInput}
    if r.status_code in kinds:
        return kinds[r.status_code](reason, field=field)
    return Unavailable(f"the technology service answered {r.status_code}: {reason}")


async def marks_of(
    session: AsyncSession, uscc: str, as_of: date, scope: Scope
) -> tuple[list[date], list[Mark], list[AlertMark]]:
    """What the aggregator knows of the enterprise's orders, exit and alerts, in scope."""
    t = timeline
    q = select(t.c.type, t.c.dimension, t.c.effective_on, t.c.data["district"].astext).where(
        t.c.uscc == uscc, t.c.type.in_(ORDERS), t.c.effective_on <= as_of
    )
    marks = [
        Mark(on=on, type=type_, dimension=dim)
        for type_, dim, on, district in (await session.execute(q.order_by(t.c.effective_on)))
        if scope.covers(dim, district)
    ]
    exits = await exits_as_of(session, as_of, scope, Where(uscc))
    exited = sorted({e["exited_on"] for e in exits if e["exited_on"] is not None})
    alerts = [
        AlertMark(alert_id=a.alert_id, kind=a.kind, period=a.period, state=a.state)
        for a in await alerts_as_of(session, scope, as_of, uscc=uscc)
    ]
    return exited, marks, alerts
