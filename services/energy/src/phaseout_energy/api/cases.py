"""Inspections and cases: over the limit → rectify in 6 months → rectified, or shut down, exit."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, status

from phaseout_energy.adapters.tables import CASES, INSPECTIONS
from phaseout_energy.api import schemas as s
from phaseout_energy.api.deps import (
    AsOf,
    UsccPath,
)
from phaseout_energy.app import commands
from phaseout_energy.domain.inspection import RecordedInspection
from phaseout_shared.case_routes import add_case_reads
from phaseout_shared.contracts.energy import CaseState, Verdict
from phaseout_shared.deps import Work
from phaseout_shared.record_routes import Choice, Records, one_of

router = APIRouter(prefix="/v1")


inspections = Records(router, INSPECTIONS, tags=["inspections"])
cases = Records(router, CASES, tags=["cases"])


@router.post(
    "/enterprises/{uscc}/inspections", tags=["inspections"], status_code=status.HTTP_201_CREATED
)
async def inspect(uscc: UsccPath, body: s.InspectionIn, work: Work) -> RecordedInspection:
    """Record an inspection (节能监察); over the limit, it opens a case due in 6 months."""
    async with work:
        return await commands.inspect(work, uscc, commands.Measurement(**body.model_dump()))


inspections.list_route("/inspections", Choice("verdict", one_of(Verdict)))


add_case_reads(
    router,
    CASES,
    CaseState,
    overdue="Cases whose deadline (or exit date) passed before this day without the act it "
    "called for: rectifying or overdue past the rectification deadline, shutdown ordered past "
    "the exit date",
    case_id=UUID,
)


cases.act_route(
    "/cases/{case_id}/extension",
    commands.grant_extension,
    s.ExtensionIn,
    """The one extension (延期): applied for by the deadline, at most 3 months, granted while
    the case is rectifying — that is, before the overdue sweep marks it.""",
    case_id=UUID,
)
cases.act_route(
    "/cases/{case_id}/reinspection",
    commands.reinspect,
    s.ReinspectionIn,
    "Within the limit: rectified. Still over it (经整改仍未达标): shutdown required.",
    case_id=UUID,
)
cases.act_route(
    "/cases/{case_id}/shutdown-order",
    commands.order_shutdown,
    s.ShutdownOrderIn,
    "Shut down and exit by law (依法关停退出): for an overdue or failed case.",
    case_id=UUID,
)
cases.act_route(
    "/cases/{case_id}/shutdown-verification",
    commands.verify_shutdown,
    s.ShutdownVerificationIn,
    "The shutdown is verified: the capacity has exited and counts on the exit list.",
    case_id=UUID,
)


@router.post("/sweeps/overdue", tags=["cases"])
async def sweep_overdue(as_of: AsOf, work: Work) -> commands.OverdueSweep:
    """Mark overdue (逾期未整改) each rectifying case whose deadline passed before `as_of`.

    City officers of miit or drc. Each case is marked once: a second sweep returns only what it
    changed. Decide pending extension applications before sweeping: an overdue case cannot be
    extended.
    """
    async with work:
        return await commands.sweep_overdue(work, as_of)
