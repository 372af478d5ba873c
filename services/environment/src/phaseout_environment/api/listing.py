"""Lists of aggregates, narrowed by the filters and the caller's jurisdiction, a page at a time."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from sqlalchemy import ColumnElement

from phaseout_shared.aggregates import Filters, Repository
from phaseout_shared.deps import Page, PageParams, Work
from phaseout_shared.reference import District, Industry

DistrictQ = Annotated[District | None, Query(description="District code")]
IndustryQ = Annotated[Industry | None, Query(description="Industry code")]
UsccQ = Annotated[str | None, Query(max_length=18, description="Unified social credit code")]


async def page_where(
    repo: Repository[Any],
    work: Work,
    paging: PageParams,
    filters: Filters,
    narrow: ColumnElement[bool],
) -> Page[Any]:
    """`list_page` narrowed further by a condition of the repository's table."""
    async with work:
        query = repo.query(filters, work.principal).where(narrow)
        items, total = await repo.page(work.session, query, paging.limit, paging.offset)
    return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)
