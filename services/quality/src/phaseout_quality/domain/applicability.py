"""Whether the Product Quality Law reaches an industry (Table 3), and the refusal when it does not.

The plan, Table 3, rows 9–11: copper smelting, lead smelting and small thermal power —
该行业不属于《产品质量法》调整的范围，我们将综合运用能耗、环保、安全、技术等手段推动落后产能退出.
A quality case or spot check for them is refused with that reason (`NotApplicable`, 422), naming
the row. A question ("does quality apply?") gets a verdict; only an attempt to act is refused.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from phaseout_quality.domain.catalogue import Catalogue, Row, table3
from phaseout_shared.domain.errors import InvalidInput, NotApplicable
from phaseout_shared.reference import Dimension, Industry


class Applicability(BaseModel):
    """What Table 3 says of an industry, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    industry: Industry
    applicable: bool
    table3_row: str
    catalogue_version: str
    products: str | None
    covered_by: tuple[Dimension, ...]
    basis: str


def read_industry(industry: Industry | str) -> Industry:
    try:
        return Industry(industry)
    except ValueError:
        raise InvalidInput(f"unknown industry {industry!r}", field="industry") from None


def applicability(industry: Industry | str, catalogue: Catalogue | None = None) -> Applicability:
    """The verdict of Table 3 on an industry, naming its row and the catalogue version."""
    book = catalogue or table3()
    row = book.row_for(read_industry(industry))
    return Applicability(
        industry=row.industry,
        applicable=row.applicable,
        table3_row=row.id,
        catalogue_version=book.version,
        products=row.products_zh,
        covered_by=row.covered_by,
        basis=_basis(row, book),
    )


def applicable_row(industry: Industry | str, act: str, catalogue: Catalogue | None = None) -> Row:
    """The industry's Table 3 row, or `NotApplicable` refusing `act` with the plan's reason."""
    book = catalogue or table3()
    row = book.row_for(read_industry(industry))
    if not row.applicable:
        raise NotApplicable(
            f"a quality {act} for {row.industry.value} is refused: {_basis(row, book)}",
            field="industry",
            rule=row.id,
        )
    return row


def _basis(row: Row, catalogue: Catalogue) -> str:
    where = f"{row.citation} (catalogue {catalogue.version})"
    if row.applicable:
        return f"samr checks {row.products_zh} ({row.products_en}): {row.wording_zh} — {where}"
    dimensions = ", ".join(d.value for d in row.covered_by)
    return f"{row.wording_zh} ({row.wording_en}) — {where}; handled through {dimensions}"
