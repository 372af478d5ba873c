"""The year's list of enterprises to inspect (节能监察执法企业清单): publish it, add to it.

Publishing builds the list from the planned entries and every failure of an earlier year not yet
resolved (carried over). A city officer of miit or drc publishes it once a year; an officer
covering an enterprise's district may add that enterprise later.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict

from phaseout_energy.adapters.tables import INSPECTION_LISTS, unresolved_cases
from phaseout_energy.app.desk import DESK
from phaseout_energy.domain.inspection_list import (
    InspectionList,
    ListEntry,
    build_inspection_list,
)
from phaseout_shared import register
from phaseout_shared.city_time import refuse_future
from phaseout_shared.contracts.energy import InspectionListEntryAdded
from phaseout_shared.domain.aggregate import refusing_invalid_input
from phaseout_shared.domain.errors import Conflict
from phaseout_shared.reference import CITY
from phaseout_shared.unit_of_work import UnitOfWork


class PlannedEntry(BaseModel):
    """An enterprise to inspect, what is required of it (工作要求) and by when (时间表)."""

    model_config = ConfigDict(frozen=True)

    uscc: str
    requirements: tuple[str, ...]
    due_on: date


async def _entry(work: UnitOfWork, planned: PlannedEntry) -> ListEntry:
    enterprise = await register.get(work.session, planned.uscc)
    with refusing_invalid_input():
        return ListEntry(
            district=enterprise.district, industry=enterprise.industry, **planned.model_dump()
        )


async def _emit(work: UnitOfWork, inspection_list: InspectionList) -> None:
    for event in inspection_list.pull_events():
        assert isinstance(event, InspectionListEntryAdded)
        await work.emit([event], subject=event.uscc)


async def publish(
    work: UnitOfWork,
    year: int,
    planned: Sequence[PlannedEntry],
    *,
    published_on: date,
    follow_up_due_on: date | None,
) -> InspectionList:
    """Publish the year's list, carrying over the unresolved failures of earlier years."""
    DESK.authorise(work, CITY)
    refuse_future(work, published_on=published_on)
    entries = [await _entry(work, p) for p in planned]
    inspection_list = build_inspection_list(
        year,
        entries,
        await unresolved_cases(work.session),
        published_on=published_on,
        follow_up_due_on=follow_up_due_on,
    )
    try:
        await work.store(INSPECTION_LISTS).add(inspection_list)
    except Conflict:
        raise Conflict(
            f"the {year} list is already published; add entries to it instead",
            field="year",
            rule="energy.inspection_list.one_per_year",
        ) from None
    await _emit(work, inspection_list)
    await work.audit(
        "inspection_list.publish",
        str(year),
        {"published_on": published_on.isoformat(), "entries": len(inspection_list.entries)},
    )
    return inspection_list


async def add_entry(
    work: UnitOfWork, year: int, planned: PlannedEntry, *, effective_on: date
) -> InspectionList:
    """Put one more enterprise on a published list."""
    inspection_list = await work.store(INSPECTION_LISTS).get(str(year))
    entry = await _entry(work, planned)
    DESK.authorise(work, entry.district)
    refuse_future(work, effective_on=effective_on)
    inspection_list.add(entry, effective_on=effective_on)
    await work.store(INSPECTION_LISTS).save(inspection_list)
    await _emit(work, inspection_list)
    await work.audit(
        "inspection_list.add_entry", f"{year}/{entry.uscc}", planned.model_dump(mode="json")
    )
    return inspection_list
