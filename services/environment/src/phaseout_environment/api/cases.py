"""Routes of environment cases: thin, they translate and delegate to `app.cases`."""

from __future__ import annotations

from fastapi import APIRouter

from phaseout_environment.adapters.tables import CASES
from phaseout_environment.api import schemas as s
from phaseout_environment.app import cases as commands
from phaseout_environment.domain.case import EnvironmentCase
from phaseout_shared.case_routes import add_case_reads
from phaseout_shared.contracts.environment import CaseState
from phaseout_shared.deps import Work
from phaseout_shared.params import CaseId
from phaseout_shared.record_routes import Records

router = APIRouter(prefix="/v1/cases", tags=["cases"])


cases = Records(router, CASES, tags=())


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


cases.act_route(
    "/{case_id}/measures",
    commands.order_measure,
    s.MeasureIn,
    "Order 限制生产 or 停产整治, with a deadline.",
    case_id=CaseId,
)
cases.act_route(
    "/{case_id}/rectification",
    commands.accept_rectification,
    s.RectificationIn,
    "Rectified within the deadline: the case ends.",
    case_id=CaseId,
)
cases.act_route(
    "/{case_id}/closure-proposal",
    commands.propose_closure,
    s.ClosureProposalIn,
    "情节严重: propose closure to the people's government with the power.",
    case_id=CaseId,
)
cases.act_route(
    "/{case_id}/closure-approval",
    commands.approve_closure,
    s.ClosureApprovalIn,
    "The government approved: who, when, which document.",
    case_id=CaseId,
)
cases.act_route(
    "/{case_id}/closure-rejection",
    commands.reject_closure,
    s.ClosureRejectionIn,
    case_id=CaseId,
)
cases.act_route(
    "/{case_id}/closure-order",
    commands.order_closure,
    s.ClosureOrderIn,
    "责令停业、关闭, after the government's approval.",
    case_id=CaseId,
)
cases.act_route(
    "/{case_id}/recheck",
    commands.recheck,
    s.RecheckIn,
    "回头看 of a closed enterprise: found running, the case re-opens.",
    case_id=CaseId,
)
