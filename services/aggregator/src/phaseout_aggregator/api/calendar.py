"""`/v1/calendar` and `/v1/submissions`: the year's reports, due and in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from phaseout_aggregator.adapters.tables import submissions
from phaseout_aggregator.api.deps import AsOf, Session
from phaseout_aggregator.app.calendar import CalendarEntry, Kind, calendar, dues, submitter_of
from phaseout_shared.auth import CurrentPrincipal
from phaseout_shared.domain.errors import Conflict, Forbidden
from phaseout_shared.limits import Day

router = APIRouter(prefix="/v1", tags=["calendar"])


class SubmissionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2019, le=2100)
    kind: Kind
    submitted_on: Day
    note: str = Field(default="", max_length=2000, description="What was sent, and where it is")


@router.get("/calendar", response_model=list[CalendarEntry])
async def read_calendar(
    _: CurrentPrincipal,
    as_of: AsOf,
    session: Session,
    year: Annotated[int, Query(ge=2019, le=2100)] = 2019,
) -> list[CalendarEntry]:
    """What is due from whom and by when; which submissions are in, which are late."""
    rows = await session.execute(
        select(submissions.c.kind, submissions.c.submitter, submissions.c.submitted_on).where(
            submissions.c.year == year
        )
    )
    return calendar(year, {(k, s): on for k, s, on in rows.tuples()}, as_of)


@router.post("/submissions", status_code=status.HTTP_201_CREATED, response_model=CalendarEntry)
async def submit(
    body: SubmissionIn, principal: CurrentPrincipal, request: Request
) -> CalendarEntry:
    """Record that the caller's district or agency sent one of the year's reports."""
    if "officer" not in principal.roles:
        raise Forbidden("submitting needs the officer role", field="roles")
    if principal.agency is not None and not principal.city_wide:
        raise Forbidden(
            f"{principal.agency}'s reports are sent by its city officers", field="jurisdiction"
        )
    submitter = submitter_of(principal.agency, str(principal.jurisdiction))
    due = next(
        (d for d in dues(body.year) if (d.kind, d.submitter) == (body.kind, submitter)), None
    )
    if due is None:
        raise Forbidden(f"{submitter} owes no {body.kind} report", field="kind")
    row = {
        **body.model_dump(exclude={"submitted_on"}),
        "submitter": submitter,
        "submitted_on": body.submitted_on,
        "submitted_by": principal.sub,
    }
    async with request.app.state.db.sessions.begin() as session:
        statement = (
            insert(submissions).values(row).on_conflict_do_nothing().returning(submissions.c.year)
        )
        if (await session.execute(statement)).first() is None:
            raise Conflict(
                f"{submitter}'s {body.kind} report for {body.year} is already in", field="kind"
            )
    return calendar(body.year, {(body.kind, submitter): body.submitted_on}, body.submitted_on)[
        dues(body.year).index(due)
    ]
