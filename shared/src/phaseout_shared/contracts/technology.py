"""The technology dimension's events (技术 / 工艺装备): `phaseout.technology.*`.

Written by the technology service alone (`miit`; `drc` for market access). Every survey verdict
names the Table 5 rule and the catalogue version that decided it, and every elimination case
event carries the case id; the events the city bureau's exit list is built from (a case opened,
capacity exited, a revival found) also carry the district, the industry, the equipment kind, the
capacity figure and unit, and the legal basis (rule id + catalogue version).

A tip from the 地条钢 hotline (举报) never carries the reporter's contact: it stays in the
technology service's own store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from phaseout_shared.contracts.base import (
    CatalogueNames,
    EnterpriseEvent,
    EntryKind,
    EventPayload,
    NamedEntry,
    Stage,
    event_type,
)
from phaseout_shared.reference import USCC, Agency, District, Industry

ParameterValue = bool | int | float | str


class Outcome(StrEnum):
    """A survey verdict on one item of equipment."""

    ELIMINATE = "eliminate"
    ALLOWED = "allowed"


class Measure(StrEnum):
    """What a rule demands beyond dismantling or sealing (Table 5, steel (4), 地条钢)."""

    SHUT_DOWN_AT_ONCE = "shut_down_at_once"
    DISMANTLE_ONLY = "dismantle_only"
    INVESTIGATE = "investigate"


class ExitMeans(StrEnum):
    """How the main equipment was put out of production before on-site acceptance."""

    DISMANTLED = "dismantled"
    SEALED = "sealed"


class TipOutcome(StrEnum):
    """How a check of a hotline tip ended."""

    CONFIRMED = "confirmed"
    UNFOUNDED = "unfounded"


class AccessOutcome(StrEnum):
    """The market-access answer for a proposed project (确保不新增落后产能)."""

    PERMITTED = "permitted"
    FORBIDDEN = "forbidden"


class SealingMeasures(BaseModel):
    """The five things sealing needs where the main equipment cannot be dismantled yet.

    The plan: 暂不具备拆除条件的，应立即断水、断电，拆除动力装置，封存主体设备（生产线），
    企业向社会公开承诺不再恢复生产。
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    water_cut: bool = Field(default=False, description="Water supply cut (断水)")
    power_cut: bool = Field(default=False, description="Power supply cut (断电)")
    power_units_removed: bool = Field(
        default=False, description="Power units removed (拆除动力装置)"
    )
    main_equipment_sealed: bool = Field(
        default=False,
        description="Main equipment (production line) sealed (封存主体设备（生产线）)",
    )
    public_commitment: bool = Field(
        default=False,
        description="The enterprise publicly committed not to resume production "
        "(企业向社会公开承诺不再恢复生产)",
    )

    def missing(self) -> list[str]:
        """The names of the measures not yet taken, in the plan's order."""
        return [name for name, done in self.model_dump().items() if not done]


