"""The revival watch's alerts as the city sees them (用电和税票大数据监管, technology's
`watch_alert.raised`, `ditiaogang_alert.raised` and `watch_alert.closed`).

Each alert event adds a row to the alert's history, so an alert as of a date is its latest row
on or before that date: one closed in March was open, and its on-site check overdue, in
February. An alert is read, as at the technology service, by any caller whose jurisdiction
holds the enterprise's supply (a district's callers their district's alerts): it tells that a
figure broke a rule, never the figures themselves.
"""

from __future__ import annotations

import functools
from collections import Counter
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import watch_alert_events
from phaseout_aggregator.app.access import Scope
from phaseout_aggregator.app.exit_list import _names as names_of
from phaseout_aggregator.app.history import AS_OF, latest_first
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.envelope import Envelope

KINDS = {
    "phaseout.technology.watch_alert.raised.v1": "watch",
    "phaseout.technology.ditiaogang_alert.raised.v1": "ditiaogang",
}
CLOSED = "phaseout.technology.watch_alert.closed.v1"
WATCH_EVENTS = frozenset({"watch_alert.raised", "ditiaogang_alert.raised", "watch_alert.closed"})
"""The events this projects (`noun.verb` of their types)."""


class AlertView(BaseModel):
    """One alert at its state on the day asked about."""

    alert_id: str
    kind: Literal["watch", "ditiaogang"] = Field(
        description="watch: power drawn against an order; ditiaogang: the 地条钢 signature"
    )
    uscc: str
    name: str = Field(description="The enterprise's name on its registers ('' if none)")
    district: str
    state: Literal["open", "closed"]
    rule: str = Field(description="The watch rule that raised it")
    basis: str = Field(description="The rule's basis in the plan, and the figures that broke it")
    period: date = Field(description="The month of the readings that raised it")
    agencies: list[str] = Field(description="The agencies that must check on site")
    raised_on: date
    check_by: date = Field(description="The on-site check is due by this date")
    overdue: bool = Field(description="Still open after its check date, on the day asked about")
    outcome: str | None = Field(
        default=None, description="revival_confirmed, explained or false_reading, once closed"
    )
    reason: str | None = Field(default=None, description="What the check found")
    closed_on: date | None = None


class AlertCount(BaseModel):
    open: int = 0
    overdue: int = 0
    closed: int = 0
    confirmed: int = Field(default=0, description="Closed as a revival confirmed on site")


class AlertSummary(BaseModel):
    """Alerts per district and per agency that must check, on `as_of`."""

    as_of: date
    by_district: dict[str, AlertCount]
    by_agency: dict[str, AlertCount] = Field(
        description="Per agency named to check (an alert to miit and samr counts for both)"
    )
    totals: AlertCount


async def project_alert(session: AsyncSession, envelope: Envelope, payload: EventPayload) -> None:
    """Add the event's row to its alert's history. A closing event repeats what the raising one
    said (its rule, basis, agencies, check date); without it (never, on a topic read in order)
    the alert is left to the timeline alone."""
    p: Any = payload
    row: dict[str, Any] = {
        "event_id": envelope.id,
        "alert_id": str(p.alert_id),
        "uscc": str(p.uscc),
        "district": str(p.district),
        "effective_on": p.effective_on,
        "recorded_at": envelope.time,
        "sequence": payload.sequence,
    }
    if envelope.type == CLOSED:
        t = watch_alert_events
        raised = (
            await session.execute(
                select(t.c.kind, t.c.rule, t.c.basis, t.c.period, t.c.agencies, t.c.check_by)
                .where(t.c.alert_id == row["alert_id"], t.c.state == "open")
                .limit(1)
            )
        ).first()
        if raised is None:
            return
        row |= dict(raised._mapping) | {
            "state": "closed",
            "outcome": str(p.outcome),
            "reason": p.reason,
        }
    else:
        row |= {
            "kind": KINDS[envelope.type],
            "state": "open",
            "rule": p.rule,
            "basis": p.basis,
            "period": p.period,
            "agencies": [str(a) for a in p.to],
            "check_by": p.check_by,
            "outcome": None,
            "reason": None,
        }
    await session.execute(insert(watch_alert_events).values(row).on_conflict_do_nothing())


@functools.cache
def _alerts(in_district: str | None, filters: tuple[str, ...], overdue: bool) -> Select[Any]:
    """The latest row of each alert on a day, in the caller's district (None: all), under
    `filters`: built once per district and shape, the values bound when it runs."""
    t = watch_alert_events
    rank = latest_first(t, [t.c.alert_id], t.c.effective_on)
    first = func.min(t.c.effective_on).over(partition_by=t.c.alert_id)
    q = select(t, rank.label("rank"), first.label("raised_on")).where(t.c.effective_on <= AS_OF)
    if in_district is not None:
        q = q.where(t.c.district == in_district)
    if "uscc" in filters:
        q = q.where(t.c.uscc == bindparam("uscc"))
    if "district" in filters:
        q = q.where(t.c.district == bindparam("district"))
    if "agency" in filters:
        q = q.where(t.c.agencies.any(bindparam("agency")))
    sub = q.subquery()
    latest = select(sub).where(sub.c.rank == 1)
    if overdue:
        latest = latest.where(sub.c.state == "open", sub.c.check_by < AS_OF)
    if "state" in filters:
        latest = latest.where(sub.c.state == bindparam("state"))
    return latest.order_by(sub.c.check_by, sub.c.alert_id)


async def alerts_as_of(
    session: AsyncSession,
    scope: Scope,
    as_of: date,
    *,
    uscc: str | None = None,
    district: str | None = None,
    agency: str | None = None,
    overdue: bool = False,
    state: str | None = None,
) -> list[AlertView]:
    """Alerts in the caller's jurisdiction at their state on `as_of`, filtered."""
    given = {"uscc": uscc, "district": district, "agency": agency, "state": state}
    query = _alerts(scope.district, tuple(k for k, v in given.items() if v is not None), overdue)
    found = await session.execute(query, {"as_of": as_of, **given})
    rows = [dict(r._mapping) for r in found]
    names = await names_of(session, {r["uscc"] for r in rows})
    return [
        AlertView.model_validate(
            {
                **r,
                "name": names.get(r["uscc"], ""),
                "overdue": r["state"] == "open" and r["check_by"] < as_of,
                "closed_on": r["effective_on"] if r["state"] == "closed" else None,
            }
        )
        for r in rows
    ]


def summarise(alerts: list[AlertView], as_of: date) -> AlertSummary:
    """Counts per district and per agency named to check."""
    by_district: dict[str, Counter[str]] = {}
    by_agency: dict[str, Counter[str]] = {}
    totals: Counter[str] = Counter()
    for a in alerts:
        keys = ["open" if a.state == "open" else "closed"]
        keys += ["overdue"] if a.overdue else []
        keys += ["confirmed"] if a.outcome == "revival_confirmed" else []
        for counter in (
            by_district.setdefault(a.district, Counter()),
            totals,
            *(by_agency.setdefault(g, Counter()) for g in a.agencies),
        ):
            counter.update(keys)
    return AlertSummary(
        as_of=as_of,
        by_district={k: AlertCount(**v) for k, v in sorted(by_district.items())},
        by_agency={k: AlertCount(**v) for k, v in sorted(by_agency.items())},
        totals=AlertCount(**totals),
    )
