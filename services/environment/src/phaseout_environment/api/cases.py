"""Routes of environment cases: thin, they translate and delegate to `app.cases`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from phaseout_environment.adapters.tables import CASES
from phaseout_environment.api import schemas as s
from phaseout_environment.app import cases as commands
from phaseout_environment.domain.case import EnvironmentCase
from phaseout_shared.case_routes import add_case_reads
from phaseout_shared.contracts.environment import CaseState
from phaseout_shared.deps import Work, versioned
from phaseout_shared.params import CaseId
from phaseout_shared.unit_of_work import UnitOfWork

router = APIRouter(prefix="/v1/cases", tags=["cases"])


CaseWork = Annotated[UnitOfWork, versioned("cases")]
"""Units of work of the routes on one resource: its `ETag`, and the caller's `If-Match`."""


add_case_reads(
    router,
    CASES,
    CaseState,
    overdue="Deadline passed before this date, not yet closed",
    path="",
    tags=(),
    read_description="One case; a district officer reads the cases of the district only.",
)


@router.post("/overdue-sweep")
async def sweep_overdue(body: s.OverdueSweepIn, work: Work) -> list[EnvironmentCase]:
    """Mark overdue the cases whose measure's deadline passed; each is marked once."""
    async with work:
        return await commands.sweep_overdue(work, as_of=body.as_of, district=body.district)


@router.post("/{case_id}/measures")
async def order_measure(case_id: CaseId, body: s.MeasureIn, work: CaseWork) -> EnvironmentCase:
    """Order 限制生产 or 停产整治, with a deadline."""
    async with work:
        return await commands.order_measure(work, case_id, **body.model_dump())


@router.post("/{case_id}/rectification")
async def accept_rectification(
    case_id: CaseId, body: s.RectificationIn, work: CaseWork
) -> EnvironmentCase:
    """Rectified within the deadline: the case ends."""
    async with work:
        return await commands.accept_rectification(work, case_id, **body.model_dump())


@router.post("/{case_id}/closure-proposal")
async def propose_closure(
    case_id: CaseId, body: s.ClosureProposalIn, work: CaseWork
) -> EnvironmentCase:
    """情节严重: propose closure to the people's government with the power."""
    async with work:
        return await commands.propose_closure(work, case_id, **body.model_dump())


@router.post("/{case_id}/closure-approval")
async def approve_closure(
    case_id: CaseId, body: s.ClosureApprovalIn, work: CaseWork
) -> EnvironmentCase:
    """The government approved: who, when, which document."""
    async with work:
        return await commands.approve_closure(work, case_id, **body.model_dump())


@router.post("/{case_id}/closure-rejection")
async def reject_closure(
    case_id: CaseId, body: s.ClosureRejectionIn, work: CaseWork
) -> EnvironmentCase:
    async with work:
        return await commands.reject_closure(work, case_id, **body.model_dump())


@router.post("/{case_id}/closure-order")
async def order_closure(case_id: CaseId, body: s.ClosureOrderIn, work: CaseWork) -> EnvironmentCase:
    """责令停业、关闭, after the government's approval."""
    async with work:
        return await commands.order_closure(work, case_id, **body.model_dump())


@router.post("/{case_id}/recheck")
async def recheck(case_id: CaseId, body: s.RecheckIn, work: CaseWork) -> EnvironmentCase:
    """回头看 of a closed enterprise: found running, the case re-opens."""
    async with work:
        return await commands.recheck(work, case_id, **body.model_dump())
