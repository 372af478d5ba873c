"""The safety service's HTTP API for hazards (隐患治理) and enforcement cases: thin routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from phaseout_safety.adapters.tables import CASES, HAZARDS
from phaseout_safety.api import schemas as s
from phaseout_safety.api.routes import listed
from phaseout_safety.app.desk import DESK
from phaseout_safety.domain.case import SuspensionCase
from phaseout_safety.domain.hazard import Hazard
from phaseout_shared.case_routes import add_case_reads
from phaseout_shared.contracts.safety import CaseState, HazardState
from phaseout_shared.deps import Page, Paging, Work, versioned
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.params import CaseId, OverdueAsOfQ, Where, read_one
from phaseout_shared.unit_of_work import UnitOfWork

router = APIRouter(prefix="/v1")


HazardWork = Annotated[UnitOfWork, versioned("hazards")]
CaseWork = Annotated[UnitOfWork, versioned("cases")]
"""Units of work of the routes on one resource: its `ETag`, and the caller's `If-Match`."""


@router.get("/hazards", tags=["hazards"])
async def list_hazards(
    work: Work,
    paging: Paging,
    where: Where,
    state: Annotated[HazardState | None, Query()] = None,
    overdue_as_of: OverdueAsOfQ = None,
) -> Page[Hazard]:
    filters = where.filters(state, overdue_as_of)
    return await listed(HAZARDS, work, paging, filters)


@router.get("/hazards/{case_id}", tags=["hazards"])
async def read_hazard(case_id: CaseId, work: HazardWork) -> Hazard:
    return await read_one(HAZARDS, work, case_id)


@router.post("/hazards/{case_id}/five-in-place", tags=["hazards"])
async def put_in_place(case_id: CaseId, body: s.FiveInPlaceIn, work: HazardWork) -> Hazard:
    """Put parts of the 五落实 in place: 措施、责任、资金、时限、预案."""
    async with work:
        return await DESK.act_as_requested(
            work,
            HAZARDS,
            case_id,
            "put_in_place",
            lambda hazard: hazard.put_in_place(body.five_in_place.parts(), body.effective_on),
            body,
        )


@router.post("/hazards/{case_id}/rectification", tags=["hazards"])
async def verify_rectified(case_id: CaseId, body: s.RectifiedIn, work: HazardWork) -> Hazard:
    """The rectification was verified (隐患治理完成): only with all five in place."""
    async with work:
        return await DESK.act_as_requested(
            work,
            HAZARDS,
            case_id,
            "verify_rectified",
            lambda hazard: hazard.verify_rectified(body.effective_on, body.note),
            body,
        )


add_case_reads(
    router,
    CASES,
    CaseState,
    listing=listed,
)


@router.post("/cases/{case_id}/reinspection", tags=["cases"])
async def reinspect(case_id: CaseId, body: s.ReinspectionIn, work: CaseWork) -> SuspensionCase:
    """Re-inspection (复查): passed lifts the suspension; failed, still unsafe."""
    async with work:
        return await DESK.act_as_requested(
            work,
            CASES,
            case_id,
            "reinspect",
            lambda case: case.reinspect(
                body.effective_on, passed=body.passed, reasons=tuple(body.reasons), note=body.note
            ),
            body,
        )


@router.post("/cases/{case_id}/closure-request", tags=["cases"])
async def request_closure(
    case_id: CaseId, body: s.ClosureRequestIn, work: CaseWork
) -> SuspensionCase:
    """提请政府予以关闭: ask the district's or the city's government to close."""
    async with work:
        return await DESK.act_as_requested(
            work,
            CASES,
            case_id,
            "request_closure",
            lambda case: case.request_closure(body.government, body.effective_on, body.note),
            body,
        )


@router.post("/cases/{case_id}/closure-decision", tags=["cases"])
async def record_decision(
    case_id: CaseId, body: s.ClosureDecisionIn, work: CaseWork
) -> SuspensionCase:
    """The government's decision: close (by a date, if set), or not (the suspension goes on)."""
    if body.closes and body.rectify_by is not None:
        raise InvalidInput("a decision to close sets no rectification period", field="rectify_by")
    if not body.closes and body.close_by is not None:
        raise InvalidInput("a decision not to close sets no closure date", field="close_by")
    if not body.closes and body.rectify_by is None:
        raise InvalidInput("the suspension goes on until a new date: set it", field="rectify_by")
    async with work:
        if body.closes:
            return await DESK.act_as_requested(
                work,
                CASES,
                case_id,
                "decide_closure",
                lambda case: case.decide_closure(body.document, body.effective_on, body.close_by),
                body,
            )
        rectify_by = body.rectify_by
        assert rectify_by is not None, "checked above"
        return await DESK.act_as_requested(
            work,
            CASES,
            case_id,
            "decline_closure",
            lambda case: case.decline_closure(
                body.document, body.reason, rectify_by, body.effective_on
            ),
            body,
        )


@router.post("/cases/{case_id}/closure", tags=["cases"])
async def close(case_id: CaseId, body: s.ClosureIn, work: CaseWork) -> SuspensionCase:
    """关闭: the capacity closed by the government's decision; it counts as exited."""
    async with work:
        return await DESK.act_as_requested(
            work,
            CASES,
            case_id,
            "close",
            lambda case: case.close(body.description, body.effective_on),
            body,
        )


@router.post("/cases/{case_id}/licence-revocation", tags=["cases"])
async def revoke_licences(case_id: CaseId, body: s.RevocationIn, work: CaseWork) -> SuspensionCase:
    """吊销相关证照: the licences revoked by the departments concerned."""
    async with work:
        return await DESK.act_as_requested(
            work,
            CASES,
            case_id,
            "revoke_licences",
            lambda case: case.revoke_licences(tuple(body.licences), body.effective_on),
            body,
        )
