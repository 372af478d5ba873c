"""The energy service's tables: inspections, cases, pricing measures, inspection lists, and the
versions of the limits catalogue.

Cases, measures and lists are aggregates kept as JSON with the columns lists filter on. A case's
`due_on` is what it waits for: the rectification deadline while rectifying (the missed one once
overdue), the exit date of a shutdown order; a measure's `effective_on` and `due_on` are its
first and last day; a year's list is keyed by its year.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Column, DateTime, Integer, MetaData, Table, or_, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_energy.domain.case import CLOSED, EnergyCase
from phaseout_energy.domain.inspection import RecordedInspection
from phaseout_energy.domain.inspection_list import InspectionList
from phaseout_energy.domain.pricing import PricingMeasure
from phaseout_shared.aggregates import Repository, aggregate_table, row_columns
from phaseout_shared.contracts.energy import CaseState

METADATA = MetaData()

inspections = aggregate_table("inspections", METADATA)
cases = aggregate_table("cases", METADATA)
pricing_measures = aggregate_table("pricing_measures", METADATA)
inspection_lists = aggregate_table("inspection_lists", METADATA)
catalogue_versions = Table(
    "catalogue_versions",
    METADATA,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("doc", JSONB, nullable=False),
)
"""Versions 2 and up of the limits catalogue, each whole; version 1 is `limits.json`."""

WAITING = (CaseState.RECTIFYING, CaseState.OVERDUE, CaseState.SHUTDOWN_ORDERED)
"""The states in which a case waits for an act by a date (`overdue_as_of` lists)."""


def _inspection_columns(recorded: RecordedInspection) -> dict[str, Any]:
    inspection = recorded.inspection
    return row_columns(
        inspection,
        str(inspection.inspection_id),
        recorded.assessment.verdict,
        inspection.effective_on,
    )


def _case_due_on(case: EnergyCase) -> date | None:
    if case.state in (CaseState.RECTIFYING, CaseState.OVERDUE):
        return case.deadline.due_on
    return case.exit_by if case.state is CaseState.SHUTDOWN_ORDERED else None


def _case_columns(case: EnergyCase) -> dict[str, Any]:
    return row_columns(case, str(case.case_id), case.state, case.last_act_on, _case_due_on(case))


def _measure_columns(measure: PricingMeasure) -> dict[str, Any]:
    return row_columns(
        measure,
        str(measure.measure_id),
        "ended" if measure.ended else "recorded",
        measure.starts_on,
        measure.ends_on,
    )


def _list_columns(inspection_list: InspectionList) -> dict[str, Any]:
    return {
        "id": str(inspection_list.year),
        "uscc": None,
        "district": None,
        "industry": None,
        "state": "published",
        "due_on": None,
        "effective_on": date(inspection_list.year, 1, 1),
    }


INSPECTIONS = Repository(inspections, RecordedInspection, _inspection_columns)
CASES = Repository(cases, EnergyCase, _case_columns, open_states=WAITING)
PRICING_MEASURES = Repository(pricing_measures, PricingMeasure, _measure_columns)
INSPECTION_LISTS = Repository(inspection_lists, InspectionList, _list_columns)


async def unresolved_cases(session: AsyncSession, uscc: str | None = None) -> list[EnergyCase]:
    """Cases neither rectified nor exited, of one enterprise or of all."""
    query = select(cases.c.doc).where(cases.c.state.not_in(list(CLOSED)))
    if uscc is not None:
        query = query.where(cases.c.uscc == uscc)
    rows = await session.scalars(query.order_by(cases.c.id))
    return [EnergyCase.model_validate(doc) for doc in rows]


async def past_their_deadline(session: AsyncSession, as_of: date) -> list[str]:
    """The ids of rectifying cases whose deadline passed before `as_of` (the sweep's work)."""
    query = select(cases.c.id).where(cases.c.state == CaseState.RECTIFYING, cases.c.due_on < as_of)
    return list(await session.scalars(query.order_by(cases.c.id)))


def in_force_on(as_of: date) -> Any:
    """The measures whose first day is on or before `as_of` and whose last is on or after it."""
    t = pricing_measures
    return (t.c.effective_on <= as_of) & or_(t.c.due_on.is_(None), t.c.due_on >= as_of)
