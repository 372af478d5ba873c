"""An energy inspection (节能监察): a line's measured unit-product energy consumption.

Every inspection is recorded, whatever its verdict; one over the limit is a finding that opens
a case (`EnergyCase.open`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from phaseout_energy.domain.assess import Assessment, assess
from phaseout_energy.domain.catalogue import Catalogue
from phaseout_shared.contracts.energy import InspectionRecorded, Verdict
from phaseout_shared.domain.errors import Conflict, InvalidInput, NotApplicable
from phaseout_shared.domain.facts import enterprise_facts
from phaseout_shared.reference import USCC, District, Industry


class Inspection(BaseModel):
    """What the inspector measured, on which line, and the date it took effect."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    inspection_id: UUID
    uscc: USCC
    district: District
    industry: Industry
    indicator_id: str = Field(min_length=1)
    measured_value: Decimal
    unit: str = Field(min_length=1, max_length=20)
    effective_on: date
    capacity_amount: Decimal = Field(gt=0)
    capacity_unit: str = Field(min_length=1, max_length=20)
    new_plant: bool = False

    def assess(self, catalogue: Catalogue) -> Assessment:
        return assess(
            self.industry,
            self.indicator_id,
            self.measured_value,
            self.unit,
            catalogue,
            new_plant=self.new_plant,
        )

    def recorded(self, assessment: Assessment) -> InspectionRecorded:
        """The event that records this inspection and its verdict."""
        return InspectionRecorded(
            inspection_id=self.inspection_id,
            **enterprise_facts(self, self.effective_on),
            standard=assessment.standard,
            indicator_id=assessment.indicator_id,
            measured_value=assessment.measured_value,
            unit=assessment.unit,
            limit=assessment.limit,
            verdict=assessment.verdict,
            catalogue_version=assessment.catalogue_version,
            basis=assessment.basis,
            capacity_amount=self.capacity_amount,
            capacity_unit=self.capacity_unit,
        )


def record_inspection(
    inspection: Inspection, catalogue: Catalogue
) -> tuple[Assessment, InspectionRecorded]:
    """Assess an inspection and say so: the verdict, and the event that records it."""
    assessment = inspection.assess(catalogue)
    return assessment, inspection.recorded(assessment)


class RecordedInspection(BaseModel):
    """An inspection as kept: what was measured, its verdict, and the case it opened if any."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    inspection: Inspection
    assessment: Assessment
    case_id: UUID | None = None


class Reinspection(BaseModel):
    """The re-inspection (复查) that decided whether the rectification worked."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    inspected_on: date
    measured_value: Decimal
    within_limit: bool


class OverLimitFinding(BaseModel):
    """An inspection over the limit: the legal basis of the case it opens.

    The standard, the indicator and the catalogue version that held the limit, the figures,
    and the capacity of the line concerned.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    inspection_id: UUID
    found_on: date
    standard: str
    indicator_id: str
    catalogue_version: int
    measured_value: Decimal
    limit: Decimal
    unit: str
    capacity_amount: Decimal = Field(gt=0)
    capacity_unit: str
    basis: str


def over_limit_finding(inspection: Inspection, assessment: Assessment) -> OverLimitFinding:
    """The finding an inspection makes, or why it makes none (no case opens)."""
    if assessment.verdict is Verdict.NOT_APPLICABLE:
        raise NotApplicable(
            assessment.basis,
            field="industry",
            rule=f"energy.table1.{assessment.industry.value}.no_national_limit",
        )
    if assessment.indicator_id != inspection.indicator_id or (
        assessment.measured_value != inspection.measured_value
    ):
        raise InvalidInput("the assessment is not this inspection's", field="indicator_id")
    if assessment.verdict is Verdict.NO_LIMIT_LOADED:
        raise Conflict(
            assessment.basis, field="indicator_id", rule="energy.catalogue.awaiting_agency"
        )
    if assessment.verdict is Verdict.WITHIN_LIMIT:
        raise InvalidInput(
            f"within the limit, no case to open: {assessment.basis}",
            field="measured_value",
            rule="energy.case.over_limit_only",
        )
    if assessment.standard is None or assessment.limit is None or assessment.unit is None:
        raise InvalidInput(
            "an over-limit assessment names its standard, limit and unit", field="indicator_id"
        )
    return OverLimitFinding(
        inspection_id=inspection.inspection_id,
        found_on=inspection.effective_on,
        standard=assessment.standard,
        indicator_id=inspection.indicator_id,
        catalogue_version=assessment.catalogue_version,
        measured_value=inspection.measured_value,
        limit=assessment.limit,
        unit=assessment.unit,
        capacity_amount=inspection.capacity_amount,
        capacity_unit=inspection.capacity_unit,
        basis=assessment.basis,
    )
