"""Amending the limits catalogue: the energy agency loads and corrects the figures.

An amendment sets or replaces an indicator's limit (with its source, the date from which it
applies and who loaded it), or adds an indicator the catalogue lacks. It never changes a version:
it makes the next one, whose history ends with the amendment — the audit trail the service
persists with every version.
"""

from __future__ import annotations

from phaseout_energy.domain.catalogue import (
    AMENDING_AGENCIES,
    Amendment,
    Catalogue,
    Indicator,
    Standard,
)
from phaseout_shared.contracts.energy import AmendmentKind, CatalogueAmended
from phaseout_shared.domain.aggregate import refusing_invalid_input
from phaseout_shared.domain.catalogue import (
    amended_items,
    announced_by,
    loaded_by,
    naming_fields,
    next_version,
    refuse_other_unit,
    refuse_unless_amending,
    revised,
)
from phaseout_shared.domain.errors import Conflict, InvalidInput, NotFound

NEW_INDICATOR_FIELDS = ("product_zh", "product_en", "measure")


def apply_amendment(
    catalogue: Catalogue, amendment: Amendment
) -> tuple[Catalogue, CatalogueAmended]:
    """The next catalogue version with the amendment applied, and the event announcing it."""
    _check_may_amend(catalogue, amendment)
    standard = _standard(catalogue, amendment.standard)
    with refusing_invalid_input():
        new_standard = revised(standard, indicators=_amended_indicators(standard, amendment))
        amended = next_version(catalogue, standard, new_standard, amendment)
    return amended, _announced(catalogue, amended, standard, amendment)


def _check_may_amend(catalogue: Catalogue, amendment: Amendment) -> None:
    refuse_unless_amending(
        amendment.amended_by,
        AMENDING_AGENCIES,
        limits="energy limits",
        only="miit and drc",
        rule="energy.catalogue.amending_agencies",
    )
    if amendment.kind is AmendmentKind.ADD_INDICATOR and catalogue.find(amendment.indicator_id):
        raise Conflict(
            f"indicator {amendment.indicator_id} already exists; set its limit instead",
            field="indicator_id",
            rule="energy.catalogue.add_new_indicator_only",
        )


def _standard(catalogue: Catalogue, code: str) -> Standard:
    standard = next((s for s in catalogue.standards if s.code == code), None)
    if standard is None:
        raise NotFound(f"{code} is not a Table 1 standard", field="standard")
    return standard


def _amended_indicators(standard: Standard, amendment: Amendment) -> tuple[Indicator, ...]:
    return amended_items(
        standard.indicators,
        amendment.indicator_id,
        adding=amendment.kind is AmendmentKind.ADD_INDICATOR,
        added=lambda: _added(amendment),
        amended=lambda current: _with_limit(current, amendment),
        lacking=NotFound(
            f"{standard.code} has no indicator {amendment.indicator_id}",
            field="indicator_id",
        ),
    )


def _check_figures(amendment: Amendment, allows_negative: bool) -> None:
    if amendment.limit is None:
        if amendment.kind is AmendmentKind.SET_LIMIT or amendment.limit_new is not None:
            raise InvalidInput("a limit is required", field="limit")
        return
    if amendment.unit is None:
        raise InvalidInput("a limit needs its unit", field="unit")
    if amendment.limit < 0 and not allows_negative:
        raise InvalidInput("this indicator's limit cannot be negative", field="limit")
    if amendment.limit_new is not None and amendment.limit_new > amendment.limit:
        raise InvalidInput(
            "the limit for new plants (准入值) cannot exceed the limit for existing ones (限定值)",
            field="limit_new",
        )


def _with_limit(indicator: Indicator, amendment: Amendment) -> Indicator:
    _check_figures(amendment, indicator.allows_negative)
    if indicator.limit is not None:
        refuse_other_unit(
            indicator.id, indicator.unit, amendment.unit, rule="energy.catalogue.same_unit"
        )
    return revised(indicator, **_figures(amendment))


def _added(amendment: Amendment) -> Indicator:
    _check_figures(amendment, amendment.allows_negative)
    named = naming_fields(amendment, NEW_INDICATOR_FIELDS, new="indicator")
    return Indicator.model_validate(
        {
            "id": amendment.indicator_id,
            **named,
            "allows_negative": amendment.allows_negative,
            **_figures(amendment),
        }
    )


def _figures(amendment: Amendment) -> dict[str, object]:
    return {
        "unit": amendment.unit,
        "limit": amendment.limit,
        "limit_new": amendment.limit_new,
        **loaded_by(amendment, loaded=amendment.limit is not None),
    }


def _announced(
    previous: Catalogue, amended: Catalogue, standard: Standard, amendment: Amendment
) -> CatalogueAmended:
    return CatalogueAmended(
        version=amended.version,
        previous_version=previous.version,
        kind=amendment.kind,
        standard=standard.code,
        industry=standard.industry,
        indicator_id=amendment.indicator_id,
        limit=amendment.limit,
        limit_new=amendment.limit_new,
        unit=amendment.unit,
        reason=amendment.reason,
        **announced_by(amendment),
    )
