"""Differential pricing measures (差别化能源资源价格): drc/miit electricity, water water."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from phaseout_energy.adapters.tables import PRICING_MEASURES, in_force_on, pricing_measures
from phaseout_energy.api import schemas as s
from phaseout_energy.api.deps import as_of, page_of
from phaseout_energy.app import pricing
from phaseout_energy.domain.pricing import PricingMeasure
from phaseout_shared.contracts.energy import PricingKind
from phaseout_shared.deps import Page, Paging, Work, versioned
from phaseout_shared.limits import Day
from phaseout_shared.params import Where
from phaseout_shared.unit_of_work import UnitOfWork

router = APIRouter(prefix="/v1/pricing-measures", tags=["pricing"])


MeasureWork = Annotated[UnitOfWork, versioned("pricing_measures")]


@router.post("", status_code=status.HTTP_201_CREATED)
async def record(body: s.PricingMeasureIn, work: Work) -> PricingMeasure:
    """Differential, tiered or punitive electricity prices (drc, miit), or progressive water
    pricing (water), applied to an enterprise's capacity from `starts_on`."""
    terms = pricing.PricingTerms(**body.model_dump(exclude={"uscc"}))
    async with work:
        return await pricing.record_measure(work, body.uscc, terms)


@router.post("/{measure_id}/end")
async def end(measure_id: UUID, body: s.PricingEndIn, work: MeasureWork) -> PricingMeasure:
    """The price stops applying after `ends_on`; only the agencies that may record its kind."""
    async with work:
        return await pricing.end_measure(work, measure_id, body.ends_on)


@router.get("")
async def list_measures(
    work: Work,
    paging: Paging,
    where: Where,
    kind: Annotated[PricingKind | None, Query()] = None,
    in_force_as_of: Annotated[Day | None, as_of("Only measures in force on this day")] = None,
) -> Page[PricingMeasure]:
    query = PRICING_MEASURES.query(where.filters(), work.principal)
    if kind is not None:
        query = query.where(pricing_measures.c.doc["kind"].astext == kind.value)
    if in_force_as_of is not None:
        query = query.where(in_force_on(in_force_as_of))
    return await page_of(PRICING_MEASURES, work, paging, query)
