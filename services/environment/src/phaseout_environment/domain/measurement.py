"""A measured concentration against its limit (超过大气和水等污染物排放标准排污).

The limit is a row of the catalogue, for the enterprise's industry and, for a basin standard, for
the basin the outlet drains to. A figure awaiting mee gives `no_limit_loaded`, never a verdict on
an invented number; a sample taken before the limit applied (the steel and cement special limits
apply to existing enterprises from 2019-01-01) gives `not_in_force`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from phaseout_environment.domain.catalogue import Catalogue
from phaseout_environment.domain.limits import Limit, Standard
from phaseout_shared.contracts.environment import (
    Basin,
    MeasurementRecorded,
    MeasurementVerdict,
    Medium,
)
from phaseout_shared.domain.catalogue import in_force_on, refuse_other_unit
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.domain.facts import enterprise_facts
from phaseout_shared.reference import USCC, District, Industry


class Sample(BaseModel):
    """What was measured: where, which limit, how much, when."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    industry: Industry
    limit_id: str
    value: Decimal
    unit: str
    sampled_on: date
    basin: Basin | None = None


class Assessment(BaseModel):
    """The verdict on one sample, with the figures and the sentence that decided it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    verdict: MeasurementVerdict
    limit_id: str
    standard: str
    medium: Medium
    pollutant: str
    value: Decimal
    unit: str
    limit: Decimal | None
    basin: Basin | None
    catalogue_version: str
    basis: str

    @property
    def over(self) -> bool:
        return self.verdict is MeasurementVerdict.OVER_LIMIT


def assess(catalogue: Catalogue, sample: Sample) -> Assessment:
    """Compare a sample with its limit in the catalogue; refuse what cannot be judged."""
    standard, limit = _limit_of(catalogue, sample)
    _check(standard, limit, sample)
    verdict, basis = _judge(standard, limit, sample)
    return Assessment(
        verdict=verdict,
        limit_id=limit.id,
        standard=standard.name,
        medium=limit.medium,
        pollutant=f"{limit.pollutant_zh} ({limit.pollutant_en})",
        value=sample.value,
        unit=sample.unit,
        limit=limit.limit,
        basin=sample.basin,
        catalogue_version=catalogue.label,
        basis=f"{basis}; catalogue v{catalogue.label}",
    )


def _limit_of(catalogue: Catalogue, sample: Sample) -> tuple[Standard, Limit]:
    found = catalogue.find_limit(sample.limit_id)
    if found is None or sample.industry not in found[0].industries:
        ours = [lim.id for s in catalogue.standards_for(sample.industry) for lim in s.limits]
        pending = [s.title_zh for s in catalogue.standards_for(sample.industry) if not s.limits]
        known = ", ".join(ours) or "none yet"
        awaited = f"; awaiting publication: {', '.join(pending)}" if pending else ""
        raise InvalidInput(
            f"{sample.limit_id!r} is not a limit of {sample.industry.value}; "
            f"its limits: {known}{awaited}",
            field="limit_id",
            rule="environment.limits.of_the_industry",
        )
    return found


def _check(standard: Standard, limit: Limit, sample: Sample) -> None:
    if standard.basins and sample.basin not in standard.basins:
        basins = ", ".join(standard.basins)
        raise InvalidInput(
            f"{standard.name} applies in the {basins} basin(s); the outlet's basin is "
            f"{sample.basin or 'not given'}",
            field="basin",
            rule="environment.limits.basin",
        )
    refuse_other_unit(limit.id, limit.unit, sample.unit, rule="environment.limits.same_unit")
    if not sample.value.is_finite() or sample.value < 0:
        raise InvalidInput("a concentration is a finite number, at least 0", field="value")


def _judge(standard: Standard, limit: Limit, sample: Sample) -> tuple[MeasurementVerdict, str]:
    subject = f"{standard.name}: {limit.name}"
    measured = f"measured {sample.value} {limit.unit} on {sample.sampled_on}"
    if limit.limit is None:
        return MeasurementVerdict.NO_LIMIT_LOADED, (
            f"{subject}: {measured}; no figure is loaded, it awaits the environment agency (mee)"
        )
    start = standard.in_force_from(limit)
    if not in_force_on(start, sample.sampled_on):
        return MeasurementVerdict.NOT_IN_FORCE, (
            f"{subject}: {measured}, before the limit of {limit.limit} {limit.unit} "
            f"applies ({start})"
        )
    over = sample.value > limit.limit
    relation = ">" if over else "≤"
    outcome = "over the limit (超标)" if over else "within the limit (达标)"
    verdict = MeasurementVerdict.OVER_LIMIT if over else MeasurementVerdict.WITHIN_LIMIT
    return verdict, f"{subject}: {measured} {relation} limit {limit.limit} {limit.unit}, {outcome}"


class RecordedMeasurement(BaseModel):
    """A sample as recorded for an enterprise, with its verdict and the case it opened."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    measurement_id: UUID
    uscc: USCC
    district: District
    industry: Industry
    facility: str = Field(min_length=1, max_length=200)
    sampled_on: date
    assessment: Assessment
    case_id: UUID | None = None

    def recorded(self) -> MeasurementRecorded:
        """The event announcing the measurement."""
        a = self.assessment
        return MeasurementRecorded(
            **enterprise_facts(self, self.sampled_on),
            measurement_id=self.measurement_id,
            facility=self.facility,
            **a.model_dump(include={"limit_id", "standard", "medium", "pollutant", "basin"}),
            **a.model_dump(include={"value", "unit", "limit", "verdict", "basis"}),
            catalogue_version=a.catalogue_version,
        )
