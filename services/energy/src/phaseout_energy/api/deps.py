"""What the energy routes share: query parameters, paging a query."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from sqlalchemy import Select

from phaseout_shared.aggregates import A, Repository
from phaseout_shared.deps import Page, PageParams
from phaseout_shared.limits import Day
from phaseout_shared.params import DistrictQ, IndustryQ, UsccPath, UsccQ
from phaseout_shared.unit_of_work import UnitOfWork

__all__ = ["AsOf", "DistrictQ", "IndustryQ", "UsccPath", "UsccQ", "as_of", "page_of"]


def as_of(description: str) -> Any:
    """A query parameter naming the day an answer is for (use with `Day`)."""
    return Query(description=description)


AsOf = Annotated[Day, as_of("The day the answer is for")]


async def page_of(
    repo: Repository[A], work: UnitOfWork, paging: PageParams, query: Select[Any]
) -> Page[A]:
    """One page of a query over a repository, newest first, with the total."""
    async with work:
        items, total = await repo.page(work.session, query, paging.limit, paging.offset)
    return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)
