"""What the quality routes share: query and path parameters, and reading one aggregate by id
within the caller's jurisdiction (lists use `phaseout_shared.aggregates.list_page`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from phaseout_shared.aggregates import A, Repository
from phaseout_shared.reference import USCC, District, Industry
from phaseout_shared.unit_of_work import UnitOfWork

DistrictQ = Annotated[District | None, Query(description="District code")]
IndustryQ = Annotated[Industry | None, Query(description="Industry code")]
UsccQ = Annotated[USCC | None, Query(description="Unified social credit code")]
UsccPath = Annotated[USCC, Path(description="Unified social credit code")]


async def one_of(repo: Repository[A], work: UnitOfWork, id_: str) -> A:
    """One aggregate by id; a district's officers read only their own district's."""
    async with work:
        return await repo.read(work.session, id_, work.principal)
