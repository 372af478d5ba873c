"""Table 3 of the plan (质量执法) and the quality measures of 二（三）, as a versioned catalogue.

The rules live in `table3.json`: one row per key industry with the plan's wording — the
products samr checks, or, for copper smelting, lead smelting and small thermal power,
该行业不属于《产品质量法》调整的范围 — and the measures the plan orders (停止生产并限期整改,
吊销相关证照, 提请注销, 无证生产, 地条钢). The catalogue checks itself when it loads: every
industry has exactly one row, in the plan's order, and every measure the code applies is there.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator

from phaseout_shared.catalogue_files import shipped_catalogue
from phaseout_shared.domain.catalogue import (
    CatalogueData,
    PlanCatalogue,
    appearing_twice,
    catalogue_problems,
    missing,
)
from phaseout_shared.reference import Dimension, Industry

CATALOGUE_FILE = Path(__file__).with_name("table3.json")

STOP_AND_RECTIFY = "Q-stop-and-rectify"
REVOKE_LICENCES = "Q-revoke-licences"
CANCEL_LICENCE = "Q-cancel-licence"
UNLICENSED_PRODUCTION = "Q-unlicensed-production"
DITIAOGANG_REVIVAL = "Q-ditiaogang-revival"
MEASURES_APPLIED = (
    STOP_AND_RECTIFY,
    REVOKE_LICENCES,
    CANCEL_LICENCE,
    UNLICENSED_PRODUCTION,
    DITIAOGANG_REVIVAL,
)
"""The measures the quality service applies; the catalogue must hold each of them."""


class Row(CatalogueData):
    """One row of Table 3: what samr checks in an industry, or why the law does not reach it."""

    id: str = Field(pattern=r"^T3-[a-z-]+$")
    row: int = Field(ge=1, description="序号")
    industry: Industry
    applicable: bool
    products_zh: str | None = None
    products_en: str | None = None
    covered_by: tuple[Dimension, ...] = ()
    wording_zh: str = Field(min_length=1)
    wording_en: str = Field(min_length=1)

    @model_validator(mode="after")
    def _coherent(self) -> Row:
        products = self.products_zh is not None and self.products_en is not None
        if self.applicable and (not products or self.covered_by):
            raise ValueError(f"{self.id}: an applicable row names products and no other dimension")
        if not self.applicable and (products or not self.covered_by):
            raise ValueError(f"{self.id}: a row outside the law names the dimensions that act")
        return self

    @property
    def citation(self) -> str:
        return f"Table 3, row {self.row} ({self.industry.value})"


class Measure(CatalogueData):
    """A measure the plan orders in its quality section (二（三）), in its own words."""

    id: str = Field(pattern=r"^Q-[a-z-]+$")
    source: str = Field(min_length=1)
    wording_zh: str = Field(min_length=1)
    wording_en: str = Field(min_length=1)


class Catalogue(PlanCatalogue[str]):
    """A versioned catalogue: Table 3's rows and the plan's quality measures."""

    version: str = Field(min_length=1)
    law_zh: str
    law_en: str
    rows: tuple[Row, ...]
    measures: tuple[Measure, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        industries = [row.industry for row in self.rows]
        problems = [f"{i} has no row" for i in Industry if i not in industries]
        problems += [f"{i} has two rows" for i in Industry if industries.count(i) > 1]
        if [row.row for row in self.rows] != list(range(1, len(self.rows) + 1)):
            problems.append("rows are not numbered 1, 2, 3 … in order")
        ids = [m.id for m in self.measures]
        problems += missing("measure", MEASURES_APPLIED, ids)
        problems += appearing_twice("measure", ids)
        catalogue_problems(problems)
        return self

    def row_for(self, industry: Industry) -> Row:
        """The row of an industry (the catalogue guarantees exactly one)."""
        return next(row for row in self.rows if row.industry == industry)

    def measure(self, measure_id: str) -> Measure:
        return next(m for m in self.measures if m.id == measure_id)

    def cite(self, measure_id: str) -> str:
        """The plan's words for a measure and where they stand, with this catalogue's version."""
        m = self.measure(measure_id)
        return f"{m.wording_zh} — {m.source} (rule {m.id}, catalogue {self.version})"


table3 = shipped_catalogue(Catalogue, CATALOGUE_FILE)
"""The catalogue shipped with the service (Table 3 of the 2019 plan)."""