class CheckedItem(BaseModel):
    """One planned item of a project and the verdict on it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str = Field(description="Equipment kind (VOCABULARY.md, Table 5)")
    verdict: Outcome = Field(description="eliminate or allowed")
    rule: str = Field(description="Id of the Table 5 rule that decided")
    basis: str = Field(description="Why, naming the threshold and its reading")


@event_type("phaseout.technology.equipment.surveyed.v1")
class EquipmentSurveyed(EnterpriseEvent):
    """An item of process equipment was surveyed (落后工艺装备排查) and judged against Table 5."""

    item_id: str = Field(min_length=1, max_length=100, description="The item's id at the site")
    kind: str = Field(description="Equipment kind (VOCABULARY.md, Table 5)")
    parameters: dict[str, ParameterValue] = Field(
        description="The item's parameters as judged, defaults applied (units in the names)"
    )
    verdict: Outcome = Field(description="eliminate or allowed; never allowed by default")
    rule: str = Field(description="Id of the rule that decided (for allowed: the rule not met)")
    catalogue_version: str = Field(description="Version of the rule catalogue applied")
    basis: str = Field(description="Why, naming the threshold and its reading (及以下/以下/超过)")
    reading: str = Field(description="The reading of the threshold(s) that decided")
    exemption: str | None = Field(default=None, description="Id of the exemption that applied")
    measures: tuple[Measure, ...] = Field(
        default=(), description="What the rule demands beyond dismantling or sealing"
    )


class CaseState(StrEnum):
    """Where an elimination case stands (发现一起、淘汰一起: 拆除 or 封存, then 现场验收)."""

    OPEN = "open"
    DISMANTLED = "dismantled"
    SEALED = "sealed"
    EXITED = "exited"


STAGES: Mapping[str, Stage] = {
    CaseState.OPEN: Stage.OPEN,
    CaseState.DISMANTLED: Stage.OPEN,
    CaseState.SEALED: Stage.OPEN,
    CaseState.EXITED: Stage.EXITED,
}
"""What each state of an elimination case means outside the technology service: dismantled or
sealed, it still awaits its on-site acceptance."""


class _CaseEvent(EventPayload):
    case_id: UUID = Field(description="The elimination case (发现一起、淘汰一起)")
    uscc: USCC = Field(description="Unified social credit code (统一社会信用代码)")
    district: District = Field(description="The district whose government executes the plan here")
    effective_on: date = Field(description="The date the act took effect")
    state: CaseState | None = Field(
        default=None,
        description="The case's state after this event (absent from events published before "
        "it was added: the event's type then says it)",
    )


class _ExitFacts(_CaseEvent):
    industry: Industry = Field(description="The enterprise's key industry")
    kind: str = Field(description="Equipment kind (VOCABULARY.md, Table 5)")
    item_id: str = Field(min_length=1, max_length=100, description="The item's id at the site")
    capacity_amount: Decimal = Field(gt=0, description="Capacity figure of the item (产能)")
    capacity_unit: str = Field(min_length=1, max_length=20, description="e.g. t/a, m²/a, MW, m³")
    rule: str = Field(description="Legal basis: id of the Table 5 rule that eliminated the item")
    catalogue_version: str = Field(description="Legal basis: version of the rule catalogue")


@event_type("phaseout.technology.case.opened.v1")
class CaseOpened(_ExitFacts):
    """An eliminated item became a case: found, to be eliminated (发现一起、淘汰一起)."""

    basis: str = Field(description="Why the item is eliminated, naming the reading")


@event_type("phaseout.technology.shutdown.ordered.v1")
class ShutdownOrdered(_CaseEvent):
    """Production ordered to stop at once (立即关停), as Table 5 demands of 地条钢."""

    industry: Industry = Field(description="The enterprise's key industry")
    kind: str = Field(description="Equipment kind (VOCABULARY.md, Table 5)")
    rule: str = Field(description="Legal basis: id of the Table 5 rule")
    catalogue_version: str = Field(description="Legal basis: version of the rule catalogue")


@event_type("phaseout.technology.ditiaogang.investigation_opened.v1")
class DitiaogangInvestigationOpened(_CaseEvent):
    """A 地条钢 producer is to be investigated and punished by law (依法查处).

    miit and samr lead it by their duties (按职责分工牵头): samr is told through this event.
    """

    notified: tuple[Agency, ...] = Field(
        default=(Agency.SAMR,), description="Agencies told of the investigation"
    )
    rule: str = Field(description="Legal basis: id of the Table 5 rule")
    catalogue_version: str = Field(description="Legal basis: version of the rule catalogue")


@event_type("phaseout.technology.case.dismantled.v1")
class CaseDismantled(_CaseEvent):
    """The main equipment was dismantled (拆除相应主体设备)."""

    description: str = Field(min_length=1, description="What was dismantled, and the evidence")


@event_type("phaseout.technology.case.sealed.v1")
class CaseSealed(_CaseEvent):
    """Not yet dismantlable, so sealed: all five measures taken (断水、断电、拆动力、封存、承诺)."""

    measures: SealingMeasures = Field(description="The five sealing measures, all taken")
    description: str = Field(default="", description="The evidence")


@event_type("phaseout.technology.case.acceptance_passed.v1")
class AcceptancePassed(_ExitFacts):
    """On-site acceptance (现场验收) passed: the capacity has exited."""

    exited_by: ExitMeans = Field(description="dismantled or sealed")
    revival: bool = Field(description="Whether the case had been re-opened for a revival")
    note: str = Field(default="", description="What the acceptance found")


@event_type("phaseout.technology.case.acceptance_failed.v1")
class AcceptanceFailed(_CaseEvent):
    """On-site acceptance failed: the case is back to work."""

    reasons: tuple[str, ...] = Field(min_length=1, description="Why acceptance failed")


@event_type("phaseout.technology.case.revival_found.v1")
class RevivalFound(_ExitFacts):
    """A sealed or accepted line was found running again (死灰复燃): the case is re-opened."""

    description: str = Field(min_length=1, description="What was found, and the evidence")
    previous_state: Literal["sealed", "exited"] = Field(
        description="The state the case was in when the revival was found"
    )


class _TipEvent(EventPayload):
    tip_id: UUID = Field(description="The tip from the 地条钢 reporting hotline (举报)")
    uscc: USCC | None = Field(default=None, description="The enterprise the tip names, if known")
    district: District | None = Field(default=None, description="Where, if known")
    effective_on: date = Field(description="The date the act took effect")


@event_type("phaseout.technology.tip.received.v1")
class TipReceived(_TipEvent):
    """A tip arrived through the 地条钢 hotline. The reporter's contact is never published."""

    summary: str = Field(min_length=1, description="What the tip says")


