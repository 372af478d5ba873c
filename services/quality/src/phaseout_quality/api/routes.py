"""The quality service's HTTP API for spot checks and cases: thin routes that delegate to `app`.

Licences and cancellation requests are in `api.licences`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel

from phaseout_quality.adapters.tables import CASES, CHECKS, UNLICENSED
from phaseout_quality.api import schemas as s
from phaseout_quality.app import commands
from phaseout_quality.domain.applicability import Applicability, applicability
from phaseout_quality.domain.case import QualityCase
from phaseout_quality.domain.spot_check import SpotCheck
from phaseout_quality.domain.unlicensed import UnlicensedProductionCase
from phaseout_shared.aggregates import list_page
from phaseout_shared.auth import CurrentPrincipal
from phaseout_shared.case_routes import add_case_reads
from phaseout_shared.contracts.quality import CaseState, UnlicensedState
from phaseout_shared.deps import Page, Paging, Work, versioned
from phaseout_shared.params import CaseId, UsccPath, Where, read_one
from phaseout_shared.reference import Industry
from phaseout_shared.scope import READ_BY_ANYONE
from phaseout_shared.unit_of_work import UnitOfWork

router = APIRouter(prefix="/v1")


class Sweep(BaseModel):
    """The cases a sweep marked overdue (逾期不改正)."""

    as_of: date
    marked: list[QualityCase]


CheckWork = Annotated[UnitOfWork, versioned("spot_checks")]
CaseWork = Annotated[UnitOfWork, versioned("cases")]
UnlicensedWork = Annotated[UnitOfWork, versioned("unlicensed_cases")]
"""Units of work of the routes on one resource: its `ETag`, and the caller's `If-Match`."""


@router.get("/applicability/{industry}", tags=["table 3"], openapi_extra=READ_BY_ANYONE)
async def read_applicability(industry: Industry, _: CurrentPrincipal) -> Applicability:
    """Whether the Product Quality Law reaches an industry (Table 3), recording nothing."""
    return applicability(industry)


@router.post(
    "/enterprises/{uscc}/spot-checks", tags=["spot checks"], status_code=status.HTTP_201_CREATED
)
async def record_spot_check(uscc: UsccPath, body: s.SpotCheckIn, work: Work) -> SpotCheck:
    """Record a spot check (监督抽查); a failure orders production stopped and rectified."""
    async with work:
        return await commands.record_spot_check(work, uscc=uscc, **body.model_dump())


@router.get("/spot-checks", tags=["spot checks"])
async def list_spot_checks(
    work: Work,
    paging: Paging,
    where: Where,
    result: Annotated[Literal["passed", "failed"] | None, Query()] = None,
) -> Page[SpotCheck]:
    return await list_page(CHECKS, work, paging, where.filters(result))


@router.get("/spot-checks/{check_id}", tags=["spot checks"])
async def read_spot_check(check_id: str, work: CheckWork) -> SpotCheck:
    return await read_one(CHECKS, work, check_id)


add_case_reads(
    router,
    CASES,
    CaseState,
    overdue="Deadline passed before this day, not rectified",
)


@router.post("/cases/{case_id}/reinspection", tags=["cases"])
async def reinspect(case_id: CaseId, body: s.ReinspectionIn, work: CaseWork) -> QualityCase:
    """整改复查 by the deadline: passed closes the case; still failing, licences to revoke."""
    async with work:
        return await commands.reinspect(work, case_id, **body.model_dump())


@router.post("/cases/{case_id}/revocation", tags=["cases"])
async def revoke_licences(case_id: CaseId, body: s.RevocationIn, work: CaseWork) -> QualityCase:
    """依法依规吊销相关证照, after a failed re-inspection or an overdue deadline."""
    async with work:
        return await commands.revoke_licences(work, case_id, **body.model_dump())


@router.post("/overdue-sweeps", tags=["cases"])
async def sweep_overdue(body: s.SweepIn, work: Work) -> Sweep:
    """Mark overdue the rectifying cases in the caller's reach whose deadline passed."""
    async with work:
        day, marked = await commands.sweep_overdue(work, body.as_of)
    return Sweep(as_of=day, marked=marked)


@router.post(
    "/enterprises/{uscc}/unlicensed-cases",
    tags=["unlicensed production"],
    status_code=status.HTTP_201_CREATED,
)
async def open_unlicensed_case(
    uscc: UsccPath, body: s.UnlicensedCaseIn, work: Work
) -> UnlicensedProductionCase:
    """Production without a licence found (无证违法生产): stop ordered at once."""
    async with work:
        return await commands.open_unlicensed_case(work, uscc=uscc, **body.model_dump())


@router.get("/unlicensed-cases", tags=["unlicensed production"])
async def list_unlicensed_cases(
    work: Work,
    paging: Paging,
    where: Where,
    state: Annotated[UnlicensedState | None, Query()] = None,
) -> Page[UnlicensedProductionCase]:
    return await list_page(UNLICENSED, work, paging, where.filters(state))


@router.get("/unlicensed-cases/{case_id}", tags=["unlicensed production"])
async def read_unlicensed_case(case_id: CaseId, work: UnlicensedWork) -> UnlicensedProductionCase:
    return await read_one(UNLICENSED, work, case_id)


@router.post("/unlicensed-cases/{case_id}/stop-verification", tags=["unlicensed production"])
async def verify_stopped(
    case_id: CaseId, body: s.FindingIn, work: UnlicensedWork
) -> UnlicensedProductionCase:
    """samr verified that the unlicensed production stopped."""
    async with work:
        return await commands.verify_stopped(
            work, case_id, description=body.description, effective_on=body.effective_on
        )


@router.post("/unlicensed-cases/{case_id}/resumption", tags=["unlicensed production"])
async def find_production_resumed(
    case_id: CaseId, body: s.FindingIn, work: UnlicensedWork
) -> UnlicensedProductionCase:
    """The unlicensed production was found running again: the stop is ordered once more."""
    async with work:
        return await commands.find_production_resumed(
            work, case_id, description=body.description, effective_on=body.effective_on
        )
