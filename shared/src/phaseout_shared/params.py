"""The query and path parameters every service's routes share, with their descriptions, and the
read of one aggregate by id within the caller's jurisdiction."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, TypeVar
from uuid import UUID

from fastapi import Path, Query
from pydantic import BaseModel, Field

from phaseout_shared.aggregates import A, Filters, Repository
from phaseout_shared.contracts.supersession import Superseded
from phaseout_shared.limits import Day
from phaseout_shared.reference import USCC, District, Industry
from phaseout_shared.unit_of_work import UnitOfWork

DistrictQ = Annotated[District | None, Query(description="District code")]
IndustryQ = Annotated[Industry | None, Query(description="Industry code")]
UsccQ = Annotated[USCC | None, Query(description="Unified social credit code")]
OVERDUE_AS_OF = "Only what was due before this date and is still open"
OverdueAsOfQ = Annotated[Day | None, Query(description=OVERDUE_AS_OF)]


class SiteParams(BaseModel):
    """What every list is narrowed by: the enterprise, its district and its industry."""

    uscc: USCC | None = Field(None, description="Unified social credit code")
    district: District | None = Field(None, description="District code")
    industry: Industry | None = Field(None, description="Industry code")

    def filters(self, state: str | None = None, overdue_as_of: date | None = None) -> Filters:
        """These and a list's own filters, for `Repository.query`."""
        return Filters(self.uscc, self.district, self.industry, state, overdue_as_of)


Where = Annotated[SiteParams, Query()]
"""A list route's `uscc`, `district` and `industry` query parameters."""
S = TypeVar("S", bound=StrEnum)
SupersedableStateQ = Annotated[
    S | Superseded | None, Query(description="The case's state, or superseded")
]
"""The state filter of a list of cases that a shutdown elsewhere can supersede:
`SupersedableStateQ[CaseState]`."""
UsccPath = Annotated[USCC, Path(description="Unified social credit code")]
CaseId = Annotated[UUID, Path(description="The case (a UUID)")]


async def read_one(repository: Repository[A], work: UnitOfWork, id_: str | UUID) -> A:
    """One aggregate by id; a district's officers read only their own district's (403)."""
    async with work:
        return await repository.read(work.session, str(id_), work.principal)