@event_type("phaseout.technology.tip.assigned.v1")
class TipAssigned(_TipEvent):
    """A tip was assigned for checking (举报核查)."""

    assignee: str = Field(min_length=1, description="Who checks it")
    due_on: date = Field(description="The date by which the check is due")


@event_type("phaseout.technology.tip.closed.v1")
class TipClosed(_TipEvent):
    """The check of a tip ended: confirmed (a case follows) or unfounded."""

    outcome: TipOutcome = Field(description="confirmed or unfounded")
    reason: str = Field(min_length=1, description="The findings, or why the tip is unfounded")


@event_type("phaseout.technology.project_check.recorded.v1")
class ProjectCheckRecorded(EventPayload):
    """A proposed project was checked against Table 5 for market access (drc, 负面清单)."""

    check_id: UUID = Field(description="The market-access check")
    project_name: str = Field(min_length=1, description="The proposed project")
    uscc: USCC | None = Field(default=None, description="The proposing enterprise, if known")
    industry: Industry = Field(description="The project's key industry")
    district: District = Field(description="Where the project is proposed")
    outcome: AccessOutcome = Field(description="forbidden if any planned item is eliminated")
    rules: tuple[str, ...] = Field(description="Ids of the rules that forbid the project")
    items: tuple[CheckedItem, ...] = Field(description="Each planned item and its verdict")
    catalogue_version: str = Field(description="Version of the rule catalogue applied")
    effective_on: date = Field(description="The date of the check")


class KindName(BaseModel):
    """An equipment kind of Table 5 as officials name it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    industry: Industry = Field(description="The kind's key industry")
    name_zh: str = Field(description="The plan's name, e.g. 炼铁高炉")
    name_en: str = Field(description="The name in English, e.g. iron-making blast furnace")


class RuleName(BaseModel):
    """A rule of Table 5 in the plan's words, and where it stands in the plan."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    industry: Industry = Field(description="The rule's key industry")
    wording_zh: str = Field(description="The plan's wording of the requirement")
    wording_en: str = Field(description="The requirement in English")
    table: int = Field(description="The plan's table")
    row: int = Field(description="The table's row (序号)")
    item: int | None = Field(description="The row's item ((1), (2) …), if it has several")
    citation: str = Field(description="Table, row and item, e.g. Table 5, row 1 (steel), item (1)")


