"""Routes of the catalogue: Table 2 and the limits as they stand, and mee's amendments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from phaseout_environment.adapters.tables import current_catalogue
from phaseout_environment.api import schemas as s
from phaseout_environment.api.listing import IndustryQ
from phaseout_environment.app.catalogue import amend_catalogue
from phaseout_environment.domain.catalogue import Catalogue
from phaseout_environment.domain.limits import LimitListing, LimitStatus
from phaseout_shared.deps import Work
from phaseout_shared.scope import READ_BY_ANYONE

router = APIRouter(prefix="/v1/catalogue", tags=["catalogue"])


@router.get("", openapi_extra=READ_BY_ANYONE)
async def read_catalogue(work: Work) -> Catalogue:
    """The current version: the plan's requirements, grounds, equipment rules and limits."""
    async with work:
        return await current_catalogue(work.session)


@router.get("/limits", openapi_extra=READ_BY_ANYONE)
async def list_limits(
    work: Work,
    industry: IndustryQ = None,
    status_: Annotated[LimitStatus | None, Query(alias="status")] = None,
) -> list[LimitListing]:
    """Every limit: loaded with its source, or awaiting mee (`status=awaiting_agency`)."""
    async with work:
        catalogue = await current_catalogue(work.session)
    return list(catalogue.listing(industry, status_))


@router.post("/amendments", status_code=status.HTTP_201_CREATED)
async def amend(body: s.AmendmentIn, work: Work) -> Catalogue:
    """mee (city level) loads a figure or adds a limit: the next catalogue version."""
    async with work:
        return await amend_catalogue(work, body.model_dump())
