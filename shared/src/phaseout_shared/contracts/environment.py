"""The environment dimension's events (环保): `phaseout.environment.*`.

Written by the environment service alone (`mee`). Every payload about an enterprise carries its
`uscc`, `district`, `industry` and the date the fact took effect (`effective_on`). Every case
event carries the `case_id`, the case's `state` after the event and its next `deadline` (none
when nothing is due), so that the city bureau can follow the case without knowing these rules.
The closure order (责令停业、关闭) also carries what closes, its capacity and the legal basis, so
that the city's exit list can count it.
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
from phaseout_shared.reference import Agency


class ListKind(StrEnum):
    """Which list (二（二）1): 重点监管执法企业清单 (`key_supervision`), or 日常巡查动态企业清单
    (`daily_patrol`) for enterprises not in the key pollutant-discharge directory."""

    KEY_SUPERVISION = "key_supervision"
    DAILY_PATROL = "daily_patrol"


class MonitoringState(StrEnum):
    """Online monitoring (污染源自动监控): where the enterprise stands."""

    NOT_INSTALLABLE = "not_installable"
    NOT_INSTALLED = "not_installed"
    INSTALLED = "installed"
    CONNECTED = "connected"


class Basin(StrEnum):
    """The river basins of Table 2 rows 5 and 6: 石马河, 淡水河, 茅洲河."""

    SHIMA = "shima"
    DANSHUI = "danshui"
    MAOZHOU = "maozhou"


class Medium(StrEnum):
    AIR = "air"
    WATER = "water"


class MeasurementVerdict(StrEnum):
    WITHIN_LIMIT = "within_limit"
    OVER_LIMIT = "over_limit"
    NO_LIMIT_LOADED = "no_limit_loaded"
    NOT_IN_FORCE = "not_in_force"


class EquipmentOutcome(StrEnum):
    """Table 2's verdict on an item: eliminate (淘汰/取缔), convert to clean energy, or allowed."""

    ELIMINATE = "eliminate"
    CONVERT = "convert"
    ALLOWED = "allowed"


class ViolationKind(StrEnum):
    """The grounds of a case (二（二）3 and Table 2)."""

    OVER_EMISSION_STANDARD = "over_emission_standard"
    SOLID_WASTE = "solid_waste"
    OVER_TOTAL_QUANTITY = "over_total_quantity"
    NO_PERMIT = "no_permit"
    NOT_PER_PERMIT = "not_per_permit"
    BANNED_EQUIPMENT = "banned_equipment"


class CaseState(StrEnum):
    """Where an environment case stands (限制生产/停产整治 → 整改, or 关闭)."""

    OPEN = "open"
    PRODUCTION_RESTRICTED = "production_restricted"
    SUSPENDED_FOR_RECTIFICATION = "suspended_for_rectification"
    OVERDUE = "overdue"
    RECTIFIED = "rectified"
    CLOSURE_PROPOSED = "closure_proposed"
    CLOSURE_APPROVED = "closure_approved"
    CLOSED = "closed"


STAGES: Mapping[str, Stage] = {
    CaseState.OPEN: Stage.OPEN,
    CaseState.PRODUCTION_RESTRICTED: Stage.RESTRICTED,
    CaseState.SUSPENDED_FOR_RECTIFICATION: Stage.RESTRICTED,
    CaseState.OVERDUE: Stage.OVERDUE,
    CaseState.RECTIFIED: Stage.CLOSED,
    CaseState.CLOSURE_PROPOSED: Stage.EXITING,
    CaseState.CLOSURE_APPROVED: Stage.EXITING,
    CaseState.CLOSED: Stage.EXITED,
}
"""What each state of an environment case means outside the environment service."""


class Measure(StrEnum):
    """限制生产 (`restrict_production`) or 停产整治 (`suspend_for_rectification`)."""

    RESTRICT_PRODUCTION = "restrict_production"
    SUSPEND_FOR_RECTIFICATION = "suspend_for_rectification"


class ClosureOrderKind(StrEnum):
    """责令停业 (`cease_business`) or 责令关闭 (`close`)."""

    CEASE_BUSINESS = "cease_business"
    CLOSE = "close"


class ClosureScope(StrEnum):
    ENTERPRISE = "enterprise"
    LINE = "line"


class AmendmentKind(StrEnum):
    SET_LIMIT = "set_limit"
    ADD_LIMIT = "add_limit"


class _ListEvent(EnterpriseEvent):
    year: int = Field(ge=2000, le=2100, description="The year of the list")
    list_kind: ListKind = Field(description="key_supervision or daily_patrol")
    key_discharge_unit: bool = Field(description="In the key pollutant-discharge directory")


