"""What the energy routes share: query parameters, paging a query (`aggregates.page_of`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from phaseout_shared.aggregates import page_of
from phaseout_shared.limits import Day
from phaseout_shared.params import DistrictQ, IndustryQ, UsccPath, UsccQ

__all__ = ["AsOf", "DistrictQ", "IndustryQ", "UsccPath", "UsccQ", "as_of", "page_of"]


def as_of(description: str) -> Any:
    """A query parameter naming the day an answer is for (use with `Day`)."""
    return Query(description=description)


AsOf = Annotated[Day, as_of("The day the answer is for")]
