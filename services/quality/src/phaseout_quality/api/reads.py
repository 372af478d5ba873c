"""What the quality routes share: the shared query and path parameters, and reading one
aggregate by id within the caller's jurisdiction (lists use `aggregates.list_page`)."""

from __future__ import annotations

from phaseout_shared.params import DistrictQ, IndustryQ, UsccPath, UsccQ
from phaseout_shared.params import read_one as one_of

__all__ = ["DistrictQ", "IndustryQ", "UsccPath", "UsccQ", "one_of"]
