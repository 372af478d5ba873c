"""The year's list of enterprises to inspect (节能监察执法企业清单), requirements and timetable."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel

from phaseout_energy.adapters.tables import INSPECTION_LISTS
from phaseout_energy.api import schemas as s
from phaseout_energy.api.deps import DistrictQ, IndustryQ
from phaseout_energy.app import inspection_lists
from phaseout_energy.domain.inspection_list import InspectionList, ListEntry
from phaseout_shared.deps import Page, Paging, versioned
from phaseout_shared.reference import Industry
from phaseout_shared.unit_of_work import UnitOfWork

router = APIRouter(prefix="/v1/inspection-lists", tags=["inspection lists"])
PLANNED = {"uscc", "requirements", "due_on"}
Year = Annotated[int, Path(ge=2000, le=2100, description="The year of the list")]


class ListPage(Page[ListEntry]):
    """A page of a year's entries, and the key industries the whole list leaves uncovered."""

    year: int
    uncovered_industries: tuple[Industry, ...]


def _planned(entry: s.ListEntryIn) -> inspection_lists.PlannedEntry:
    return inspection_lists.PlannedEntry(**entry.model_dump(include=PLANNED))


class Published(BaseModel):
    year: int
    entries: int
    carried_over: int


def _summary(inspection_list: InspectionList) -> Published:
    return Published(
        year=inspection_list.year,
        entries=len(inspection_list.entries),
        carried_over=sum(e.carried_over for e in inspection_list.entries),
    )


ListWork = Annotated[UnitOfWork, versioned("inspection_lists")]


@router.post("/{year}", status_code=status.HTTP_201_CREATED)
async def publish(year: Year, body: s.InspectionListIn, work: ListWork) -> Published:
    """Publish the year's list (city officers of miit or drc), carrying over every failure of
    an earlier year not yet rectified or exited."""
    async with work:
        published = await inspection_lists.publish(
            work,
            year,
            [_planned(e) for e in body.entries],
            published_on=body.published_on,
            follow_up_due_on=body.follow_up_due_on,
        )
    return _summary(published)


@router.post("/{year}/entries", status_code=status.HTTP_201_CREATED)
async def add_entry(year: Year, body: s.ListEntryAddIn, work: ListWork) -> Published:
    async with work:
        changed = await inspection_lists.add_entry(
            work, year, _planned(body), effective_on=body.effective_on
        )
    return _summary(changed)


@router.get("/{year}")
async def read_list(
    year: Year,
    work: ListWork,
    paging: Paging,
    district: DistrictQ = None,
    industry: IndustryQ = None,
    carried_over: Annotated[bool | None, Query()] = None,
) -> ListPage:
    """The entries a caller may read (a district officer: the district's), filtered, paged."""
    async with work:
        found = await work.store(INSPECTION_LISTS).look(str(year))
    principal = work.principal
    entries = [
        e
        for e in found.entries
        if (principal is None or principal.covers(e.district))
        and (district is None or e.district is district)
        and (industry is None or e.industry is industry)
        and (carried_over is None or e.carried_over is carried_over)
    ]
    return ListPage(
        year=year,
        items=entries[paging.offset : paging.offset + paging.limit],
        total=len(entries),
        limit=paging.limit,
        offset=paging.offset,
        uncovered_industries=found.uncovered_industries(),
    )
