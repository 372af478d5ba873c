"""Routes of what mee keeps of enterprises: the lists, the permits, online monitoring."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from phaseout_environment.adapters.tables import LIST_ENTRIES, MONITORING, PERMITS, list_entries
from phaseout_environment.api import schemas as s
from phaseout_environment.api.listing import page_where
from phaseout_environment.app import registers as commands
from phaseout_environment.domain.lists import ListEntry, ListStatus
from phaseout_environment.domain.monitoring import OnlineMonitoring
from phaseout_environment.domain.permits import Permit, PermitState, Standing
from phaseout_shared.aggregates import list_page
from phaseout_shared.contracts.environment import MonitoringState
from phaseout_shared.deps import Page, Paging, Work, versioned
from phaseout_shared.limits import Day
from phaseout_shared.params import UsccPath, Where
from phaseout_shared.unit_of_work import UnitOfWork

router = APIRouter(prefix="/v1")
CREATED = status.HTTP_201_CREATED
Year = Annotated[int, Query(ge=2000, le=2100)]


EntryWork = Annotated[UnitOfWork, versioned("list_entries")]
PermitWork = Annotated[UnitOfWork, versioned("permits")]
MonitoringWork = Annotated[UnitOfWork, versioned("monitoring")]
"""Units of work of the routes on one resource: its `ETag`, and the caller's `If-Match`."""


@router.post("/list-entries", tags=["lists"], status_code=CREATED)
async def add_list_entry(body: s.ListEntryIn, work: Work) -> ListEntry:
    """Put an enterprise on the key-supervision or the daily-patrol list of a year."""
    async with work:
        return await commands.add_list_entry(work, **body.model_dump())


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


@router.post("/list-entries/{year}/{uscc}/move", tags=["lists"])
async def move_list_entry(
    year: int, uscc: UsccPath, body: s.ListMoveIn, work: EntryWork
) -> ListEntry:
    """The lists are dynamic: the enterprise moves to the other list."""
    async with work:
        entry = await commands.move_list_entry(
            work,
            year,
            uscc,
            list_kind=body.list_kind,
            reason=body.reason,
            effective_on=body.effective_on,
            key_discharge_unit=body.key_discharge_unit,
        )
    return entry


@router.post("/list-entries/{year}/{uscc}/completion", tags=["lists"])
async def complete_list_entry(
    year: int, uscc: UsccPath, body: s.ListCompletionIn, work: EntryWork
) -> ListEntry:
    async with work:
        return await commands.complete_list_entry(
            work, year, uscc, note=body.note, effective_on=body.effective_on
        )


@router.post("/list-entries/{year}/{uscc}/removal", tags=["lists"])
async def remove_list_entry(
    year: int, uscc: UsccPath, body: s.ListRemovalIn, work: EntryWork
) -> ListEntry:
    async with work:
        return await commands.remove_list_entry(
            work, year, uscc, reason=body.reason, effective_on=body.effective_on
        )


@router.post("/enterprises/{uscc}/permits", tags=["permits"], status_code=CREATED)
async def record_permit(uscc: UsccPath, body: s.PermitIn, work: Work) -> Permit:
    """Record a pollutant-discharge permit (排污许可证): number, scope, validity."""
    async with work:
        return await commands.record_permit(work, uscc=uscc, **body.model_dump())


@router.post("/permits/{permit_no}/revocation", tags=["permits"])
async def revoke_permit(permit_no: str, body: s.PermitRevocationIn, work: PermitWork) -> Permit:
    async with work:
        return await commands.revoke_permit(work, permit_no, **body.model_dump())


@router.get("/permits", tags=["permits"])
async def list_permits(
    work: Work,
    paging: Paging,
    where: Where,
    state: Annotated[PermitState | None, Query()] = None,
    expired_as_of: Annotated[
        Day | None, Query(description="Last valid day before this date, not revoked")
    ] = None,
) -> Page[Permit]:
    filters = where.filters(state, expired_as_of)
    return await list_page(PERMITS, work, paging, filters)


@router.get("/enterprises/{uscc}/permit-status", tags=["permits"])
async def permit_status(
    uscc: UsccPath, work: Work, as_of: Annotated[Day, Query(description="The day")]
) -> Standing:
    """Whether the enterprise holds a valid permit on a day (不得无证排污)."""
    async with work:
        return await commands.permit_status(work, uscc, as_of)


@router.put("/enterprises/{uscc}/monitoring", tags=["monitoring"])
async def record_monitoring(
    uscc: UsccPath, body: s.MonitoringIn, work: MonitoringWork
) -> OnlineMonitoring:
    """Online monitoring as found: installable, installed, connected to the bureau."""
    async with work:
        return await commands.record_monitoring(work, uscc=uscc, **body.model_dump())


@router.get("/monitoring", tags=["monitoring"])
async def list_monitoring(
    work: Work,
    paging: Paging,
    where: Where,
    state: Annotated[MonitoringState | None, Query()] = None,
) -> Page[OnlineMonitoring]:
    return await list_page(MONITORING, work, paging, where.filters(state))