@event_type("phaseout.environment.list_entry.added.v1")
class ListEntryAdded(_ListEvent):
    """An enterprise was put on a list, with what is required of it and by when."""

    requirements: tuple[str, ...] = Field(min_length=1, description="What is required (工作要求)")
    due_on: date = Field(description="Timetable: the date by which it is due (时间表)")


@event_type("phaseout.environment.list_entry.moved.v1")
class ListEntryMoved(_ListEvent):
    """The dynamic lists changed: the enterprise moved from `previous_list` to `list_kind`."""

    previous_list: ListKind = Field(description="The list it was on")
    reason: str = Field(min_length=1, description="Why it moved")


@event_type("phaseout.environment.list_entry.completed.v1")
class ListEntryCompleted(_ListEvent):
    """What the list required of the enterprise was done."""

    note: str = Field(default="", description="What was found done")


@event_type("phaseout.environment.list_entry.removed.v1")
class ListEntryRemoved(_ListEvent):
    """The enterprise was taken off the list."""

    reason: str = Field(min_length=1, description="Why")


@event_type("phaseout.environment.permit.recorded.v1")
class PermitRecorded(EnterpriseEvent):
    """A pollutant-discharge permit (排污许可证): its number, scope and validity."""

    permit_no: str = Field(min_length=1, max_length=60, description="Permit number")
    scope: tuple[str, ...] = Field(min_length=1, description="What it permits to discharge")
    valid_from: date = Field(description="First day of validity")
    valid_until: date = Field(description="Last day of validity")


@event_type("phaseout.environment.permit.revoked.v1")
class PermitRevoked(EnterpriseEvent):
    """A permit stopped being valid before its end (revoked, withdrawn or cancelled)."""

    permit_no: str = Field(min_length=1, max_length=60, description="Permit number")
    reason: str = Field(min_length=1, description="Why")


@event_type("phaseout.environment.monitoring.recorded.v1")
class MonitoringRecorded(EnterpriseEvent):
    """Online monitoring (污染源在线监控) as found: installable, installed, connected."""

    installable: bool = Field(description="Has the conditions to install (具备安装条件)")
    installed: bool = Field(description="Equipment installed and running")
    connected: bool = Field(description="Connected to the bureau (与环保部门联网)")
    state: MonitoringState = Field(description="The three facts as one state")


@event_type("phaseout.environment.measurement.recorded.v1")
class MeasurementRecorded(EnterpriseEvent):
    """A measured concentration judged against the limits catalogue."""

    measurement_id: UUID = Field(description="The measurement")
    limit_id: str = Field(description="The catalogue limit measured against")
    standard: str = Field(description="The standard or requirement that sets the limit")
    medium: Medium = Field(description="air (mg/m³) or water (mg/L)")
    pollutant: str = Field(description="The pollutant")
    facility: str = Field(description="The outlet or facility sampled")
    basin: Basin | None = Field(description="The river basin, where the limit depends on it")
    value: Decimal = Field(ge=0, description="Measured concentration")
    unit: str = Field(description="mg/m³ or mg/L")
    limit: Decimal | None = Field(description="The limit applied; none while it awaits mee")
    verdict: MeasurementVerdict = Field(description="within, over, no limit loaded, not in force")
    catalogue_version: str = Field(description="Version of the limits catalogue applied")
    basis: str = Field(description="Why: the standard, figures and comparison")


@event_type("phaseout.environment.equipment.surveyed.v1")
class EquipmentSurveyed(EnterpriseEvent):
    """An item was judged against Table 2's bans and the coal-boiler conversion."""

    item_id: str = Field(min_length=1, max_length=100, description="The item's id at the site")
    kind: str = Field(description="Equipment kind of the environment catalogue")
    parameters: dict[str, str | float | int] = Field(description="The item as judged")
    outcome: EquipmentOutcome = Field(description="eliminate, convert or allowed")
    rule: str = Field(description="Id of the catalogue rule that decided")
    catalogue_version: str = Field(description="Version of the catalogue applied")
    basis: str = Field(description="Why, naming the threshold and its reading")
    due_on: date | None = Field(description="By when a conversion is due, if the plan says")


@event_type("phaseout.environment.equipment.converted.v1")
class EquipmentConverted(EnterpriseEvent):
    """A coal-fired item was converted to clean energy (清洁能源改造 / 煤改气)."""

    item_id: str = Field(min_length=1, max_length=100, description="The item's id at the site")
    kind: str = Field(description="Equipment kind")
    fuel: str = Field(min_length=1, description="The clean energy now used")
    rule: str = Field(description="Id of the rule that required the conversion")
    due_on: date | None = Field(description="The date it was due by")


