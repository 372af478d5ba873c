"""Routes of what mee keeps of enterprises: the lists, the permits, online monitoring."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from phaseout_environment.adapters.tables import LIST_ENTRIES, MONITORING, PERMITS, list_entries
from phaseout_environment.api import schemas as s
from phaseout_environment.api.listing import page_where
from phaseout_environment.app import registers as commands
from phaseout_environment.domain.lists import ListEntry, ListStatus
from phaseout_environment.domain.permits import PermitState, Standing
from phaseout_shared.aggregates import list_page
from phaseout_shared.contracts.environment import MonitoringState
from phaseout_shared.deps import Page, Paging, Work
from phaseout_shared.limits import Day
from phaseout_shared.params import UsccPath, Where
from phaseout_shared.record_routes import Before, Choice, Records, one_of

router = APIRouter(prefix="/v1")
CREATED = status.HTTP_201_CREATED
Year = Annotated[int, Query(ge=2000, le=2100)]


entries = Records(router, LIST_ENTRIES, tags=["lists"])
permits = Records(router, PERMITS, tags=["permits"])
monitoring = Records(router, MONITORING, tags=["monitoring"])


entries.act_route(
    "/list-entries",
    commands.add_list_entry,
    s.ListEntryIn,
    "Put an enterprise on the key-supervision or the daily-patrol list of a year.",
    new=True,
)


@router.get("/list-entries", tags=["lists"])
async def list_list_entries(
    work: Work,
    paging: Paging,
    where: Where,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    state: Annotated[ListStatus | None, Query(description="The list, or done/removed")] = None,
    overdue_as_of: Annotated[
        Day | None, Query(description="Due before this date, still listed")
    ] = None,
) -> Page[ListEntry]:
    filters = where.filters(state, overdue_as_of)
    if year is None:
        return await list_page(LIST_ENTRIES, work, paging, filters)
    narrow = list_entries.c.id.startswith(f"{year}/")
    return await page_where(LIST_ENTRIES, work, paging, filters, narrow)


entries.act_route(
    "/list-entries/{year}/{uscc}/move",
    commands.move_list_entry,
    s.ListMoveIn,
    "The lists are dynamic: the enterprise moves to the other list.",
    year=int,
    uscc=UsccPath,
)
entries.act_route(
    "/list-entries/{year}/{uscc}/completion",
    commands.complete_list_entry,
    s.ListCompletionIn,
    year=int,
    uscc=UsccPath,
)
entries.act_route(
    "/list-entries/{year}/{uscc}/removal",
    commands.remove_list_entry,
    s.ListRemovalIn,
    year=int,
    uscc=UsccPath,
)
permits.act_route(
    "/enterprises/{uscc}/permits",
    commands.record_permit,
    s.PermitIn,
    "Record a pollutant-discharge permit (排污许可证): number, scope, validity.",
    new=True,
    uscc=UsccPath,
)
permits.act_route(
    "/permits/{permit_no}/revocation", commands.revoke_permit, s.PermitRevocationIn, permit_no=str
)
permits.list_route(
    "/permits",
    Choice("state", one_of(PermitState)),
    Before("expired_as_of", "Last valid day before this date, not revoked"),
)


@router.get("/enterprises/{uscc}/permit-status", tags=["permits"])
async def permit_status(
    uscc: UsccPath, work: Work, as_of: Annotated[Day, Query(description="The day")]
) -> Standing:
    """Whether the enterprise holds a valid permit on a day (不得无证排污)."""
    async with work:
        return await commands.permit_status(work, uscc, as_of)


monitoring.act_route(
    "/enterprises/{uscc}/monitoring",
    commands.record_monitoring,
    s.MonitoringIn,
    "Online monitoring as found: installable, installed, connected to the bureau.",
    method="PUT",
    uscc=UsccPath,
)
monitoring.list_route("/monitoring", Choice("state", one_of(MonitoringState)))
