"""The quality service's HTTP API for production licences (生产许可证) and the requests to their
issuers to cancel them (提请注销): thin routes that delegate to `app.licences`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from phaseout_quality.adapters.tables import LICENCES, REQUESTS
from phaseout_quality.api import schemas as s
from phaseout_quality.app import licences
from phaseout_quality.domain.cancellation import CancellationRequest
from phaseout_quality.domain.licence import ProductionLicence
from phaseout_shared.aggregates import list_page
from phaseout_shared.contracts.quality import LicenceStatus, RequestState
from phaseout_shared.deps import Page, Paging, Work, versioned
from phaseout_shared.limits import Day
from phaseout_shared.params import UsccPath, Where, read_one
from phaseout_shared.unit_of_work import UnitOfWork

router = APIRouter(prefix="/v1")


LicenceWork = Annotated[UnitOfWork, versioned("licences")]
RequestWork = Annotated[UnitOfWork, versioned("cancellation_requests")]
"""Units of work of the routes on one resource: its `ETag`, and the caller's `If-Match`."""


@router.post("/enterprises/{uscc}/licences", tags=["licences"], status_code=status.HTTP_201_CREATED)
async def record_licence(uscc: UsccPath, body: s.LicenceIn, work: Work) -> ProductionLicence:
    """Record a production licence of an enterprise (生产许可资质检查)."""
    async with work:
        return await licences.record_licence(
            work,
            uscc=uscc,
            number=body.licence_number,
            products=body.products,
            issuer=body.issuer,
            valid_from=body.valid_from,
            valid_until=body.valid_until,
            effective_on=body.effective_on,
        )


@router.get("/licences", tags=["licences"])
async def list_licences(
    work: Work,
    paging: Paging,
    where: Where,
    state: Annotated[LicenceStatus | None, Query()] = None,
    expired_as_of: Annotated[
        Day | None, Query(description="Valid licences whose last day is before this day")
    ] = None,
) -> Page[ProductionLicence]:
    filters = where.filters(state, expired_as_of)
    return await list_page(LICENCES, work, paging, filters)


@router.get("/licences/{number}", tags=["licences"])
async def read_licence(number: str, work: LicenceWork) -> ProductionLicence:
    return await read_one(LICENCES, work, number)


@router.post(
    "/licences/{number}/cancellation-requests",
    tags=["licences"],
    status_code=status.HTTP_201_CREATED,
)
async def request_cancellation(
    number: str, body: s.CancellationRequestIn, work: Work
) -> CancellationRequest:
    """Ask the issuing authority to cancel the licence of an enterprise shut down by law."""
    async with work:
        return await licences.request_cancellation(work, number, **body.model_dump())


@router.get("/cancellation-requests", tags=["licences"])
async def list_cancellation_requests(
    work: Work,
    paging: Paging,
    where: Where,
    state: Annotated[RequestState | None, Query()] = None,
) -> Page[CancellationRequest]:
    return await list_page(REQUESTS, work, paging, where.filters(state))


@router.get("/cancellation-requests/{request_id}", tags=["licences"])
async def read_cancellation_request(request_id: str, work: RequestWork) -> CancellationRequest:
    return await read_one(REQUESTS, work, request_id)


@router.post("/cancellation-requests/{request_id}/answer", tags=["licences"])
async def record_answer(
    request_id: str, body: s.AnswerIn, work: RequestWork
) -> CancellationRequest:
    """The issuing authority acted: the licence cancelled (注销), or the request declined."""
    async with work:
        return await licences.record_answer(work, request_id, **body.model_dump())
