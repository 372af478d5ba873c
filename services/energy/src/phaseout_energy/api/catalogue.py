"""The limits catalogue and assessments: Table 1 as versioned data, and questions put to it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from phaseout_energy.adapters import catalogue_versions as versions
from phaseout_energy.api import schemas as s
from phaseout_energy.api.deps import IndustryQ
from phaseout_energy.app import catalogue
from phaseout_energy.domain.assess import Assessment
from phaseout_energy.domain.catalogue import (
    AmendmentRecord,
    Catalogue,
    LimitStatus,
)
from phaseout_shared.auth import RECORDS_NOTHING
from phaseout_shared.contracts.energy import CatalogueAmended
from phaseout_shared.deps import Work
from phaseout_shared.scope import READ_BY_ANYONE

router = APIRouter(prefix="/v1", tags=["catalogue"])
VersionQ = Annotated[
    int | None, Query(ge=1, le=2**31 - 1, description="A version; default: the current one")
]


@router.get("/catalogue", openapi_extra=READ_BY_ANYONE)
async def list_catalogue(
    work: Work,
    version: VersionQ = None,
    industry: IndustryQ = None,
    status: Annotated[LimitStatus | None, Query(description="loaded or awaiting_agency")] = None,
) -> catalogue.CatalogueListing:
    """Every indicator of Table 1, saying which figures are loaded and which await the agency."""
    async with work:
        shown = await (
            versions.current(work.session)
            if version is None
            else versions.version(work.session, version)
        )
    return catalogue.listing(shown, industry=industry, status=status)


@router.get("/catalogue/versions/{version}", openapi_extra=READ_BY_ANYONE)
async def read_version(version: Annotated[int, Path(ge=1, le=2**31 - 1)], work: Work) -> Catalogue:
    """A whole version, with the amendments that made it (its audit trail)."""
    async with work:
        return await versions.version(work.session, version)


@router.get("/catalogue/amendments", openapi_extra=READ_BY_ANYONE)
async def list_amendments(work: Work) -> list[AmendmentRecord]:
    """Every amendment, oldest first, with the version each one made."""
    async with work:
        return list(await catalogue.history(work))


@router.post(
    "/catalogue/amendments", status_code=status.HTTP_201_CREATED, response_model=CatalogueAmended
)
async def amend(body: s.AmendmentIn, work: Work) -> CatalogueAmended:
    """miit or drc (city officers) load or correct a figure, or add an indicator."""
    async with work:
        return await catalogue.amend(work, body.model_dump())


@router.post("/assessments", tags=["assessments"], openapi_extra=RECORDS_NOTHING)
async def assess(body: s.AssessmentIn, work: Work) -> Assessment:
    """Judge one reading against its limit, recording nothing.

    Dyeing and lead-acid batteries have no national energy limit: the answer is not_applicable,
    naming the dimensions that handle them instead.
    """
    async with work:
        return await catalogue.assessment(
            work,
            body.industry,
            body.indicator_id,
            body.measured_value,
            body.unit,
            new_plant=body.new_plant,
            on=body.on,
        )
