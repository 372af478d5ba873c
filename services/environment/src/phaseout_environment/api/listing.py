"""Lists of aggregates, narrowed by the filters and the caller's jurisdiction, a page at a time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from phaseout_shared.aggregates import Filters, Repository
from phaseout_shared.deps import Page, PageParams, Work
from phaseout_shared.params import DistrictQ, IndustryQ, UsccQ

__all__ = ["DistrictQ", "IndustryQ", "UsccQ"]


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
