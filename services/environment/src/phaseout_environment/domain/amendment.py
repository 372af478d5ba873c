"""Amending the limits catalogue: mee loads the figures the catalogue awaits.

An amendment sets or corrects a limit (with its source, the date from which it applies and who
loaded it), or adds a limit a standard lacks — a provincial standard the plan awaits gets its
first limits, and its code, once it is published. It never changes a version: it makes the next
one, whose history ends with the amendment.
"""

from __future__ import annotations

from phaseout_environment.domain.catalogue import Catalogue
from phaseout_environment.domain.limits import (
    UNITS,
    Amendment,
    Limit,
    Standard,
)
from phaseout_shared import writes
from phaseout_shared.contracts.environment import AmendmentKind, CatalogueAmended
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
from phaseout_shared.reference import Dimension

AMENDING_AGENCIES = writes.allowed(Dimension.ENVIRONMENT, "POST", "/v1/catalogue/amendments")
NEW_LIMIT_FIELDS = ("medium", "facility_zh", "facility_en", "pollutant_zh", "pollutant_en")


def apply_amendment(
    catalogue: Catalogue, amendment: Amendment
) -> tuple[Catalogue, CatalogueAmended]:
    """The next catalogue version with the amendment applied, and the event announcing it."""
    refuse_unless_amending(
        amendment.amended_by,
        AMENDING_AGENCIES,
        limits="environment limits",
        only="mee",
        rule="environment.catalogue.amending_agency",
    )
    standard = catalogue.standard(amendment.standard)
    if standard is None:
        raise NotFound(f"no standard {amendment.standard} in the catalogue", field="standard")
    amended_standard = _amended(catalogue, standard, amendment)
    with refusing_invalid_input():
        amended = next_version(catalogue, standard, amended_standard, amendment)
    return amended, _announced(catalogue, amended, amendment)


def _amended(catalogue: Catalogue, standard: Standard, amendment: Amendment) -> Standard:
    adding = amendment.kind is AmendmentKind.ADD_LIMIT
    if adding and catalogue.find_limit(amendment.limit_id) is not None:
        raise Conflict(
            f"limit {amendment.limit_id} already exists; set it instead",
            field="limit_id",
            rule="environment.catalogue.add_new_limit_only",
        )
    limits = amended_items(
        standard.limits,
        amendment.limit_id,
        adding=adding,
        added=lambda: _added(amendment),
        amended=lambda current: _set(current, amendment),
        lacking=NotFound(f"{standard.id} has no limit {amendment.limit_id}", field="limit_id"),
    )
    code = amendment.standard_code or standard.code
    with refusing_invalid_input():
        return revised(standard, code=code, pending_publication=False, limits=limits)


def _set(limit: Limit, amendment: Amendment) -> Limit:
    refuse_other_unit(limit.id, limit.unit, amendment.unit, rule="environment.limits.same_unit")
    return revised(limit, **_figure(amendment))


def _added(amendment: Amendment) -> Limit:
    named = naming_fields(amendment, NEW_LIMIT_FIELDS, new="limit")
    assert amendment.medium is not None
    if amendment.unit != UNITS[amendment.medium]:
        raise InvalidInput(
            f"{amendment.medium} limits are in {UNITS[amendment.medium]}",
            field="unit",
            rule="environment.limits.unit_of_medium",
        )
    with refusing_invalid_input():
        return Limit.model_validate(
            {
                "id": amendment.limit_id,
                "unit": amendment.unit,
                **named,
                **_figure(amendment),
            }
        )


def _figure(amendment: Amendment) -> dict[str, object]:
    return {
        "limit": amendment.limit,
        **loaded_by(amendment),
        "note": amendment.reason or None,
    }


def _announced(previous: Catalogue, amended: Catalogue, amendment: Amendment) -> CatalogueAmended:
    return CatalogueAmended(
        version=amended.label,
        previous_version=previous.label,
        kind=amendment.kind,
        standard=amendment.standard,
        limit_id=amendment.limit_id,
        limit=amendment.limit,
        unit=amendment.unit,
        **announced_by(amendment),
    )