@event_type("phaseout.environment.catalogue.amended.v1")
class CatalogueAmended(EventPayload):
    """mee loaded or corrected a limit: a new catalogue version holds."""

    version: str = Field(description="The new catalogue version")
    previous_version: str = Field(description="The version amended")
    kind: AmendmentKind = Field(description="set_limit or add_limit")
    standard: str = Field(description="Id of the catalogue standard")
    limit_id: str = Field(description="The limit set or added")
    limit: Decimal = Field(ge=0, description="The figure")
    unit: str = Field(description="mg/m³ or mg/L")
    source: str = Field(min_length=1, description="Where the figure is published")
    effective_on: date = Field(description="The date from which the figure applies")
    amended_by: Agency = Field(description="The agency that amended the catalogue")
    officer: str = Field(min_length=1, description="Who amended it")


class _CaseEvent(CaseEvent):
    case_id: UUID = Field(description="The environment case")
    state: CaseState = Field(description="The case's state after this event")
    deadline: date | None = Field(description="The next deadline; none when nothing is due")


@event_type("phaseout.environment.case.opened.v1")
class CaseOpened(_CaseEvent):
    """A violation was found: a case is opened (立案)."""

    violation: ViolationKind = Field(description="The ground of the case")
    rule: str = Field(description="Legal basis: id of the catalogue rule or limit")
    catalogue_version: str = Field(description="Version of the catalogue")
    basis: str = Field(description="Why, in words")
    findings: str = Field(min_length=1, description="What the officer found")


@event_type("phaseout.environment.case.measure_ordered.v1")
class MeasureOrdered(_CaseEvent):
    """限制生产 or 停产整治 was ordered, with a deadline (the event's `deadline`)."""

    measure: Measure = Field(description="restrict_production or suspend_for_rectification")
    description: str = Field(default="", description="The order's terms")


@event_type("phaseout.environment.case.rectified.v1")
class CaseRectified(_CaseEvent):
    """Rectified within the deadline: the case is closed without closure."""

    note: str = Field(default="", description="What the check found")


@event_type("phaseout.environment.case.overdue.v1")
class CaseOverdue(_CaseEvent):
    """The measure's deadline passed without rectification."""

    missed_deadline: date = Field(description="The deadline that passed")
    measure: Measure = Field(description="The measure that was due")


class _Closure(_CaseEvent):
    government: str = Field(min_length=1, description="The people's government with the power")


class _WhatCloses(_Closure):
    scope: ClosureScope = Field(description="enterprise or line")
    item: str = Field(min_length=1, max_length=200, description="What closes")
    capacity_amount: Decimal = Field(gt=0, description="Its capacity (产能)")
    capacity_unit: str = Field(min_length=1, max_length=20, description="e.g. t/a, m²/a, MW")


class _ExitFacts(_WhatCloses):
    rule: str = Field(max_length=200, description="Legal basis in short: the catalogue rule")
    catalogue_version: str = Field(description="Legal basis: version of the catalogue")


@event_type("phaseout.environment.closure.proposed.v1")
class ClosureProposed(_WhatCloses):
    """Serious: closure proposed to the people's government with the power (报经…批准)."""

    grounds: str = Field(min_length=1, description="Why the circumstances are serious")


@event_type("phaseout.environment.closure.approved.v1")
class ClosureApproved(_Closure):
    """The people's government approved the closure (effective_on: the date it approved)."""

    approved_by: str = Field(min_length=1, description="Who approved it")
    document: str = Field(default="", description="The approval's document number")


@event_type("phaseout.environment.closure.rejected.v1")
class ClosureRejected(_Closure):
    """The people's government did not approve: the case is back to measures."""

    reason: str = Field(min_length=1, description="Why")


@event_type("phaseout.environment.closure.ordered.v1")
class ClosureOrdered(_ExitFacts):
    """The enterprise or line was ordered to cease business or close (责令停业、关闭)."""

    order: ClosureOrderKind = Field(description="cease_business (停业) or close (关闭)")
    approved_by: str = Field(min_length=1, description="Who approved the closure")
    approved_on: date = Field(description="When the government approved it")


@event_type("phaseout.environment.case.rechecked.v1")
class CaseRechecked(_CaseEvent):
    """A closed enterprise was checked again (回头看) and found closed."""

    findings: str = Field(min_length=1, description="What the re-check found")


@event_type("phaseout.environment.case.reopened.v1")
class CaseReopened(_ExitFacts):
    """The re-check (回头看) found the closed enterprise or line running: the case re-opens.

    It names what had closed, so that the city's exit list can mark that capacity revived.
    """

    findings: str = Field(min_length=1, description="What the re-check found")


@event_type("phaseout.environment.catalogue.published.v1")
class CataloguePublished(NamesPublished):
    """The environment service holds this version of its catalogue (Table 2 and section
    二（二）): the equipment kinds it names (kind), and the grounds of a case, Table 2's
    equipment rules and its standards' limits (rule), keyed by the ids closures carry.

    Published once per version (at start, and by the amendment that makes a version),
    keyed by the subject `catalogue`."""
