"""The limits of the catalogue: which standard sets which concentration limit (排放限值).

Table 2 names standards and requirements, not figures. A figure is shipped only where a published
value could be cited, with its source; every other limit has `limit` null and status
`awaiting_agency` until mee loads it by amendment. Air limits are in mg/m³, water limits in
mg/L, and every limit is a ceiling: a concentration at the limit is within it (不高于).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Self

from pydantic import BaseModel, Field, model_validator

from phaseout_shared.contracts.environment import AmendmentKind, Basin, Medium
from phaseout_shared.domain import catalogue as versioned
from phaseout_shared.domain.catalogue import FROZEN
from phaseout_shared.domain.catalogue import LimitStatus as LimitStatus
from phaseout_shared.domain.catalogue import Source as Source
from phaseout_shared.reference import Agency, Industry

UNITS = {Medium.AIR: "mg/m³", Medium.WATER: "mg/L"}
"""The unit of every limit of a medium."""


class Limit(BaseModel):
    """One pollutant at one kind of outlet, and its figure once loaded."""

    model_config = FROZEN

    id: str = Field(min_length=1, max_length=80)
    medium: Medium
    facility_zh: str = Field(min_length=1)
    facility_en: str = Field(min_length=1)
    pollutant_zh: str = Field(min_length=1)
    pollutant_en: str = Field(min_length=1)
    unit: str
    limit: Decimal | None = Field(default=None, ge=0)
    status: LimitStatus = LimitStatus.AWAITING_AGENCY
    source: Source | None = None
    effective_from: date | None = None
    amended_by: Agency | None = None
    officer: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _sourced_in_its_unit(self) -> Self:
        if self.unit != UNITS[self.medium]:
            raise ValueError(f"{self.id}: {self.medium} limits are in {UNITS[self.medium]}")
        if (self.status is LimitStatus.LOADED) != (self.limit is not None):
            raise ValueError(f"{self.id}: status loaded if and only if a limit is set")
        if self.limit is not None and self.source is None:
            raise ValueError(f"{self.id}: a figure needs its source")
        return self

    @property
    def name(self) -> str:
        return f"{self.pollutant_zh} ({self.pollutant_en}) at {self.facility_zh}"


class Standard(BaseModel):
    """A standard (or a requirement such as 超低排放) that Table 2 applies to some industries.

    A provincial standard the plan awaits (待…印发后遵照执行) is `pending_publication`, with no
    limits until mee adds them once it is published.
    """

    model_config = FROZEN

    id: str = Field(min_length=1, max_length=60)
    code: str | None = None
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    industries: tuple[Industry, ...] = Field(min_length=1)
    basins: tuple[Basin, ...] = ()
    requirements: tuple[str, ...] = Field(min_length=1)
    pending_publication: bool = False
    effective_from: date | None = None
    dates_source: Source | None = None
    scope_source: Source | None = None
    note: str | None = None
    limits: tuple[Limit, ...] = ()

    @model_validator(mode="after")
    def _pending_has_no_limits(self) -> Self:
        if self.pending_publication and self.limits:
            raise ValueError(f"{self.id}: a standard pending publication has no limits")
        return self

    @property
    def name(self) -> str:
        return f"{self.code} {self.title_zh}" if self.code else self.title_zh

    def in_force_from(self, limit: Limit) -> date | None:
        """The first day a limit applies: its own date, or its standard's."""
        return limit.effective_from or self.effective_from


class Amendment(BaseModel):
    """mee sets a limit awaiting it (or corrects one), or adds a limit a standard lacks."""

    model_config = FROZEN

    kind: AmendmentKind
    standard: str = Field(min_length=1)
    limit_id: str = Field(min_length=1, max_length=80)
    limit: Decimal = Field(ge=0)
    unit: str
    source: Source
    effective_from: date
    amended_by: Agency
    officer: str = Field(min_length=1)
    reason: str = ""
    standard_code: str | None = Field(default=None, min_length=1, max_length=60)
    medium: Medium | None = None
    facility_zh: str | None = None
    facility_en: str | None = None
    pollutant_zh: str | None = None
    pollutant_en: str | None = None


class AmendmentRecord(versioned.AmendmentRecord[Amendment]):
    """One step of the trail: the amendment that made `version`."""


class LimitListing(BaseModel):
    """One limit as listed: loaded with its source, or awaiting the agency."""

    model_config = FROZEN

    standard: str
    standard_name: str
    industries: tuple[Industry, ...]
    basins: tuple[Basin, ...]
    limit_id: str
    medium: Medium
    facility: str
    pollutant: str
    unit: str
    limit: Decimal | None
    status: LimitStatus
    source: str | None
    effective_from: date | None

    @classmethod
    def of(cls, standard: Standard, limit: Limit) -> LimitListing:
        return cls(
            standard=standard.id,
            standard_name=standard.name,
            industries=standard.industries,
            basins=standard.basins,
            limit_id=limit.id,
            medium=limit.medium,
            facility=f"{limit.facility_zh} ({limit.facility_en})",
            pollutant=f"{limit.pollutant_zh} ({limit.pollutant_en})",
            unit=limit.unit,
            limit=limit.limit,
            status=limit.status,
            source=limit.source.cite() if limit.source else None,
            effective_from=standard.in_force_from(limit),
        )
