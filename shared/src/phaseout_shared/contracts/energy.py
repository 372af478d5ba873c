"""The energy dimension's events (工业能耗): `phaseout.energy.*`.

Written by the energy service alone (`miit` and `drc`; `water` for water pricing). Every payload
about an enterprise carries its `uscc` and the date the fact took effect (`effective_on`). Every
case event carries the `case_id`, the case's `state` after the event and its next `deadline`
(none once closed), so that the city bureau can show what is due and what is overdue without
knowing the energy rules. The legal basis of a case is the Table 1 standard, the indicator and
the version of the limits catalogue that held the figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from phaseout_shared.contracts.base import (
    CaseEvent,
    EnterpriseEvent,
    EventPayload,
    NamesPublished,
    Stage,
    event_type,
)
from phaseout_shared.reference import Agency, Industry


class Verdict(StrEnum):
    """How a measured unit-product energy consumption compares with its Table 1 limit."""

    WITHIN_LIMIT = "within_limit"
    OVER_LIMIT = "over_limit"
    NOT_APPLICABLE = "not_applicable"
    NO_LIMIT_LOADED = "no_limit_loaded"


class CaseState(StrEnum):
    """Where an energy case stands (整改 → 复查 → 关停退出)."""

    RECTIFYING = "rectifying"
    RECTIFIED = "rectified"
    SHUTDOWN_REQUIRED = "shutdown_required"
    OVERDUE = "overdue"
    SHUTDOWN_ORDERED = "shutdown_ordered"
    EXITED = "exited"


STAGES: Mapping[str, Stage] = {
    CaseState.RECTIFYING: Stage.OPEN,
    CaseState.RECTIFIED: Stage.CLOSED,
    CaseState.SHUTDOWN_REQUIRED: Stage.EXITING,
    CaseState.OVERDUE: Stage.OVERDUE,
    CaseState.SHUTDOWN_ORDERED: Stage.EXITING,
    CaseState.EXITED: Stage.EXITED,
}
"""What each state of an energy case means outside the energy service."""


class ShutdownReason(StrEnum):
    """Why capacity is shut down by law: 逾期未整改 or 经整改仍未达标."""

    OVERDUE = "overdue"
    REINSPECTION_FAILED = "reinspection_failed"


class PricingKind(StrEnum):
    """The differential energy and resource prices of the plan (差别化能源资源价格)."""

    DIFFERENTIAL_ELECTRICITY = "differential_electricity"
    TIERED_ELECTRICITY = "tiered_electricity"
    PUNITIVE_ELECTRICITY = "punitive_electricity"
    PROGRESSIVE_WATER = "progressive_water"


class PricingBasis(StrEnum):
    """Which capacity the plan prices differently.

    能耗、电耗达不到强制性标准的产能 (`over_energy_limit`), or capacity in the eliminated category
    (淘汰类) of the Industrial Structure Adjustment Catalogue (`eliminated_category`).
    """

    OVER_ENERGY_LIMIT = "over_energy_limit"
    ELIMINATED_CATEGORY = "eliminated_category"


class AmendmentKind(StrEnum):
    """What an amendment of the limits catalogue does."""

    SET_LIMIT = "set_limit"
    ADD_INDICATOR = "add_indicator"


@event_type("phaseout.energy.inspection.recorded.v1")
class InspectionRecorded(EnterpriseEvent):
    """An energy inspection (节能监察) compared a line's consumption with its Table 1 limit."""

    inspection_id: UUID = Field(description="The inspection")
    standard: str | None = Field(description="The Table 1 standard, e.g. GB 21346-2013")
    indicator_id: str | None = Field(description="The catalogue indicator measured")
    measured_value: Decimal | None = Field(description="Measured unit-product consumption")
    unit: str | None = Field(description="Unit of the measured value and the limit, e.g. kgce/t")
    limit: Decimal | None = Field(description="The limit applied; none when none is loaded")
    verdict: Verdict = Field(
        description="within_limit, over_limit, not_applicable, no_limit_loaded"
    )
    catalogue_version: int = Field(ge=1, description="Version of the limits catalogue applied")
    basis: str = Field(description="Why: the standard, indicator, figures and comparison")
    capacity_amount: Decimal = Field(gt=0, description="Capacity of the line inspected (产能)")
    capacity_unit: str = Field(min_length=1, max_length=20, description="e.g. t/a, m²/a, MW")


