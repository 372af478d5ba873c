"""The ground of a case (二（二）3): what was violated, and the rule that says so.

A measurement over its limit and an item Table 2 eliminates are violations found by the
catalogue; the officer states the others — breaking solid-waste law, discharging over the
total-quantity quota, discharging without a valid permit or not as it says. Discharging without
a permit is refused while the enterprise holds one valid on that day, and discharging not as the
permit says needs one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from phaseout_environment.domain.aggregate import stated
from phaseout_environment.domain.catalogue import Catalogue
from phaseout_environment.domain.equipment import EquipmentVerdict
from phaseout_environment.domain.measurement import Assessment
from phaseout_environment.domain.permits import Permit, valid_permit
from phaseout_shared.contracts.environment import EquipmentOutcome, ViolationKind
from phaseout_shared.domain.errors import Conflict, InvalidInput

FOUND_BY_THE_CATALOGUE = {
    ViolationKind.OVER_EMISSION_STANDARD: "record the measurement: its limit decides",
    ViolationKind.BANNED_EQUIPMENT: "survey the equipment: Table 2 decides",
}


class Violation(BaseModel):
    """A violation found on a date, naming the catalogue rule or limit that decided it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ViolationKind
    rule: str = Field(max_length=200)
    catalogue_version: str
    basis: str
    findings: str = Field(min_length=1)
    found_on: date
    reference: str | None = None


def over_the_limit(assessment: Assessment, findings: str, on: date, reference: str) -> Violation:
    """A measurement over its limit (超过…污染物排放标准排污)."""
    if not assessment.over:
        raise Conflict(
            f"the measurement is {assessment.verdict}: there is no violation",
            field="value",
            rule=assessment.limit_id,
        )
    return Violation(
        kind=ViolationKind.OVER_EMISSION_STANDARD,
        rule=assessment.limit_id,
        catalogue_version=assessment.catalogue_version,
        basis=assessment.basis,
        findings=stated(findings, "findings"),
        found_on=on,
        reference=reference,
    )


def banned_equipment(verdict: EquipmentVerdict, findings: str, on: date, item_id: str) -> Violation:
    """An item Table 2 eliminates or bans, found running."""
    if verdict.outcome is not EquipmentOutcome.ELIMINATE:
        raise Conflict(
            f"{verdict.kind} is {verdict.outcome} under {verdict.rule}: there is no violation",
            field="equipment",
            rule=verdict.rule,
        )
    return Violation(
        kind=ViolationKind.BANNED_EQUIPMENT,
        rule=verdict.rule,
        catalogue_version=verdict.catalogue_version,
        basis=verdict.basis,
        findings=stated(findings, "findings"),
        found_on=on,
        reference=item_id,
    )


def stated_violation(
    catalogue: Catalogue,
    kind: ViolationKind,
    findings: str,
    on: date,
    permits: Iterable[Permit],
) -> Violation:
    """A violation the officer states; the permits decide the two permit grounds."""
    if kind in FOUND_BY_THE_CATALOGUE:
        raise InvalidInput(
            f"{kind} is found by the catalogue, not stated: {FOUND_BY_THE_CATALOGUE[kind]}",
            field="violation",
            rule="environment.violation.found_by_the_catalogue",
        )
    ground = catalogue.ground(kind)
    held = _permit_ground(kind, valid_permit(permits, on), on, ground.id)
    places = "; ".join(catalogue.requirement(r).source.cite() for r in ground.requirements)
    return Violation(
        kind=kind,
        rule=ground.id,
        catalogue_version=catalogue.label,
        basis=f"{ground.wording_zh} ({ground.wording_en}); {places}",
        findings=stated(findings, "findings"),
        found_on=on,
        reference=held.permit_no if held else None,
    )


def _permit_ground(kind: ViolationKind, held: Permit | None, on: date, rule: str) -> Permit | None:
    """Without a permit only when none is valid that day; not as it says only when one is."""
    if kind is ViolationKind.NO_PERMIT and held is not None:
        raise Conflict(
            f"permit {held.permit_no} is valid on {on} (until {held.valid_until}): the "
            "enterprise does not discharge without a permit",
            field="violation",
            rule=rule,
        )
    if kind is ViolationKind.NOT_PER_PERMIT and held is None:
        raise Conflict(
            f"no permit is valid on {on}: the violation is discharging without one (无证排污)",
            field="violation",
            rule=rule,
        )
    return held
