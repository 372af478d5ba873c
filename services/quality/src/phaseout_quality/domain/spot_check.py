"""The supervisory spot check (监督抽查): a product sampled and tested against its standard.

The plan: 围绕重点行业，重点产品 … 开展专项检查，加大监督抽查及后处理力度. A failed check is the
finding on which production is ordered stopped and rectified by a deadline
(依法责令其停止生产并限期整改): the official sets the deadline (`rectify_by`) with the order, as
the plan fixes no period. A check in an industry outside the Product Quality Law is refused
(Table 3, rows 9–11).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from phaseout_quality.domain.aggregate import refusing_invalid_input, stated, statements
from phaseout_quality.domain.applicability import applicable_row
from phaseout_quality.domain.catalogue import STOP_AND_RECTIFY, Catalogue, Row, table3
from phaseout_shared.contracts.quality import SpotCheckRecorded
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.domain.facts import Site
from phaseout_shared.reference import USCC, District, Industry


class SpotCheck(BaseModel):
    """One spot check of one product of one enterprise, as recorded."""

    check_id: UUID
    uscc: USCC
    district: District
    industry: Industry
    product: str = Field(min_length=1, max_length=200)
    standard: str = Field(min_length=1, max_length=100)
    passed: bool
    failed_items: tuple[str, ...] = ()
    report_number: str | None = Field(default=None, max_length=100)
    rectify_by: date | None = None
    effective_on: date
    table3_row: str
    catalogue_version: str
    basis: str
    case_id: UUID | None = None

    @classmethod
    def record(
        cls,
        *,
        check_id: UUID,
        site: Site,
        product: str,
        standard: str,
        passed: bool,
        failed_items: Sequence[str],
        effective_on: date,
        rectify_by: date | None = None,
        report_number: str | None = None,
        catalogue: Catalogue | None = None,
    ) -> SpotCheck:
        """Record a check; refused for an industry outside the law, or an incoherent outcome."""
        book = catalogue or table3()
        row = applicable_row(site.fields()["industry"], "spot check", book)
        sampled, against = stated(product, "product"), stated(standard, "standard")
        items = statements(failed_items, "failed_items")
        _check_outcome(passed, items, rectify_by, effective_on)
        with refusing_invalid_input():
            return cls(
                check_id=check_id,
                **site.fields(row.industry),
                product=sampled,
                standard=against,
                passed=passed,
                failed_items=items,
                report_number=(report_number or "").strip() or None,
                rectify_by=rectify_by,
                effective_on=effective_on,
                table3_row=row.id,
                catalogue_version=book.version,
                basis=_basis(sampled, against, items, rectify_by, row, book),
            )

    def recorded(self) -> SpotCheckRecorded:
        """The event that records this check."""
        return SpotCheckRecorded(
            **self.model_dump(exclude={"case_id", "rectify_by"}), opened_case_id=self.case_id
        )


def _check_outcome(
    passed: bool, items: tuple[str, ...], rectify_by: date | None, effective_on: date
) -> None:
    if passed and items:
        raise InvalidInput("a passed check has no failed items", field="failed_items")
    if passed and rectify_by is not None:
        raise InvalidInput("a passed check orders nothing: no rectify_by", field="rectify_by")
    if passed:
        return
    if not items:
        raise InvalidInput("a failed check must name its failed items", field="failed_items")
    if rectify_by is None:
        raise InvalidInput(
            "a failed check orders rectification within a deadline (限期整改): rectify_by is "
            "required",
            field="rectify_by",
        )
    if rectify_by <= effective_on:
        raise InvalidInput(
            f"rectify_by {rectify_by} must be after the check on {effective_on}",
            field="rectify_by",
        )


def _basis(
    product: str,
    standard: str,
    items: tuple[str, ...],
    rectify_by: date | None,
    row: Row,
    catalogue: Catalogue,
) -> str:
    if rectify_by is None:
        return (
            f"{product} met {standard}: nothing ordered — {row.citation} "
            f"(catalogue {catalogue.version})"
        )
    return (
        f"{product} failed {standard} ({'; '.join(items)}): {catalogue.cite(STOP_AND_RECTIFY)}, "
        f"by {rectify_by} — {row.citation}"
    )