@event_type("phaseout.technology.catalogue.published.v1")
class CataloguePublished(CatalogueNames):
    """The technology service holds this version of the Table 5 catalogue: the names of its
    equipment kinds and the wording of its rules, for those who show kinds and rules by name.

    Published once per version (again after the outbox's retention, harmlessly: a consumer keeps
    one row per version), keyed by the subject `catalogue`."""

    version: str = Field(description="The catalogue version, e.g. 2019.1")
    effective_on: date = Field(description="The city's date when the service published it")
    title_zh: str = Field(description="The table's title in the plan")
    title_en: str = Field(description="The title in English")
    kinds: dict[str, KindName] = Field(description="Every equipment kind, by its code")
    rules: dict[str, RuleName] = Field(description="Every rule, by its id")

    def named(self) -> Iterable[NamedEntry]:
        for code, kind in self.kinds.items():
            yield NamedEntry(
                entry=EntryKind.KIND,
                code=code,
                industry=kind.industry,
                name_zh=kind.name_zh,
                name_en=kind.name_en,
            )
        for code, rule in self.rules.items():
            item = f"第（{rule.item}）项" if rule.item is not None else ""
            yield NamedEntry(
                entry=EntryKind.RULE,
                code=code,
                industry=rule.industry,
                name_zh=rule.wording_zh,
                name_en=rule.wording_en,
                where_zh=f"表 {rule.table} 第 {rule.row} 行{item}",
                where_en=rule.citation,
            )


class WatchOutcome(StrEnum):
    """How the on-site check of a revival-watch alert ended."""

    REVIVAL_CONFIRMED = "revival_confirmed"
    EXPLAINED = "explained"
    FALSE_READING = "false_reading"


class _WatchAlert(EventPayload):
    alert_id: UUID = Field(description="The revival-watch alert (用电税票大数据监管)")
    uscc: USCC = Field(description="Unified social credit code (统一社会信用代码)")
    district: District = Field(description="The district the enterprise's supply is in")
    effective_on: date = Field(description="The date the act took effect")


class _AlertRaised(_WatchAlert):
    rule: str = Field(description="Id of the watch rule that raised it")
    rules_version: str = Field(description="Version of the watch rule catalogue applied")
    basis: str = Field(description="The rule's basis in the plan, and the figures that broke it")
    period: date = Field(description="The month of the readings that raised it (first day)")
    to: tuple[Agency, ...] = Field(min_length=1, description="The agencies that must check")
    check_by: date = Field(description="The date by which the on-site check is due")
    order_event_id: str | None = Field(
        default=None, description="The order or acceptance being broken (its event id), if any"
    )
    order_type: str | None = Field(default=None, description="That event's type")
    elimination_case: UUID | None = Field(
        default=None, description="The technology elimination case being broken, if any"
    )
    order_case: str | None = Field(
        default=None,
        description="The case of the order being broken, at the agency that ordered it (e.g. "
        "the environment case whose suspension or closure it is), if any",
    )


@event_type("phaseout.technology.watch_alert.raised.v1")
class WatchAlertRaised(_AlertRaised):
    """Electricity drawn again after an ordered power cut, a verified shutdown, an on-site
    acceptance of dismantling or sealing, or during a suspension (断水断电, 停产整改): above the
    rule's share of the enterprise's own consumption before the order. The agency whose order is
    broken checks on site by `check_by`."""


@event_type("phaseout.technology.ditiaogang_alert.raised.v1")
class DitiaogangAlertRaised(_AlertRaised):
    """The 地条钢 signature in the electricity and tax-invoice data (充分利用企业用电和税票大数据
    进行监管): induction-furnace power per tonne of invoiced steel, or steel invoiced without
    licensed steel capacity. miit and samr check, each through its `revival_check` referral."""


@event_type("phaseout.technology.watch_alert.closed.v1")
class WatchAlertClosed(_WatchAlert):
    """The on-site check of an alert ended: the revival confirmed (an elimination case is
    re-opened for it), explained (with the reason), or a false reading; recorded by miit at the
    technology service, or answered by a named agency to its `revival_check` referral."""

    outcome: WatchOutcome = Field(description="revival_confirmed, explained or false_reading")
    reason: str = Field(min_length=1, description="What the check found")
    closed_by: Agency | None = Field(
        default=None, description="The agency whose on-site check closed it"
    )
    referral_id: UUID | None = Field(
        default=None, description="The referral whose answer closed it, if it was answered so"
    )
