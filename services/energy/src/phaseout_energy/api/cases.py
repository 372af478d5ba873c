"""Inspections and cases: over the limit → rectify in 6 months → rectified, or shut down, exit."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from phaseout_energy.adapters.tables import CASES, INSPECTIONS
from phaseout_energy.api import schemas as s
from phaseout_energy.api.deps import (
    AsOf,
    UsccPath,
    page_of,
)
from phaseout_energy.app import commands
from phaseout_energy.domain.case import EnergyCase
from phaseout_energy.domain.inspection import RecordedInspection
from phaseout_shared.case_routes import add_case_reads
from phaseout_shared.contracts.energy import CaseState, Verdict
from phaseout_shared.deps import Page, Paging, Work, versioned
from phaseout_shared.params import Where
from phaseout_shared.unit_of_work import UnitOfWork

router = APIRouter(prefix="/v1")


CaseWork = Annotated[UnitOfWork, versioned("cases")]
"""The unit of work of a route on one case: its `ETag`, and the caller's `If-Match`."""


@router.post(
    "/enterprises/{uscc}/inspections", tags=["inspections"], status_code=status.HTTP_201_CREATED
)
async def inspect(uscc: UsccPath, body: s.InspectionIn, work: Work) -> RecordedInspection:
    """Record an inspection (节能监察); over the limit, it opens a case due in 6 months."""
    async with work:
        return await commands.inspect(work, uscc, commands.Measurement(**body.model_dump()))


@router.get("/inspections", tags=["inspections"])
async def list_inspections(
    work: Work,
    paging: Paging,
    where: Where,
    verdict: Annotated[Verdict | None, Query()] = None,
) -> Page[RecordedInspection]:
    query = INSPECTIONS.query(where.filters(verdict), work.principal)
    return await page_of(INSPECTIONS, work, paging, query)


add_case_reads(
    router,
    CASES,
    CaseState,
    overdue="Cases whose deadline (or exit date) passed before this day without the act it "
    "called for: rectifying or overdue past the rectification deadline, shutdown ordered past "
    "the exit date",
    case_id=UUID,
)


@router.post("/cases/{case_id}/extension", tags=["cases"])
async def grant_extension(case_id: UUID, body: s.ExtensionIn, work: CaseWork) -> EnergyCase:
    """The one extension (延期): applied for by the deadline, at most 3 months, granted while
    the case is rectifying — that is, before the overdue sweep marks it."""
    async with work:
        return await commands.grant_extension(work, case_id, **body.model_dump())


@router.post("/cases/{case_id}/reinspection", tags=["cases"])
async def reinspect(case_id: UUID, body: s.ReinspectionIn, work: CaseWork) -> EnergyCase:
    """Within the limit: rectified. Still over it (经整改仍未达标): shutdown required."""
    async with work:
        return await commands.reinspect(work, case_id, **body.model_dump())


@router.post("/cases/{case_id}/shutdown-order", tags=["cases"])
async def order_shutdown(case_id: UUID, body: s.ShutdownOrderIn, work: CaseWork) -> EnergyCase:
    """Shut down and exit by law (依法关停退出): for an overdue or failed case."""
    async with work:
        return await commands.order_shutdown(work, case_id, **body.model_dump())


@router.post("/cases/{case_id}/shutdown-verification", tags=["cases"])
async def verify_shutdown(
    case_id: UUID, body: s.ShutdownVerificationIn, work: CaseWork
) -> EnergyCase:
    """The shutdown is verified: the capacity has exited and counts on the exit list."""
    async with work:
        return await commands.verify_shutdown(work, case_id, verified_on=body.verified_on)


@router.post("/sweeps/overdue", tags=["cases"])
async def sweep_overdue(as_of: AsOf, work: Work) -> commands.OverdueSweep:
    """Mark overdue (逾期未整改) each rectifying case whose deadline passed before `as_of`.

    City officers of miit or drc. Each case is marked once: a second sweep returns only what it
    changed. Decide pending extension applications before sweeping: an overdue case cannot be
    extended.
    """
    async with work:
        return await commands.sweep_overdue(work, as_of)
