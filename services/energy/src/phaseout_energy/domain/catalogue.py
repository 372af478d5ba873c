"""The limits catalogue: Table 1 of the plan as versioned data (能耗限额标准目录).

The plan names the mandatory standards of each industry, not their figures. The catalogue holds,
for every standard, its indicators (what is measured, in which unit, compared how) and — only
where a published value could be cited — the figure with its source. Every other indicator
awaits the energy agency, which loads it by amendment. A version never changes: an amendment
makes the next one, and each version keeps the trail of amendments that made it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Self

from pydantic import BaseModel, Field, model_validator

from phaseout_shared import writes
from phaseout_shared.catalogue_files import read_catalogue
from phaseout_shared.contracts.energy import AmendmentKind
from phaseout_shared.domain import catalogue as versioned
from phaseout_shared.domain.catalogue import FROZEN, find_item, in_force_on
from phaseout_shared.domain.catalogue import LimitStatus as LimitStatus
from phaseout_shared.reference import Agency, Dimension, Industry

CATALOGUE_FILE = Path(__file__).with_name("limits.json")

AMENDING_AGENCIES = writes.allowed(Dimension.ENERGY, "POST", "/v1/catalogue/amendments")
"""Who loads and amends the limits: the energy agencies (市工业和信息化局、发展改革委)."""


class Comparison(StrEnum):
    """Every Table 1 standard is a ceiling: consumption must be at most the limit (≤)."""

    AT_MOST = "at_most"


class Source(versioned.Source):
    """Where a figure, a date or an indicator list is published."""


class Indicator(BaseModel):
    """One measured quantity of a standard and, once loaded, its limits.

    `limit` is the standard's 限定值 for existing enterprises, `limit_new` its 准入值 for new
    and expanded plants.
    """

    model_config = FROZEN

    id: str = Field(min_length=1)
    product_zh: str = Field(min_length=1)
    product_en: str = Field(min_length=1)
    measure: str = Field(min_length=1)
    unit: str | None = Field(default=None, min_length=1, max_length=20)
    comparison: Comparison = Comparison.AT_MOST
    allows_negative: bool = False
    limit: Decimal | None = None
    limit_new: Decimal | None = None
    status: LimitStatus = LimitStatus.AWAITING_AGENCY
    source: Source | None = None
    effective_from: date | None = None
    amended_by: Agency | None = None
    officer: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _loaded_figures_are_sourced(self) -> Self:
        if (self.status is LimitStatus.LOADED) != (self.limit is not None):
            raise ValueError(f"{self.id}: status loaded if and only if a limit is set")
        if self.limit is not None and (self.unit is None or self.source is None):
            raise ValueError(f"{self.id}: a limit needs its unit and its source")
        if self.limit_new is not None and (self.limit is None or self.limit_new > self.limit):
            raise ValueError(f"{self.id}: limit_new needs a limit and must not exceed it")
        return self


class Standard(BaseModel):
    """One mandatory national standard of Table 1 and its indicators."""

    model_config = FROZEN

    code: str = Field(pattern=r"^GB \d+-\d{4}$")
    industry: Industry
    title_zh: str
    title_en: str
    issued_on: date | None = None
    effective_from: date | None = None
    dates_source: Source | None = None
    scope_source: Source | None = None
    note: str | None = None
    indicators: tuple[Indicator, ...] = Field(min_length=1)


class NotCovered(BaseModel):
    """An industry with no national energy limit yet, and the dimensions that act instead."""

    model_config = FROZEN

    industry: Industry
    reason: str
    covered_by: tuple[Dimension, ...]


class Amendment(BaseModel):
    """An energy agency sets or replaces a limit, or adds an indicator the catalogue lacks."""

    model_config = FROZEN

    kind: AmendmentKind
    standard: str
    indicator_id: str = Field(min_length=1, max_length=80)
    limit: Decimal | None = None
    limit_new: Decimal | None = None
    unit: str | None = Field(default=None, min_length=1, max_length=20)
    source: Source
    effective_from: date
    amended_by: Agency
    officer: str = Field(min_length=1)
    reason: str = ""
    product_zh: str | None = None
    product_en: str | None = None
    measure: str | None = None
    allows_negative: bool = False


class AmendmentRecord(versioned.AmendmentRecord[Amendment]):
    """One step of the audit trail: the amendment that made `version`."""


class IndicatorListing(BaseModel):
    """One row of the catalogue as shown: which figures are loaded and which await the agency."""

    model_config = FROZEN

    industry: Industry
    standard: str
    indicator_id: str
    product: str
    measure: str
    unit: str | None
    limit: Decimal | None
    limit_new: Decimal | None
    status: LimitStatus
    source: str | None
    effective_from: date | None


class Catalogue(BaseModel):
    """One immutable version of the limits catalogue."""

    model_config = FROZEN

    version: int = Field(ge=1)
    title: str
    notes: tuple[str, ...] = ()
    not_covered: tuple[NotCovered, ...]
    standards: tuple[Standard, ...]
    history: tuple[AmendmentRecord, ...] = ()

    @model_validator(mode="after")
    def _every_industry_once(self) -> Self:
        ids = [i.id for s in self.standards for i in s.indicators]
        if len(ids) != len(set(ids)):
            raise ValueError("indicator ids must be unique across the catalogue")
        with_standard = {s.industry for s in self.standards}
        without = {n.industry for n in self.not_covered}
        if with_standard & without or with_standard | without != set(Industry):
            raise ValueError("each of the 12 industries has standards or is not covered, not both")
        return self

    def find(self, indicator_id: str) -> tuple[Standard, Indicator] | None:
        return find_item(self.standards, lambda s: s.indicators, indicator_id)

    def applies_on(self, indicator_id: str, on: date) -> bool:
        """Whether this version's figure for the indicator was in force on `on`.

        A figure amended to apply from a later date does not decide an earlier inspection: an
        earlier version does. An indicator this version lacks is not in force in it either.
        """
        found = self.find(indicator_id)
        if found is None:
            return False
        return in_force_on(found[1].effective_from, on)

    def standards_for(self, industry: Industry) -> tuple[Standard, ...]:
        return tuple(s for s in self.standards if s.industry is industry)

    def not_covered_for(self, industry: Industry) -> NotCovered | None:
        return next((n for n in self.not_covered if n.industry is industry), None)

    def listing(self) -> tuple[IndicatorListing, ...]:
        """Every indicator, in Table 1 order, saying whether its figure is loaded."""
        return tuple(_listed(s, i) for s in self.standards for i in s.indicators)

    def awaiting_agency(self) -> tuple[IndicatorListing, ...]:
        return tuple(row for row in self.listing() if row.status is LimitStatus.AWAITING_AGENCY)


def _listed(standard: Standard, indicator: Indicator) -> IndicatorListing:
    return IndicatorListing(
        industry=standard.industry,
        standard=standard.code,
        indicator_id=indicator.id,
        product=f"{indicator.product_zh} ({indicator.product_en})",
        measure=indicator.measure,
        unit=indicator.unit,
        limit=indicator.limit,
        limit_new=indicator.limit_new,
        status=indicator.status,
        source=indicator.source.document if indicator.source else None,
        effective_from=indicator.effective_from,
    )


def load_catalogue() -> Catalogue:
    """The catalogue shipped with the service (version 1), from `limits.json`."""
    return read_catalogue(Catalogue, CATALOGUE_FILE)
