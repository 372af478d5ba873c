"""The unlicensed-production case (无证违法生产): production stopped at once, then verified.

The plan (二（三）): 严格生产许可准入，严厉打击无证违法生产行为. A product made without a licence in
force that covers it is ordered stopped at once; samr verifies that it stopped (the unlawful
production is put right: `rectified`), and a later finding of the same production re-opens the
order. Producing a product that a licence in force covers is not unlicensed: refused, naming the
licence. An industry outside the Product Quality Law is refused (Table 3, rows 9–11).

    stop_ordered ──verify_stopped──▶ rectified ──find_production_resumed──▶ stop_ordered
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from phaseout_quality.domain.aggregate import refusing_invalid_input, stated
from phaseout_quality.domain.applicability import applicable_row
from phaseout_quality.domain.catalogue import UNLICENSED_PRODUCTION, Catalogue, table3
from phaseout_quality.domain.licence import ProductionLicence, licences_covering
from phaseout_shared.contracts.quality import (
    ProductionResumed,
    StopVerified,
    UnlicensedCaseOpened,
    UnlicensedState,
)
from phaseout_shared.domain.errors import Conflict
from phaseout_shared.domain.facts import EnterpriseCase, Site, case_facts
from phaseout_shared.domain.statemachine import Lifecycle, in_order

UNLICENSED_LIFECYCLE: Lifecycle[UnlicensedState] = Lifecycle.of(
    {
        "verify_stopped": ([UnlicensedState.STOP_ORDERED], UnlicensedState.RECTIFIED),
        "find_production_resumed": ([UnlicensedState.RECTIFIED], UnlicensedState.STOP_ORDERED),
    }
)


class Finding(BaseModel):
    """One act on the case: what was found or verified, and when."""

    action: str
    description: str
    effective_on: date


class UnlicensedProductionCase(EnterpriseCase):
    """One product made without a licence by one enterprise."""

    product: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1)
    rule: str
    table3_row: str
    catalogue_version: str
    basis: str
    state: UnlicensedState = UnlicensedState.STOP_ORDERED
    opened_on: date
    last_act_on: date
    findings: list[Finding] = Field(default_factory=list)

    @classmethod
    def open(
        cls,
        *,
        case_id: UUID,
        site: Site,
        product: str,
        description: str,
        licences: Sequence[ProductionLicence],
        effective_on: date,
        catalogue: Catalogue | None = None,
    ) -> UnlicensedProductionCase:
        """Production without a licence found: stop it at once (严厉打击无证违法生产行为)."""
        book = catalogue or table3()
        row = applicable_row(site.fields()["industry"], "case", book)
        made, found = stated(product, "product"), stated(description, "description")
        _refuse_if_licensed(made, licences, effective_on)
        with refusing_invalid_input():
            case = cls(
                case_id=case_id,
                **site.fields(row.industry),
                product=made,
                description=found,
                rule=UNLICENSED_PRODUCTION,
                table3_row=row.id,
                catalogue_version=book.version,
                basis=f"{made} made without a licence in force: {book.cite(UNLICENSED_PRODUCTION)}"
                f" — {row.citation}",
                opened_on=effective_on,
                last_act_on=effective_on,
            )
        facts = case.model_dump(include={"rule", "table3_row", "catalogue_version", "basis"})
        case._record(UnlicensedCaseOpened(**case._facts(effective_on), description=found, **facts))
        return case

    def verify_stopped(self, description: str, effective_on: date) -> None:
        """samr verified that the unlicensed production stopped: the case is put right."""
        verified = self._step("verify_stopped", description, effective_on)
        self._record(StopVerified(**self._facts(effective_on), description=verified))

    def find_production_resumed(self, description: str, effective_on: date) -> None:
        """The production was found running again: the stop is ordered once more."""
        found = self._step("find_production_resumed", description, effective_on)
        self._record(ProductionResumed(**self._facts(effective_on), description=found))

    def _step(self, action: str, description: str, effective_on: date) -> str:
        target = UNLICENSED_LIFECYCLE.move(action, self.state)
        said = stated(description, "description")
        in_order(effective_on, self.last_act_on, "effective_on")
        self.state, self.last_act_on = target, effective_on
        self.findings.append(Finding(action=action, description=said, effective_on=effective_on))
        return said

    def _facts(self, effective_on: date) -> dict[str, Any]:
        return case_facts(self, self.case_id, self.state, None, effective_on, product=self.product)


def _refuse_if_licensed(
    product: str, licences: Sequence[ProductionLicence], effective_on: date
) -> None:
    covering = licences_covering(licences, product, effective_on)
    if covering:
        raise Conflict(
            f"licence {covering[0].number} covers {product} on {effective_on}: the production "
            "is licensed",
            field="product",
            rule=UNLICENSED_PRODUCTION,
        )


def refuse_second_unlicensed_case(
    cases: Sequence[UnlicensedProductionCase], uscc: str, product: str
) -> None:
    """One stop order at a time per product: a further finding is acted on in that case."""
    for case in cases:
        if (
            case.uscc == uscc
            and case.product == product.strip()
            and case.state is UnlicensedState.STOP_ORDERED
        ):
            raise Conflict(
                f"case {case.case_id} already orders {case.product} stopped: act on it",
                field="product",
                rule="quality.unlicensed_case.one_open_case",
            )
