"""The technology service's HTTP API: thin routes that translate and delegate to `app`."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query, status

from phaseout_shared.aggregates import Filters, list_page
from phaseout_shared.auth import RECORDS_NOTHING, CurrentPrincipal
from phaseout_shared.deps import Page, Paging, Work, versioned
from phaseout_shared.limits import Day
from phaseout_shared.params import CaseId, DistrictQ, IndustryQ, UsccPath
from phaseout_shared.record_routes import Choice, Records
from phaseout_shared.unit_of_work import UnitOfWork
from phaseout_technology.adapters.tables import CASES, CHECKS, ITEMS, TIPS
from phaseout_technology.api import schemas as s
from phaseout_technology.app import commands
from phaseout_technology.domain.case import EliminationCase
from phaseout_technology.domain.evaluate import Verdict, evaluate
from phaseout_technology.domain.market_access import ProposedProject
from phaseout_technology.domain.survey import RecordedCheck
from phaseout_technology.domain.tips import Tip

TipId = Annotated[UUID, Path(description="The tip (a UUID)")]

router = APIRouter(prefix="/v1")
PRIVATE = {"reporter_contact"}


items = Records(router, ITEMS, tags=["survey"])
cases = Records(router, CASES, tags=["cases"])
CaseWork = Annotated[UnitOfWork, versioned("cases")]
TipWork = Annotated[UnitOfWork, versioned("tips")]
"""Units of work of the routes on one resource: its `ETag`, and the caller's `If-Match`."""


@router.post(
    "/assessments", tags=["assessments"], response_model=Verdict, openapi_extra=RECORDS_NOTHING
)
async def assess(body: s.AssessmentIn, _: CurrentPrincipal) -> Verdict:
    """Judge one item against Table 5, recording nothing."""
    return evaluate(body.industry, body.equipment)


items.act_route(
    "/enterprises/{uscc}/items",
    commands.survey_item,
    s.ItemIn,
    "Record a surveyed item; an eliminated one opens its elimination case at once.",
    new=True,
    name="survey",
    uscc=UsccPath,
)
items.list_route(
    "/items",
    Choice("verdict", Annotated[str | None, Query(pattern="^(eliminate|allowed)$")]),
)
cases.list_route("/cases", Choice("state", str | None))
cases.read_route("/cases/{case_id}", CaseId)
cases.act_route(
    "/cases/{case_id}/dismantling",
    commands.dismantle,
    s.DismantlingIn,
    "The main equipment was dismantled (拆除主体设备).",
    case_id=CaseId,
)


@router.post("/cases/{case_id}/sealing", tags=["cases"])
async def seal(case_id: CaseId, body: s.SealingIn, work: CaseWork) -> EliminationCase:
    """Water and power cut, power units removed, main equipment sealed, public commitment."""
    async with work:
        return await commands.seal(
            work, case_id, body.measures, body.description, body.effective_on
        )


cases.act_route(
    "/cases/{case_id}/acceptance",
    commands.accept_on_site,
    s.AcceptanceIn,
    "On-site acceptance (现场验收): passed, the capacity has exited.",
    name="accept",
    case_id=CaseId,
)
cases.act_route(
    "/cases/{case_id}/revival",
    commands.reopen_revival,
    s.RevivalIn,
    "A sealed or exited line was found running again: the case re-opens, flagged.",
    name="revival",
    case_id=CaseId,
)


def _public(tip: Tip) -> dict[str, Any]:
    return tip.model_dump(mode="json", exclude=PRIVATE)


@router.post("/tips", tags=["tips"], status_code=status.HTTP_201_CREATED)
async def receive_tip(body: s.TipIn, work: Work) -> dict[str, Any]:
    """A tip from the 地条钢 reporting hotline (举报)."""
    async with work:
        tip = await commands.receive_tip(
            work,
            summary=body.summary,
            effective_on=body.effective_on,
            reporter_contact=body.reporter_contact,
            uscc=body.uscc,
            district=body.district,
        )
    return _public(tip)


@router.get("/tips", tags=["tips"])
async def list_tips(
    work: Work,
    paging: Paging,
    state: str | None = None,
    district: DistrictQ = None,
    overdue_as_of: Annotated[
        Day | None, Query(description="Due before this date, still open")
    ] = None,
) -> Page[dict[str, Any]]:
    filters = Filters(None, district, None, state, overdue_as_of)
    page = await list_page(TIPS, work, paging, filters)
    return Page(
        items=[_public(t) for t in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post("/tips/{tip_id}/assignment", tags=["tips"])
async def assign_tip(tip_id: TipId, body: s.AssignmentIn, work: TipWork) -> dict[str, Any]:
    async with work:
        tip = await commands.assign_tip(
            work,
            tip_id,
            assignee=body.assignee,
            due_on=body.due_on,
            effective_on=body.effective_on,
        )
    return _public(tip)


@router.post("/tips/{tip_id}/closure", tags=["tips"])
async def close_tip(tip_id: TipId, body: s.ClosureIn, work: TipWork) -> dict[str, Any]:
    async with work:
        if body.outcome == "confirmed":
            tip = await commands.close_tip_as_confirmed(
                work,
                tip_id,
                findings=body.reason,
                effective_on=body.effective_on,
                uscc=body.uscc,
            )
        else:
            tip = await commands.close_tip_as_unfounded(
                work,
                tip_id,
                reason=body.reason,
                effective_on=body.effective_on,
            )
    return _public(tip)


@router.post("/project-checks", tags=["market access"], status_code=status.HTTP_201_CREATED)
async def check_project(body: s.ProjectCheckIn, work: Work) -> RecordedCheck:
    """drc's check of a proposed project: any eliminated item forbids it, naming the rules."""
    project = ProposedProject(body.project_name, body.industry, body.district, body.items)
    async with work:
        return await commands.record_project_check(
            work, project, uscc=body.uscc, effective_on=body.effective_on
        )


@router.get("/project-checks", tags=["market access"])
async def list_project_checks(
    work: Work,
    paging: Paging,
    district: DistrictQ = None,
    industry: IndustryQ = None,
    outcome: Annotated[str | None, Query(pattern="^(permitted|forbidden)$")] = None,
) -> Page[RecordedCheck]:
    return await list_page(CHECKS, work, paging, Filters(None, district, industry, outcome))
