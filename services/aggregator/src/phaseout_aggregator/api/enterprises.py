"""`/v1/enterprises`: the city's view of one enterprise, as of a date; and the registers'
conflicts (`/v1/registers/conflicts`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from phaseout_aggregator.api.deps import AsOf, CallerScope, Session
from phaseout_aggregator.app.conflicts import RegisterConflict, register_conflicts
from phaseout_aggregator.app.views import EnterpriseStatus, enterprise_status

router = APIRouter(prefix="/v1/enterprises", tags=["enterprises"])
conflicts = APIRouter(prefix="/v1/registers", tags=["enterprises"])


@router.get("/{uscc}", response_model=EnterpriseStatus)
async def read_enterprise(
    uscc: str, scope: CallerScope, as_of: AsOf, session: Session
) -> EnterpriseStatus:
    """Identity merged across agencies, the five dimensions, exits, measures, timeline: the
    facts the caller reads (README, Security), conflicts between the registers among them."""
    return await enterprise_status(session, uscc, as_of, scope)


@conflicts.get("/conflicts", response_model=list[RegisterConflict])
async def list_conflicts(
    scope: CallerScope,
    session: Session,
    field: Annotated[
        Literal["name", "district", "industry", "address"] | None,
        Query(description="Only enterprises the registers disagree on in this field"),
    ] = None,
) -> list[RegisterConflict]:
    """Enterprises that one agency registers otherwise than another — a registration in
    another district included — for the city to resolve: city-wide callers only (403 to a
    district's), among the dimensions they read."""
    return await register_conflicts(session, scope, field)
