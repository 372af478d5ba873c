"""The safety service's HTTP API for the ledger, its lists and inspections: thin routes."""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import APIRouter, Query, status

from phaseout_safety.adapters.tables import CASES, HAZARDS, INSPECTIONS, LISTINGS
from phaseout_safety.api import schemas as s
from phaseout_safety.app import commands
from phaseout_safety.app.desk import DESK
from phaseout_safety.domain.acts import SuspensionOrder
from phaseout_safety.domain.case import ACTIVE, SuspensionCase
from phaseout_safety.domain.catalogue import Catalogue, table4
from phaseout_safety.domain.hazard import PENDING, Hazard
from phaseout_safety.domain.inspection import Finding, Inspection
from phaseout_safety.domain.listing import Listing
from phaseout_shared import register
from phaseout_shared.aggregates import Filters, Repository, list_page
from phaseout_shared.auth import CurrentPrincipal
from phaseout_shared.contracts.safety import ListName
from phaseout_shared.deps import Page, Paging, Work, versioned
from phaseout_shared.domain.errors import NotFound
from phaseout_shared.params import DistrictQ, IndustryQ, OverdueAsOfQ, UsccPath, Where, read_one
from phaseout_shared.scope import READ_BY_ANYONE, authorise_read
from phaseout_shared.unit_of_work import UnitOfWork

router = APIRouter(prefix="/v1")


covering = authorise_read


R = TypeVar("R", Listing, Inspection, Hazard, SuspensionCase)


async def listed(
    repo: Repository[R], work: UnitOfWork, paging: Paging, filters: Filters
) -> Page[R]:
    """One page of a repository's aggregates under the filters, within the reader's district."""
    if filters.district is not None:
        covering(work.principal, filters.district)
    return await list_page(repo, work, paging, filters)


ListingWork = Annotated[UnitOfWork, versioned("listings")]
InspectionWork = Annotated[UnitOfWork, versioned("inspections")]
"""Units of work of the routes on one resource: its `ETag`, and the caller's `If-Match`."""


@router.get("/catalogue", tags=["catalogue"], openapi_extra=READ_BY_ANYONE)
async def catalogue(_: CurrentPrincipal) -> Catalogue:
    """The safety catalogue in force: Table 4 and 二（四） of the plan, versioned."""
    return table4()


@router.post("/listings", tags=["ledger"], status_code=status.HTTP_201_CREATED)
async def enter_listing(body: s.ListingIn, work: Work) -> Listing:
    """Put an enterprise on the ledger (台账) and the key or the patrol list."""
    async with work:
        return await commands.enter_listing(
            work,
            uscc=body.uscc,
            list_name=ListName(body.list_name),
            requirements=body.requirements,
            due_on=body.due_on,
            reason=body.reason,
            effective_on=body.effective_on,
        )


@router.get("/listings", tags=["ledger"])
async def list_listings(
    work: Work,
    paging: Paging,
    district: DistrictQ = None,
    industry: IndustryQ = None,
    list_name: Annotated[ListName | None, Query(alias="list")] = None,
    overdue_as_of: OverdueAsOfQ = None,
) -> Page[Listing]:
    """The key-supervision list, the dynamic patrol list, or both; overdue: not inspected."""
    filters = Filters(None, district, industry, list_name, overdue_as_of)
    return await listed(LISTINGS, work, paging, filters)


@router.get("/listings/{uscc}", tags=["ledger"])
async def read_listing(uscc: UsccPath, work: ListingWork) -> Listing:
    return await read_one(LISTINGS, work, uscc)


@router.post("/listings/{uscc}/move", tags=["ledger"])
async def move_listing(uscc: UsccPath, body: s.MoveIn, work: ListingWork) -> Listing:
    """Move onto the other list (动态), with its requirements and timetable."""
    async with work:
        return await DESK.act_as_requested(
            work,
            LISTINGS,
            uscc,
            "move",
            lambda listing: listing.move(
                list_name=ListName(body.list_name),
                requirements=body.requirements,
                due_on=body.due_on,
                reason=body.reason,
                effective_on=body.effective_on,
            ),
            body,
        )


@router.post("/listings/{uscc}/removal", tags=["ledger"])
async def remove_listing(uscc: UsccPath, body: s.RemovalIn, work: ListingWork) -> Listing:
    """Off both lists; the enterprise stays on the ledger."""
    async with work:
        return await DESK.act_as_requested(
            work,
            LISTINGS,
            uscc,
            "remove",
            lambda listing: listing.remove(reason=body.reason, effective_on=body.effective_on),
            body,
        )


@router.get("/enterprises/{uscc}/ledger", tags=["ledger"])
async def ledger(uscc: UsccPath, work: Work) -> s.Ledger:
    """The enterprise's ledger (台账): 不具备安全生产条件、安全隐患问题突出的企业情况."""
    mine = Filters(uscc=uscc)
    async with work:
        enterprise = await register.get(work.session, uscc)
        covering(work.principal, enterprise.district)
        try:
            listing = await work.store(LISTINGS).look(uscc)
        except NotFound:
            listing = None
        hazards, _ = await HAZARDS.page(work.session, HAZARDS.query(mine, work.principal), 500, 0)
        cases, _ = await CASES.page(work.session, CASES.query(mine, work.principal), 500, 0)
    return s.Ledger(
        enterprise=enterprise,
        listing=listing,
        lacks_safety_conditions=any(c.state in ACTIVE for c in cases),
        pending_hazards=sum(h.state in PENDING for h in hazards),
        hazards=hazards,
        cases=cases,
    )


@router.post(
    "/enterprises/{uscc}/inspections", tags=["inspections"], status_code=status.HTTP_201_CREATED
)
async def record_inspection(uscc: UsccPath, body: s.InspectionIn, work: Work) -> s.InspectionOut:
    """Record an inspection: each hazard opens its rectification (五落实); conditions below the
    law or standard are suspended at once (依法责令立即停产停业整顿)."""
    order = SuspensionOrder(**body.suspension.model_dump()) if body.suspension else None
    async with work:
        inspected = await commands.record_inspection(
            work,
            uscc=uscc,
            inspectors=body.inspectors,
            findings=[Finding(**f.model_dump()) for f in body.findings],
            suspension=order,
            effective_on=body.effective_on,
        )
    return s.InspectionOut(
        inspection=inspected.inspection, hazards=inspected.hazards, case=inspected.case
    )


@router.get("/inspections", tags=["inspections"])
async def list_inspections(
    work: Work,
    paging: Paging,
    where: Where,
) -> Page[Inspection]:
    return await listed(INSPECTIONS, work, paging, where.filters())


@router.get("/inspections/{inspection_id}", tags=["inspections"])
async def read_inspection(inspection_id: str, work: InspectionWork) -> Inspection:
    return await read_one(INSPECTIONS, work, inspection_id)


@router.post("/overdue-sweeps", tags=["cases"])
async def sweep_overdue(body: s.SweepIn, work: Work) -> s.SweepOut:
    """Mark overdue, once each, the hazards and cases whose deadline passed before `as_of`."""
    async with work:
        marked = await commands.sweep_overdue(work, body.as_of)
    return s.SweepOut(**marked)
