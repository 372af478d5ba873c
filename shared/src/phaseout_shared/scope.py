"""Who sees what (DESIGN.md, Security; README, "Who sees what"): the one read check of every
by-id read, list and export, in the five agency services and the aggregator.

Every fact has an owner, the dimension whose agency recorded it, and a district, the one its
owner recorded it in: an agency service copies the district from its own register entry of the
enterprise into each record and each event of that enterprise (a case, an item, a disclosure, a
referral). The aggregator files each fact under the district its own event names (for the few
events that name none, under the owner's own register entry of the enterprise), never under
another agency's record of the same code: a registration elsewhere is a conflict for the city
bureau, not a key to another district's facts.

A caller sees a fact when it is
- the city bureau (`miit`, city) or the city government (no agency, city): every fact;
- a district government (no agency): every fact its district's agencies recorded in it;
- an agency's officer: the facts of the dimensions the agency owns (`reference.OWNERS`), all
  of them for a city officer, the district's for a district officer.

A referral is read by its parties only: its receiver, its sender (the agencies that lead the
sending dimension, `writes.LEADS`), the city bureau, and the government of its district.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlalchemy import ColumnElement, or_

from phaseout_shared.auth import Principal, principal_of
from phaseout_shared.domain.errors import Forbidden
from phaseout_shared.reference import CITY, CITY_BUREAU, OWNERS, Agency, Dimension
from phaseout_shared.writes import LEADS


@dataclass(frozen=True)
class Scope:
    """The dimensions and the district a caller reads (None: all), and the caller's agency."""

    dimensions: frozenset[str] | None
    district: str | None
    agency: Agency | None = None

    @classmethod
    def of(cls, principal: Principal) -> Scope:
        district = None if principal.jurisdiction == CITY else str(principal.jurisdiction)
        agency = principal.agency
        if agency is None or (agency == CITY_BUREAU and district is None):
            return cls(None, district, agency)
        return cls(frozenset(d.value for d in Dimension if agency in OWNERS[d]), district, agency)

    def covers(self, dimension: str, district: str | None) -> bool:
        """Whether the caller reads a fact of `dimension` recorded in `district`."""
        return (self.dimensions is None or dimension in self.dimensions) and (
            self.district is None or self.district == district
        )

    def check(self, dimension: str, district: str | None) -> None:
        """Forbidden unless the caller reads this fact (for a read by id)."""
        self.check_reader_of(dimension)
        if self.district is not None and self.district != district:
            raise Forbidden(
                f"an officer of {self.district} cannot read {district or 'a city-wide record'}",
                field="district",
            )

    def check_reader_of(self, dimension: str) -> None:
        """Forbidden to an agency that owns nothing in the dimension."""
        if self.dimensions is not None and dimension not in self.dimensions:
            raise Forbidden(
                f"agency {self.agency} reads nothing in the {dimension} dimension", field="agency"
            )

    def check_district(self, district: str | None) -> None:
        """A filter on a district outside the caller's is refused, not answered empty."""
        if district is not None and self.district not in (None, district):
            raise Forbidden(f"{district} is outside the caller's jurisdiction", field="district")

    def check_dimension(self, dimension: str | None) -> None:
        """A filter on a dimension outside the caller's is refused, not answered empty."""
        if (
            dimension is not None
            and self.dimensions is not None
            and dimension not in self.dimensions
        ):
            raise Forbidden(f"the {dimension} dimension is not the caller's", field="dimension")

    def reads_referral(self, sender: str, receiver: str, district: str) -> bool:
        """Whether the caller is a party to a referral (or its city bureau or government)."""
        if self.district is not None and self.district != district:
            return False
        if self.dimensions is None:
            return True
        leads = next((a for d, a in LEADS.items() if d.value == sender), frozenset())
        return self.agency == receiver or self.agency in leads

    def check_referral(self, sender: str, receiver: str, district: str) -> None:
        if not self.reads_referral(sender, receiver, district):
            raise Forbidden(
                "a referral is read by its sender, its receiver, the city bureau and its "
                "district's government only",
                field="agency" if self.agency is not None else "district",
            )

    def referral_filter(
        self, *, sender: Any, receiver: Any, district: Any
    ) -> list[ColumnElement[bool]]:
        """The same rule as `reads_referral`, as conditions on a query's columns."""
        conditions: list[ColumnElement[bool]] = []
        if self.district is not None:
            conditions.append(district == self.district)
        if self.dimensions is not None:
            led = sorted(d.value for d, agencies in LEADS.items() if self.agency in agencies)
            conditions.append(or_(receiver == str(self.agency), sender.in_(led)))
        return conditions


def authorise_read(principal: Principal | None, district: str | None) -> None:
    """Forbidden unless the caller's jurisdiction covers the district a fact was recorded in
    (at an agency service, whose read gate has already checked the dimension)."""
    if principal is not None and not principal.covers(str(district)):
        raise Forbidden(
            f"an officer of {principal.jurisdiction} cannot read "
            f"{district or 'a city-wide record'}",
            field="district",
        )


READ_BY_ANYONE = {"x-read-by": "anyone"}
"""`openapi_extra` of a read of reference data (a catalogue): any authenticated caller."""
READ_BY_PARTIES = {"x-read-by": "parties"}
"""`openapi_extra` of a read of referrals: each one is checked against its parties."""


def readers_only(dimension: Dimension) -> Callable[[Request], Awaitable[None]]:
    """A gate before every read of a dimension's service: 401 without a valid token, 403 for an
    agency that owns nothing in the dimension. Districts are checked by the reads themselves:
    lists filter by the caller's district (`aggregates.Repository.query`), reads by id call
    `authorise_read`."""

    async def gate(request: Request) -> None:
        if request.method != "GET":
            return
        extra = getattr(request.scope.get("route"), "openapi_extra", None) or {}
        if extra.get("x-read-by") in ("anyone", "parties"):
            return
        Scope.of(await principal_of(request)).check_reader_of(dimension.value)

    return gate
