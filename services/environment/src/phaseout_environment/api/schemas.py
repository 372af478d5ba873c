"""Request bodies of the environment API (responses are the domain's own models)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from phaseout_shared.contracts.environment import (
    AmendmentKind,
    Basin,
    ClosureOrderKind,
    ClosureScope,
    ListKind,
    Measure,
    Medium,
    ViolationKind,
)
from phaseout_shared.limits import (
    Body,
    Day,
    Effective,
    Equipment,
    LongStatements,
    Statements,
    Uscc,
)
from phaseout_shared.reference import District

EQUIPMENT = '`{"kind": KIND, ...parameters}`: a kind of the catalogue (`GET /v1/catalogue`)'


class MeasurementIn(Effective):
    limit_id: str = Field(min_length=1, max_length=80, description="The catalogue limit")
    facility: str = Field(min_length=1, max_length=200, description="Outlet or facility sampled")
    value: Decimal = Field(ge=0, allow_inf_nan=False, description="Concentration measured")
    unit: str = Field(min_length=1, max_length=10, description="mg/m³ (air) or mg/L (water)")
    basin: Basin | None = Field(default=None, description="Where the outlet drains, if a basin")
    findings: str = Field(default="", max_length=2000, description="What the officer found")


class EquipmentIn(Effective):
    item_id: str = Field(min_length=1, max_length=100, description="The item's id at the site")
    equipment: Equipment = Field(description=EQUIPMENT)
    findings: str = Field(default="", max_length=2000, description="What the officer found")


class ConversionIn(Effective):
    fuel: str = Field(min_length=1, max_length=100, description="Clean energy now used")


class ViolationIn(Effective):
    violation: ViolationKind = Field(description="The ground (over-limit and equipment excepted)")
    findings: str = Field(min_length=1, max_length=2000, description="What the officer found")


class MeasureIn(Effective):
    measure: Measure = Field(description="restrict_production (限制生产) or suspend (停产整治)")
    deadline: Day = Field(description="The date by which to rectify")
    description: str = Field(default="", max_length=2000, description="The order's terms")


class RectificationIn(Effective):
    note: str = Field(default="", max_length=2000, description="What the check found")


class OverdueSweepIn(Body):
    as_of: Day = Field(description="Mark the cases whose deadline passed before this date")
    district: District | None = Field(default=None, description="Only this district's cases")


class ClosureProposalIn(Effective):
    government: str = Field(min_length=1, max_length=100, description="有批准权的人民政府")
    grounds: str = Field(min_length=1, max_length=2000, description="Why it is serious")
    scope: ClosureScope = Field(description="enterprise or line")
    item: str = Field(min_length=1, max_length=200, description="What would close")
    capacity_amount: Decimal = Field(gt=0, allow_inf_nan=False, description="Its capacity")
    capacity_unit: str = Field(min_length=1, max_length=20, description="t/a, m²/a, MW…")


class ClosureApprovalIn(Effective):
    government: str = Field(min_length=1, max_length=100, description="The government asked")
    approved_by: str = Field(min_length=1, max_length=200, description="Who approved")
    document: str = Field(default="", max_length=200, description="The approval's number")


class ClosureRejectionIn(Effective):
    government: str = Field(min_length=1, max_length=100, description="The government asked")
    reason: str = Field(min_length=1, max_length=2000, description="Why it did not approve")


class ClosureOrderIn(Effective):
    order: ClosureOrderKind = Field(description="cease_business (停业) or close (关闭)")
    close_by: Day | None = Field(default=None, description="The date by which to close")


class RecheckIn(Effective):
    found_running: bool = Field(description="Whether the re-check (回头看) found it running")
    findings: str = Field(min_length=1, max_length=2000, description="What it found")


class ListEntryIn(Effective):
    year: int = Field(ge=2000, le=2100, description="The year of the list")
    uscc: Uscc = Field(description="The enterprise")
    list_kind: ListKind = Field(description="key_supervision or daily_patrol")
    key_discharge_unit: bool = Field(default=False, description="In the 重点排污单位 directory")
    requirements: LongStatements = Field(min_length=1, description="工作要求")
    due_on: Day = Field(description="时间表: the date by which it is due")


class ListMoveIn(Effective):
    list_kind: ListKind = Field(description="The list it moves to")
    key_discharge_unit: bool | None = Field(default=None, description="Unchanged if absent")
    reason: str = Field(min_length=1, max_length=2000, description="Why it moves")


class ListCompletionIn(Effective):
    note: str = Field(default="", max_length=2000, description="What was found done")


class ListRemovalIn(Effective):
    reason: str = Field(min_length=1, max_length=2000, description="Why")


class PermitIn(Effective):
    permit_no: str = Field(min_length=1, max_length=60, description="排污许可证编号")
    scope: Statements = Field(min_length=1, description="What it permits to discharge")
    valid_from: Day = Field(description="First day of validity")
    valid_until: Day = Field(description="Last day of validity")


class PermitRevocationIn(Effective):
    reason: str = Field(min_length=1, max_length=2000, description="Why")


class MonitoringIn(Effective):
    installable: bool = Field(description="Has the conditions to install (具备安装条件)")
    installed: bool = Field(description="Installed and running")
    connected: bool = Field(description="Connected to the bureau (与环保部门联网)")


class SourceIn(Body):
    document: str = Field(min_length=1, max_length=500)
    url: str | None = Field(default=None, max_length=500)
    excerpt: str | None = Field(default=None, max_length=2000)


class AmendmentIn(Body):
    kind: AmendmentKind = Field(description="set_limit (load or correct) or add_limit")
    standard: str = Field(min_length=1, max_length=60, description="Id of the standard")
    limit_id: str = Field(min_length=1, max_length=80, description="The limit set or added")
    limit: Decimal = Field(ge=0, allow_inf_nan=False, description="The figure")
    unit: str = Field(min_length=1, max_length=10, description="mg/m³ or mg/L")
    source: SourceIn = Field(description="Where the figure is published")
    effective_from: Day = Field(description="The date from which the figure applies")
    reason: str = Field(default="", max_length=2000)
    standard_code: str | None = Field(default=None, max_length=60, description="Once published")
    medium: Medium | None = Field(default=None, description="For add_limit")
    facility_zh: str | None = Field(default=None, max_length=200, description="For add_limit")
    facility_en: str | None = Field(default=None, max_length=200, description="For add_limit")
    pollutant_zh: str | None = Field(default=None, max_length=100, description="For add_limit")
    pollutant_en: str | None = Field(default=None, max_length=100, description="For add_limit")
