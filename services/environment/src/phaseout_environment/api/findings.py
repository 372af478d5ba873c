"""Routes that find violations: measurements, equipment, violations stated by the officer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from phaseout_environment.adapters.tables import EQUIPMENT, MEASUREMENTS
from phaseout_environment.api import schemas as s
from phaseout_environment.app import findings as commands
from phaseout_environment.domain.case import EnvironmentCase
from phaseout_environment.domain.measurement import RecordedMeasurement
from phaseout_environment.domain.survey import EquipmentState, SurveyedEquipment
from phaseout_shared.aggregates import list_page
from phaseout_shared.contracts.environment import MeasurementVerdict
from phaseout_shared.deps import Page, Paging, Work, versioned
from phaseout_shared.limits import Day
from phaseout_shared.params import UsccPath, Where
from phaseout_shared.unit_of_work import UnitOfWork

router = APIRouter(prefix="/v1")
CREATED = status.HTTP_201_CREATED


EquipmentWork = Annotated[UnitOfWork, versioned("equipment")]
"""Units of work of the routes on one resource: its `ETag`, and the caller's `If-Match`."""


@router.post("/enterprises/{uscc}/measurements", tags=["measurements"], status_code=CREATED)
async def record_measurement(
    uscc: UsccPath, body: s.MeasurementIn, work: Work
) -> RecordedMeasurement:
    """Judge a measured concentration against its limit; over it, a case opens at once."""
    async with work:
        return await commands.record_measurement(work, uscc=uscc, **body.model_dump())


@router.get("/measurements", tags=["measurements"])
async def list_measurements(
    work: Work,
    paging: Paging,
    where: Where,
    verdict: Annotated[MeasurementVerdict | None, Query()] = None,
) -> Page[RecordedMeasurement]:
    return await list_page(MEASUREMENTS, work, paging, where.filters(verdict))


@router.post("/enterprises/{uscc}/equipment", tags=["equipment"], status_code=CREATED)
async def survey_equipment(uscc: UsccPath, body: s.EquipmentIn, work: Work) -> SurveyedEquipment:
    """Judge an item against Table 2; an eliminated one opens a case, a coal boiler to convert
    goes on the conversion list."""
    async with work:
        return await commands.survey_equipment(work, uscc=uscc, **body.model_dump())


@router.post("/enterprises/{uscc}/equipment/{item_id}/conversion", tags=["equipment"])
async def record_conversion(
    uscc: UsccPath, item_id: str, body: s.ConversionIn, work: EquipmentWork
) -> SurveyedEquipment:
    """The coal-fired item now runs on clean energy (清洁能源改造 / 煤改气)."""
    async with work:
        return await commands.record_conversion(
            work, uscc=uscc, item_id=item_id, **body.model_dump()
        )


@router.get("/equipment", tags=["equipment"])
async def list_equipment(
    work: Work,
    paging: Paging,
    where: Where,
    state: Annotated[EquipmentState | None, Query()] = None,
    overdue_as_of: Annotated[
        Day | None, Query(description="Conversions due before this date, not yet done")
    ] = None,
) -> Page[SurveyedEquipment]:
    filters = where.filters(state, overdue_as_of)
    return await list_page(EQUIPMENT, work, paging, filters)


@router.post("/enterprises/{uscc}/violations", tags=["cases"], status_code=CREATED)
async def record_violation(uscc: UsccPath, body: s.ViolationIn, work: Work) -> EnvironmentCase:
    """A violation the officer found (solid waste, total quantity, permits): a case opens."""
    async with work:
        return await commands.record_violation(
            work,
            uscc=uscc,
            kind=body.violation,
            findings=body.findings,
            effective_on=body.effective_on,
        )
