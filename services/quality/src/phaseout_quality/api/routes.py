"""The quality service's HTTP API for spot checks and cases: thin routes that delegate to `app`.

Licences and cancellation requests are in `api.licences`.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from phaseout_quality.adapters.tables import CASES, CHECKS, UNLICENSED
from phaseout_quality.api import schemas as s
from phaseout_quality.app import commands
from phaseout_quality.domain.applicability import Applicability, applicability
from phaseout_quality.domain.case import QualityCase
from phaseout_shared.auth import CurrentPrincipal
from phaseout_shared.case_routes import add_case_reads
from phaseout_shared.contracts.quality import CaseState, UnlicensedState
from phaseout_shared.deps import Work
from phaseout_shared.params import CaseId, UsccPath
from phaseout_shared.record_routes import Choice, Records, one_of
from phaseout_shared.reference import Industry
from phaseout_shared.scope import READ_BY_ANYONE

router = APIRouter(prefix="/v1")


class Sweep(BaseModel):
    """The cases a sweep marked overdue (逾期不改正)."""

    as_of: date
    marked: list[QualityCase]


checks = Records(router, CHECKS, tags=["spot checks"])
cases = Records(router, CASES, tags=["cases"])
unlicensed = Records(router, UNLICENSED, tags=["unlicensed production"])


@router.get("/applicability/{industry}", tags=["table 3"], openapi_extra=READ_BY_ANYONE)
async def read_applicability(industry: Industry, _: CurrentPrincipal) -> Applicability:
    """Whether the Product Quality Law reaches an industry (Table 3), recording nothing."""
    return applicability(industry)


checks.act_route(
    "/enterprises/{uscc}/spot-checks",
    commands.record_spot_check,
    s.SpotCheckIn,
    "Record a spot check (监督抽查); a failure orders production stopped and rectified.",
    new=True,
    uscc=UsccPath,
)
checks.list_route("/spot-checks", Choice("result", one_of(Literal["passed", "failed"])))
checks.read_route("/spot-checks/{check_id}", str)


add_case_reads(
    router,
    CASES,
    CaseState,
    overdue="Deadline passed before this day, not rectified",
)


cases.act_route(
    "/cases/{case_id}/reinspection",
    commands.reinspect,
    s.ReinspectionIn,
    "整改复查 by the deadline: passed closes the case; still failing, licences to revoke.",
    case_id=CaseId,
)
cases.act_route(
    "/cases/{case_id}/revocation",
    commands.revoke_licences,
    s.RevocationIn,
    "依法依规吊销相关证照, after a failed re-inspection or an overdue deadline.",
    case_id=CaseId,
)


@router.post("/overdue-sweeps", tags=["cases"])
async def sweep_overdue(body: s.SweepIn, work: Work) -> Sweep:
    """Mark overdue the rectifying cases in the caller's reach whose deadline passed."""
    async with work:
        day, marked = await commands.sweep_overdue(work, body.as_of)
    return Sweep(as_of=day, marked=marked)


unlicensed.act_route(
    "/enterprises/{uscc}/unlicensed-cases",
    commands.open_unlicensed_case,
    s.UnlicensedCaseIn,
    "Production without a licence found (无证违法生产): stop ordered at once.",
    new=True,
    uscc=UsccPath,
)
unlicensed.list_route("/unlicensed-cases", Choice("state", one_of(UnlicensedState)))
unlicensed.read_route("/unlicensed-cases/{case_id}", CaseId)
unlicensed.act_route(
    "/unlicensed-cases/{case_id}/stop-verification",
    commands.verify_stopped,
    s.FindingIn,
    "samr verified that the unlicensed production stopped.",
    case_id=CaseId,
)
unlicensed.act_route(
    "/unlicensed-cases/{case_id}/resumption",
    commands.find_production_resumed,
    s.FindingIn,
    "The unlicensed production was found running again: the stop is ordered once more.",
    case_id=CaseId,
)