class _CaseEvent(CaseEvent):
    case_id: UUID = Field(description="The energy case (限期整改)")
    state: CaseState = Field(description="The case's state after this event")
    deadline: date | None = Field(
        description="The next deadline: the rectification deadline while rectifying, the exit "
        "date set with a shutdown order if any; none once nothing is due"
    )


class _LegalBasis(_CaseEvent):
    standard: str = Field(description="Legal basis: the Table 1 standard, e.g. GB 21346-2013")
    indicator_id: str = Field(description="Legal basis: the catalogue indicator")
    catalogue_version: int = Field(ge=1, description="Legal basis: version of the catalogue")
    capacity_amount: Decimal = Field(gt=0, description="Capacity of the line concerned (产能)")
    capacity_unit: str = Field(min_length=1, max_length=20, description="e.g. t/a, m²/a, MW")


@event_type("phaseout.energy.case.opened.v1")
class CaseOpened(_LegalBasis):
    """Over the limit: the capacity must be rectified within 6 months (应在 6 个月内整改)."""

    inspection_id: UUID = Field(description="The inspection that found the excess")
    measured_value: Decimal = Field(description="Measured unit-product consumption")
    limit: Decimal = Field(description="The limit exceeded")
    unit: str = Field(description="Unit of the value and the limit")
    basis: str = Field(description="Why, naming the standard, indicator and figures")


@event_type("phaseout.energy.case.extension_granted.v1")
class ExtensionGranted(_CaseEvent):
    """The one extension of at most 3 months was granted (不超过 3 个月的延期)."""

    applied_on: date = Field(description="The date the enterprise applied")
    previous_deadline: date = Field(description="The deadline before the extension")


class _Reinspected(_CaseEvent):
    measured_value: Decimal = Field(description="Consumption measured at re-inspection (复查)")
    limit: Decimal = Field(description="The limit of the case")
    unit: str = Field(description="Unit of the value and the limit")


@event_type("phaseout.energy.case.rectified.v1")
class CaseRectified(_Reinspected):
    """Re-inspected within the deadline and within the limit: the case is closed."""


@event_type("phaseout.energy.case.reinspection_failed.v1")
class ReinspectionFailed(_Reinspected):
    """Still over the limit after rectification (经整改仍未达标): shut down and exit by law."""


@event_type("phaseout.energy.case.overdue.v1")
class CaseOverdue(_CaseEvent):
    """The deadline passed without a passing re-inspection (逾期未整改): shut down and exit."""

    missed_deadline: date = Field(description="The deadline that passed")
    extended: bool = Field(description="Whether that deadline was an extended one")


@event_type("phaseout.energy.shutdown.ordered.v1")
class ShutdownOrdered(_LegalBasis):
    """The official ordered the capacity shut down and out by law (依法关停退出)."""

    reason: ShutdownReason = Field(description="overdue or reinspection_failed")


@event_type("phaseout.energy.shutdown.verified.v1")
class ShutdownVerified(_LegalBasis):
    """The shutdown was verified: the capacity has exited (关停退出). It counts on the exit list."""

    reason: ShutdownReason = Field(description="overdue or reinspection_failed")
    basis: str = Field(description="The legal basis in words: standard, indicator, version")


@event_type("phaseout.energy.case.revival_found.v1")
class CaseRevivalFound(_LegalBasis):
    """死灰复燃: an on-site check found the capacity that had exited running again (a
    revival-watch alert's check, confirmed by miit or drc). The shutdown order stands and is to
    be verified again: the case is back to `shutdown_ordered`. It names the exit's legal basis,
    so that the city's exit list marks that capacity revived."""

    reason: ShutdownReason = Field(
        description="The shutdown's grounds: overdue or reinspection_failed"
    )
    exited_on: date = Field(description="The day its shutdown had been verified (its exit)")
    findings: str = Field(min_length=1, description="What the on-site check found")
    alert_id: UUID | None = Field(
        default=None, description="The revival-watch alert whose check found it, if any"
    )
    basis: str = Field(description="The legal basis in words: standard, indicator, version")


