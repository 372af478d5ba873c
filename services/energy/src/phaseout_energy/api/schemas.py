"""Request bodies of the energy API (responses are the domain's own models)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field, field_validator

from phaseout_shared import limits
from phaseout_shared.contracts.energy import AmendmentKind, PricingBasis, PricingKind
from phaseout_shared.limits import Day, Uscc
from phaseout_shared.reference import Industry

Amount = Annotated[Decimal, Field(allow_inf_nan=False, max_digits=20)]
Unit = Annotated[str, Field(min_length=1, max_length=20, description="e.g. kgce/t, kWh/t")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


def _no_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    if isinstance(value, list | tuple):
        for item in value:
            _no_nul(item)
    return value


class Body(limits.Body):
    """A request body whose strings carry no NUL character."""

    @field_validator("*")
    @classmethod
    def _printable(cls, value: Any) -> Any:
        return _no_nul(value)


class AssessmentIn(Body):
    industry: Industry
    indicator_id: str | None = Field(
        default=None, min_length=1, max_length=80, description="Catalogue indicator"
    )
    measured_value: Amount | None = Field(default=None, description="Unit-product consumption")
    unit: Unit | None = None
    new_plant: bool = Field(default=False, description="Judge by the 准入值 for new plants")
    on: Day | None = Field(
        default=None, description="Judge by the figure in force on this date; default: current"
    )


class SourceIn(Body):
    document: Text = Field(description="Where the figure is published")
    url: str | None = Field(default=None, max_length=500)
    excerpt: str | None = Field(default=None, max_length=2000)


class AmendmentIn(Body):
    kind: AmendmentKind
    standard: str = Field(min_length=1, max_length=40, description="e.g. GB 16780-2012")
    indicator_id: str = Field(min_length=1, max_length=80)
    limit: Amount | None = Field(default=None, description="限定值, existing enterprises")
    limit_new: Amount | None = Field(default=None, description="准入值, new and expanded plants")
    unit: Unit | None = None
    source: SourceIn
    effective_from: Day = Field(description="The date from which the figure applies")
    reason: str = Field(default="", max_length=2000)
    product_zh: str | None = Field(default=None, max_length=100)
    product_en: str | None = Field(default=None, max_length=200)
    measure: str | None = Field(default=None, max_length=200)
    allows_negative: bool = False


class InspectionIn(Body):
    indicator_id: str = Field(min_length=1, max_length=80, description="Catalogue indicator")
    measured_value: Amount = Field(description="Measured unit-product energy consumption")
    unit: Unit
    effective_on: Day = Field(description="The date the inspection took effect")
    capacity_amount: Amount = Field(gt=0, description="Capacity of the line inspected (产能)")
    capacity_unit: Unit = Field(description="t/a, m²/a, MW, …")
    new_plant: bool = Field(default=False, description="A new or expanded plant (准入值)")


class ExtensionIn(Body):
    applied_on: Day = Field(description="When the enterprise applied (by the deadline)")
    new_deadline: Day = Field(description="At most 3 calendar months after the current one")
    granted_on: Day = Field(description="When the official granted it")


class ReinspectionIn(Body):
    inspected_on: Day
    measured_value: Amount
    unit: Unit


class ShutdownOrderIn(Body):
    ordered_on: Day
    exit_by: Day | None = Field(default=None, description="The date set for the exit, if any")


class ShutdownVerificationIn(Body):
    verified_on: Day


class PricingMeasureIn(Body):
    uscc: Uscc
    kind: PricingKind
    basis: PricingBasis
    basis_reference: Text = Field(description="The standard or catalogue entry it rests on")
    starts_on: Day
    ends_on: Day | None = Field(default=None, description="Last day it applies, if set")
    case_id: UUID | None = Field(default=None, description="The energy case, if any")
    capacity_amount: Amount | None = Field(default=None, gt=0)
    capacity_unit: Unit | None = None


class PricingEndIn(Body):
    ends_on: Day = Field(description="The last day the price applies")


class ListEntryIn(Body):
    uscc: Uscc
    requirements: list[Text] = Field(min_length=1, max_length=50, description="工作要求")
    due_on: Day = Field(description="Timetable: by when (时间表)")


class InspectionListIn(Body):
    published_on: Day
    follow_up_due_on: Day | None = Field(
        default=None, description="When carried-over failures are due; default: 31 December"
    )
    entries: list[ListEntryIn] = Field(default_factory=list, max_length=5000)


class ListEntryAddIn(ListEntryIn):
    effective_on: Day = Field(description="The date the entry is published")
