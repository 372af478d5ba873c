"""Who sees what in the aggregator (DESIGN.md, Security; DOMAIN.md, Who uses it).

The city bureau (miit, city level) and the city government see everything; a district
government sees its own district; an agency sees what concerns its dimensions, city-wide or, for
its district officers, in their district; the public sees only the disclosure list.
"""

from __future__ import annotations

from dataclasses import dataclass

from phaseout_shared.auth import Principal
from phaseout_shared.domain.errors import Forbidden
from phaseout_shared.reference import CITY, CITY_BUREAU, OWNERS, Dimension


@dataclass(frozen=True)
class Scope:
    """The dimensions and district a caller may read; None means all."""

    dimensions: frozenset[str] | None
    district: str | None

    def covers(self, dimension: str, district: str) -> bool:
        return (self.dimensions is None or dimension in self.dimensions) and (
            self.district is None or self.district == district
        )

    def check_district(self, district: str | None) -> None:
        if district is not None and self.district not in (None, district):
            raise Forbidden(f"{district} is outside the caller's jurisdiction", field="district")

    def check_dimension(self, dimension: str | None) -> None:
        if (
            dimension is not None
            and self.dimensions is not None
            and dimension not in self.dimensions
        ):
            raise Forbidden(f"the {dimension} dimension is not the caller's", field="dimension")


def scope_of(principal: Principal) -> Scope:
    district = None if principal.jurisdiction == CITY else str(principal.jurisdiction)
    if principal.agency is None or (principal.agency == CITY_BUREAU and district is None):
        return Scope(None, district)
    dims = frozenset(d.value for d in Dimension if principal.agency in OWNERS[d])
    return Scope(dims, district)
