"""A measured unit-product energy consumption against its Table 1 limit (能耗限额对标).

Every Table 1 standard is a ceiling: a consumption at most the limit is within it, one above it
is over it. Dyeing (印染) and lead-acid batteries (铅蓄电池) have no national energy limit yet:
the plan handles them through environment, quality, safety and technology, so the answer for
them is "not applicable", naming those dimensions — a verdict for a question, an error for an
attempt to open a case.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from phaseout_energy.domain.catalogue import Catalogue, Indicator, NotCovered, Standard
from phaseout_shared.contracts.energy import Verdict
from phaseout_shared.domain.errors import InvalidInput, NotApplicable
from phaseout_shared.reference import Dimension, Industry


class Assessment(BaseModel):
    """The verdict on one measured value, with the figures and the sentence that decided it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    verdict: Verdict
    industry: Industry
    standard: str | None = None
    indicator_id: str | None = None
    measured_value: Decimal | None = None
    limit: Decimal | None = None
    unit: str | None = None
    new_plant: bool = False
    catalogue_version: int
    basis: str
    covered_by: tuple[Dimension, ...] = ()


def not_applicable(industry: Industry, catalogue: Catalogue) -> NotApplicable | None:
    """Why the energy dimension does not apply to an industry, or None where it does."""
    entry = catalogue.not_covered_for(industry)
    if entry is None:
        return None
    return NotApplicable(_not_covered_basis(entry), field="industry", rule=_rule(industry))


def refuse_if_not_applicable(industry: Industry, catalogue: Catalogue) -> None:
    """Raise NotApplicable for an industry without a national energy limit (Table 1)."""
    error = not_applicable(industry, catalogue)
    if error is not None:
        raise error


def assess(
    industry: Industry,
    indicator_id: str,
    measured_value: Decimal,
    unit: str,
    catalogue: Catalogue,
    *,
    new_plant: bool = False,
) -> Assessment:
    """Compare a measured value with the limit of the catalogue's indicator.

    `new_plant` selects the limit for new and expanded plants (准入值) instead of the one for
    existing enterprises (限定值).
    """
    entry = catalogue.not_covered_for(industry)
    if entry is not None:
        return Assessment(
            verdict=Verdict.NOT_APPLICABLE,
            industry=industry,
            catalogue_version=catalogue.version,
            basis=_not_covered_basis(entry),
            covered_by=entry.covered_by,
        )
    standard, indicator = _indicator_of(industry, indicator_id, catalogue)
    _check_measurement(indicator, measured_value, unit)
    limit = indicator.limit_new if new_plant else indicator.limit
    verdict = _compare(measured_value, limit)
    return Assessment(
        verdict=verdict,
        industry=industry,
        standard=standard.code,
        indicator_id=indicator.id,
        measured_value=measured_value,
        limit=limit,
        unit=unit,
        new_plant=new_plant,
        catalogue_version=catalogue.version,
        basis=_basis(standard, indicator, measured_value, limit, new_plant, catalogue.version),
    )


def assess_measurement(
    industry: Industry,
    indicator_id: str | None,
    measured_value: Decimal | None,
    unit: str | None,
    catalogue: Catalogue,
    *,
    new_plant: bool = False,
) -> Assessment:
    """A question as asked (API or CLI): an industry without a national limit needs no reading.

    For any other industry the indicator, the value and its unit are required.
    """
    if catalogue.not_covered_for(industry) is None:
        given = {"indicator_id": indicator_id, "measured_value": measured_value, "unit": unit}
        for field, value in given.items():
            if value is None:
                raise InvalidInput(f"{field} is required for {industry.value}", field=field)
    return assess(
        industry,
        indicator_id or "",
        measured_value if measured_value is not None else Decimal(0),
        unit or "",
        catalogue,
        new_plant=new_plant,
    )


def _rule(industry: Industry) -> str:
    return f"energy.table1.{industry.value}.no_national_limit"


def _not_covered_basis(entry: NotCovered) -> str:
    dimensions = ", ".join(d.value for d in entry.covered_by)
    return (
        f"{entry.industry.value} has no national mandatory energy-limit standard (Table 1): "
        f"{entry.reason} Its backward capacity is handled through {dimensions}."
    )


def _indicator_of(
    industry: Industry, indicator_id: str, catalogue: Catalogue
) -> tuple[Standard, Indicator]:
    found = catalogue.find(indicator_id)
    if found is None:
        known = ", ".join(i.id for s in catalogue.standards_for(industry) for i in s.indicators)
        raise InvalidInput(
            f"unknown indicator {indicator_id!r}; {industry.value} has: {known}",
            field="indicator_id",
            rule="energy.catalogue.known_indicator",
        )
    standard, indicator = found
    if standard.industry is not industry:
        raise InvalidInput(
            f"indicator {indicator_id} belongs to {standard.code} of "
            f"{standard.industry.value}, not to {industry.value}",
            field="indicator_id",
            rule="energy.catalogue.indicator_of_industry",
        )
    return standard, indicator


def _check_measurement(indicator: Indicator, value: Decimal, unit: str) -> None:
    if indicator.unit is not None and unit != indicator.unit:
        raise InvalidInput(
            f"{indicator.id} is measured in {indicator.unit}, not {unit}",
            field="unit",
            rule="energy.catalogue.same_unit",
        )
    if not value.is_finite():
        raise InvalidInput("the measured value must be a finite number", field="measured_value")
    if value < 0 and not indicator.allows_negative:
        raise InvalidInput(
            f"a consumption cannot be negative for {indicator.id}",
            field="measured_value",
            rule="energy.assess.non_negative",
        )


def _compare(value: Decimal, limit: Decimal | None) -> Verdict:
    if limit is None:
        return Verdict.NO_LIMIT_LOADED
    return Verdict.WITHIN_LIMIT if value <= limit else Verdict.OVER_LIMIT


def _basis(
    standard: Standard,
    indicator: Indicator,
    value: Decimal,
    limit: Decimal | None,
    new_plant: bool,
    version: int,
) -> str:
    subject = f"{standard.code} {indicator.product_zh} {indicator.measure}"
    whose = "new and expanded plants (准入值)" if new_plant else "existing enterprises (限定值)"
    if limit is None:
        return (
            f"{subject}: no limit for {whose} is loaded in catalogue v{version}; "
            "the figure awaits the energy agency (miit/drc)."
        )
    unit = indicator.unit
    relation = "≤" if value <= limit else ">"
    outcome = "within the limit" if value <= limit else "over the limit"
    return (
        f"{subject}: measured {value} {unit} {relation} limit {limit} {unit} for {whose}, "
        f"{outcome} (consumption must be ≤ the limit); catalogue v{version}."
    )