class _PricingEvent(EnterpriseEvent):
    measure_id: UUID = Field(description="The differential pricing measure")
    kind: PricingKind = Field(
        description="Which price: differential, tiered or punitive "
        "electricity, or progressive water pricing"
    )


@event_type("phaseout.energy.pricing_measure.recorded.v1")
class PricingMeasureRecorded(_PricingEvent):
    """A differential price applies to capacity from `starts_on` (effective_on = starts_on)."""

    basis: PricingBasis = Field(description="over_energy_limit or eliminated_category")
    basis_reference: str = Field(min_length=1, description="The standard or catalogue entry")
    case_id: UUID | None = Field(default=None, description="The energy case, if any")
    starts_on: date = Field(description="First day the price applies")
    ends_on: date | None = Field(description="Last day the price applies, if set")
    recorded_by: Agency = Field(description="The agency that recorded the measure")
    capacity_amount: Decimal | None = Field(default=None, gt=0, description="Capacity priced")
    capacity_unit: str | None = Field(default=None, max_length=20, description="e.g. t/a, MW")


@event_type("phaseout.energy.pricing_measure.ended.v1")
class PricingMeasureEnded(_PricingEvent):
    """A differential price stops applying after `ends_on` (effective_on = ends_on)."""

    ends_on: date = Field(description="Last day the price applied")
    ended_by: Agency = Field(description="The agency that ended the measure")


@event_type("phaseout.energy.inspection_list.entry_added.v1")
class InspectionListEntryAdded(EnterpriseEvent):
    """An enterprise was put on the year's list (节能监察执法企业清单); effective_on = published."""

    year: int = Field(ge=2000, le=2100, description="The year of the list")
    requirements: tuple[str, ...] = Field(min_length=1, description="What is required (工作要求)")
    due_on: date = Field(description="Timetable: the date by which it is due (时间表)")
    carried_over: bool = Field(description="A failure of an earlier year not yet resolved")
    carried_from_year: int | None = Field(description="The year the carried failure was found")
    case_ids: tuple[UUID, ...] = Field(description="The unresolved cases carried over, if any")


@event_type("phaseout.energy.catalogue.amended.v1")
class CatalogueAmended(EventPayload):
    """The energy agency amended the Table 1 limits catalogue: a new version holds."""

    version: int = Field(ge=2, description="The new catalogue version")
    previous_version: int = Field(ge=1, description="The version amended")
    kind: AmendmentKind = Field(description="set_limit or add_indicator")
    standard: str = Field(description="The Table 1 standard")
    industry: Industry = Field(description="The standard's key industry")
    indicator_id: str = Field(description="The indicator amended or added")
    limit: Decimal | None = Field(description="Limit for existing enterprises (限定值)")
    limit_new: Decimal | None = Field(description="Limit for new and expanded plants (准入值)")
    unit: str | None = Field(description="Unit of the limits")
    source: str = Field(min_length=1, description="Where the figure is published")
    effective_on: date = Field(description="The date from which the figure applies")
    amended_by: Agency = Field(description="The agency that amended the catalogue")
    officer: str = Field(min_length=1, description="Who amended it")
    reason: str = Field(default="", description="Why")


@event_type("phaseout.energy.catalogue.published.v1")
class CataloguePublished(NamesPublished):
    """The energy service holds this version of the Table 1 limits catalogue: each
    standard's indicators named as the lines they close (kind) and as the limit an exit
    is ordered under (rule), keyed by the codes its exits carry (`<standard> <indicator>`).

    Published once per version (at start, and by the amendment that makes a version),
    keyed by the subject `catalogue`."""
