"""The charts officials ask for, the revival watch's alerts as the city sees them, and an
enterprise's consumption curve (#19, #20). Every answer is within the caller's scope: a
district's officials see their district."""

from __future__ import annotations

from typing import Annotated, Literal

import httpx
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from phaseout_aggregator.api.deps import AsOf, CallerScope, Session
from phaseout_aggregator.app import charts, consumption, watch
from phaseout_shared.limits import Day
from phaseout_shared.params import UsccPath, UsccQ
from phaseout_shared.reference import Agency, District
from phaseout_shared.web import problem

router = APIRouter(prefix="/v1", tags=["charts"])
Year = Annotated[int | None, Query(ge=2019, le=2100, description="The year (default: as_of's)")]


@router.get("/charts/capacity", response_model=charts.CapacityChart)
async def capacity(
    scope: CallerScope,
    as_of: AsOf,
    session: Session,
    year: Year = None,
    district: District | None = None,
) -> charts.CapacityChart:
    """Capacity exited in the year per industry and per district, in each unit, beside the
    capacity the agencies put on the year's exit work; the plan sets no figure per industry or
    district, and the answer says so (`plan_figures`, `task_note`)."""
    scope.check_district(district)
    return await charts.capacity_chart(
        session, scope, year or as_of.year, as_of, district and district.value
    )


@router.get("/charts/months", response_model=charts.MonthlyProgress)
async def months(
    scope: CallerScope,
    as_of: AsOf,
    session: Session,
    year: Year = None,
    district: District | None = None,
) -> charts.MonthlyProgress:
    """Progress month by month: cases opened, cases closed, lines and equipment exited."""
    scope.check_district(district)
    return await charts.monthly_progress(
        session, scope, year or as_of.year, as_of, district and district.value
    )


@router.get("/charts/overdue-by-agency", response_model=charts.OverdueByAgency)
async def overdue_by_agency(
    scope: CallerScope, as_of: AsOf, session: Session, district: District | None = None
) -> charts.OverdueByAgency:
    """Overdue work per agency on `as_of`: cases past their deadline (by the agencies leading
    the dimension), referrals received and open past due, on-site checks of alerts past due."""
    scope.check_district(district)
    return await charts.overdue_by_agency(session, scope, as_of, district and district.value)


@router.get("/watch/alerts", response_model=list[watch.AlertView])
async def alerts(
    scope: CallerScope,
    as_of: AsOf,
    session: Session,
    uscc: UsccQ = None,
    district: District | None = None,
    agency: Agency | None = None,
    state: Literal["open", "closed"] | None = None,
    overdue_as_of: Annotated[
        Day | None, Query(description="Only those whose on-site check is open past due then")
    ] = None,
) -> list[watch.AlertView]:
    """The revival watch's alerts (用电和税票大数据监管) at their state on `as_of` (or
    `overdue_as_of`), in the caller's jurisdiction, by district and by the agency that must
    check. Alerts carry no raw reading."""
    scope.check_district(district)
    return await watch.alerts_as_of(
        session,
        scope,
        overdue_as_of or as_of,
        uscc=uscc,
        district=district and district.value,
        agency=agency and agency.value,
        overdue=overdue_as_of is not None,
        state=state,
    )


@router.get("/watch/summary", response_model=watch.AlertSummary)
async def alert_summary(
    scope: CallerScope, as_of: AsOf, session: Session, district: District | None = None
) -> watch.AlertSummary:
    """Alerts per district and per agency named to check: open, overdue, closed, confirmed."""
    scope.check_district(district)
    found = await watch.alerts_as_of(session, scope, as_of, district=district and district.value)
    return watch.summarise(found, as_of)


@router.get(
    "/enterprises/{uscc}/consumption",
    response_model=consumption.Consumption,
    responses={503: {"description": "The technology service, which keeps the readings, is away"}},
)
async def consumption_curve(
    uscc: UsccPath, request: Request, scope: CallerScope, as_of: AsOf, session: Session
) -> consumption.Consumption | JSONResponse:
    """The enterprise's monthly electricity around its exit, with its orders' dates and its
    alerts. The figures are read at the technology service with the caller's own token: only
    those it lets read raw figures (miit's and samr's city officers, the district's government)
    get them; anyone else gets its 403 and no figure."""
    settings = request.app.state.settings
    transport = getattr(request.app.state, "technology_transport", None)
    async with httpx.AsyncClient(
        base_url=settings.technology_url, transport=transport, timeout=10
    ) as client:
        try:
            months = await consumption.readings(
                client, uscc, request.headers.get("Authorization", "")
            )
        except consumption.Unavailable as exc:
            return problem(503, [{"field": "technology", "reason": str(exc)}])
    exited, marks, found = await consumption.marks_of(session, uscc, as_of, scope)
    return consumption.Consumption(
        uscc=uscc,
        as_of=as_of,
        months=[m for m in months if m.period <= as_of],
        exited_on=exited,
        marks=marks,
        alerts=found,
    )
