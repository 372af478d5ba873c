"""The safety dimension's events (安全): `phaseout.safety.*`.

Written by the safety service alone (`mem`, 市应急管理局). Every payload about an enterprise
carries its `uscc`, `district`, `industry` and the date the fact took effect (`effective_on`).

Two kinds of case, each event of which carries the `case_id`, the case's `state` after the
event and its next `deadline` (none when nothing is due), so that the city bureau can show
what is due and overdue without knowing the safety rules:
- a hidden hazard's rectification (隐患排查治理), tracked until its 五落实 — measures,
  responsibility, funds, time limit and plan — are in place and the hazard is rectified;
- an enforcement case: conditions below the law or standard are suspended for rectification
  at once (停产停业整顿); a passing re-inspection lifts it; still unsafe, the government is asked
  to close (提请政府予以关闭), decides, the capacity closes and the licences are revoked.

The closure (`case.closed`) carries what the city's exit list counts: the item, the capacity
figure and unit, and the legal basis (rule id and catalogue version).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from phaseout_shared.contracts.base import (
    CaseEvent,
    EnterpriseEvent,
    Stage,
    event_type,
)
from phaseout_shared.reference import District

Government = District | Literal["city"]
"""The people's government asked to close: a district's (区政府) or the city's (市政府)."""


class ListName(StrEnum):
    """The two lists of the plan, and neither (二（四）1)."""

    KEY = "key"
    """重点监管企业清单: the key-supervision list."""
    PATROL = "patrol"
    """日常巡查动态企业清单: the dynamic daily-patrol list of the others."""
    DELISTED = "delisted"
    """On neither list any more (e.g. closed); kept on the ledger (台账)."""


class Outcome(StrEnum):
    """What a finding of an inspection leads to (the catalogue says which)."""

    RECTIFY_HAZARD = "rectify_hazard"
    """隐患排查治理 with the 五落实 in place."""
    SUSPEND = "suspend"
    """依法责令立即停产停业整顿."""


class HazardState(StrEnum):
    """Where a hidden hazard's rectification stands."""

    OPEN = "open"
    """Found; not all five of the 五落实 are in place yet."""
    RECTIFYING = "rectifying"
    """All five in place (五落实); being rectified by its time limit."""
    OVERDUE = "overdue"
    """The time limit (时限) passed before the hazard was rectified."""
    RECTIFIED = "rectified"
    """Verified rectified (隐患治理完成)."""


class CaseState(StrEnum):
    """Where an enforcement case stands (停产停业整顿 → 提请关闭 → 关闭 → 吊销证照)."""

    SUSPENDED = "suspended"
    OVERDUE = "overdue"
    LIFTED = "lifted"
    STILL_UNSAFE = "still_unsafe"
    CLOSURE_REQUESTED = "closure_requested"
    CLOSURE_DECIDED = "closure_decided"
    CLOSED = "closed"
    REVOKED = "revoked"
    """相关证照 revoked (吊销相关证照): the case ends."""


STAGES: Mapping[str, Stage] = {
    HazardState.OPEN: Stage.OPEN,
    HazardState.RECTIFYING: Stage.OPEN,
    HazardState.OVERDUE: Stage.OVERDUE,
    HazardState.RECTIFIED: Stage.CLOSED,
    CaseState.SUSPENDED: Stage.RESTRICTED,
    CaseState.OVERDUE: Stage.OVERDUE,
    CaseState.LIFTED: Stage.CLOSED,
    CaseState.STILL_UNSAFE: Stage.OPEN,
    CaseState.CLOSURE_REQUESTED: Stage.EXITING,
    CaseState.CLOSURE_DECIDED: Stage.EXITING,
    CaseState.CLOSED: Stage.EXITED,
    CaseState.REVOKED: Stage.EXITED,
}
"""What each state of a hazard's rectification or an enforcement case means outside the safety
service (a hazard and a case that are overdue are overdue alike)."""


class FiveInPlace(BaseModel):
    """The 五落实 of a hazard's rectification: 隐患排查治理措施、责任、资金、时限和预案.

    A part is in place once it is stated; `None` is a part still missing.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    measures: str | None = Field(default=None, description="Rectification measures (措施)")
    responsibility: str | None = Field(
        default=None, description="Who is responsible for the rectification (责任)"
    )
    funds: Decimal | None = Field(
        default=None, gt=0, description="Funds secured for the rectification, in CNY (资金)"
    )
    time_limit: date | None = Field(
        default=None, description="The date by which the hazard is rectified (时限)"
    )
    plan: str | None = Field(
        default=None, description="The plan, with its emergency arrangements (预案)"
    )

    def missing(self) -> list[str]:
        """The parts not yet in place, in the plan's order."""
        return [name for name, value in self.model_dump().items() if value is None]


class FindingVerdict(BaseModel):
    """One finding of an inspection and what the catalogue says it leads to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str = Field(description="Finding kind of the safety catalogue, e.g. hidden_hazard")
    description: str = Field(min_length=1, description="What the inspectors found")
    reference: str | None = Field(
        default=None, description="The law, regulation or standard (and clause) not met"
    )
    outcome: Outcome = Field(description="rectify_hazard or suspend")
    rule: str = Field(description="Id of the catalogue rule that decided")
    basis: str = Field(description="Why, quoting the plan")


class Licence(BaseModel):
    """A licence or certificate revoked (相关证照)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="What it is, e.g. 安全生产许可证")
    number: str = Field(min_length=1, max_length=100, description="Its number")
    authority: str = Field(
        min_length=1, max_length=200, description="The department that revoked it (有关部门)"
    )


class _Listed(EnterpriseEvent):
    requirements: tuple[str, ...] = Field(min_length=1, description="What is required (工作要求)")
    due_on: date = Field(description="Timetable: the date by which it is due (时间表)")
    reason: str = Field(min_length=1, description="Why the enterprise is on this list")


@event_type("phaseout.safety.listing.entered.v1")
class ListingEntered(_Listed):
    """The enterprise was put on the ledger (台账) and on the key or the patrol list."""

    list_name: Literal["key", "patrol"] = Field(
        description="key (重点监管企业清单) or patrol (日常巡查动态企业清单)"
    )


@event_type("phaseout.safety.listing.moved.v1")
class ListingMoved(_Listed):
    """The enterprise moved between the lists (动态), or back onto one."""

    list_name: Literal["key", "patrol"] = Field(description="The list it is on now")
    previous_list: ListName = Field(description="The list it was on")


@event_type("phaseout.safety.listing.removed.v1")
class ListingRemoved(EnterpriseEvent):
    """The enterprise was taken off both lists; it stays on the ledger (台账)."""

    previous_list: Literal["key", "patrol"] = Field(description="The list it was on")
    reason: str = Field(min_length=1, description="Why, e.g. closed")


@event_type("phaseout.safety.inspection.recorded.v1")
class InspectionRecorded(EnterpriseEvent):
    """A safety inspection (安全生产监督检查) was recorded with its findings and their outcomes."""

    inspection_id: UUID = Field(description="The inspection")
    inspectors: str = Field(min_length=1, description="Who inspected")
    findings: tuple[FindingVerdict, ...] = Field(description="Each finding and its outcome")
    catalogue_version: str = Field(description="Version of the safety catalogue applied")
    hazard_case_ids: tuple[UUID, ...] = Field(description="The hazard rectifications opened")
    suspension_case_id: UUID | None = Field(
        description="The enforcement case opened by a suspension order, if any"
    )


class _HazardEvent(EnterpriseEvent):
    case_id: UUID = Field(
        description="The hazard's rectification (隐患排查治理), a case of its own"
    )
    state: HazardState = Field(description="The rectification's state after this event")
    deadline: date | None = Field(
        description="The time limit (时限) while the hazard is not rectified; none until set"
    )


@event_type("phaseout.safety.hazard.found.v1")
class HazardFound(_HazardEvent):
    """An inspection found a hidden hazard: it is to be rectified with the 五落实 in place."""

    inspection_id: UUID = Field(description="The inspection that found it")
    description: str = Field(min_length=1, description="What was found")
    rule: str = Field(description="Id of the catalogue rule (五落实)")
    catalogue_version: str = Field(description="Version of the safety catalogue applied")


@event_type("phaseout.safety.hazard.five_in_place_updated.v1")
class FiveInPlaceUpdated(_HazardEvent):
    """Parts of the 五落实 were put in place; `missing` names what is still lacking."""

    five_in_place: FiveInPlace = Field(description="The five parts as they now stand")
    missing: tuple[str, ...] = Field(description="The parts still missing, in the plan's order")


@event_type("phaseout.safety.hazard.overdue.v1")
class HazardOverdue(_HazardEvent):
    """The time limit (时限) passed before the hazard was rectified."""

    missed_deadline: date = Field(description="The time limit that passed")


@event_type("phaseout.safety.hazard.rectified.v1")
class HazardRectified(_HazardEvent):
    """The hazard's rectification was verified (隐患治理完成), all five in place."""

    late: bool = Field(description="Whether it was rectified after its time limit")
    note: str = Field(default="", description="What the verification found")


class _CaseEvent(CaseEvent):
    case_id: UUID = Field(description="The enforcement case (停产停业整顿 and what follows)")
    state: CaseState = Field(description="The case's state after this event")
    deadline: date | None = Field(
        description="The next deadline: the end of the rectification period while suspended "
        "or overdue, the closure date the government set if any; none when nothing is due"
    )


class _LegalStep(_CaseEvent):
    rule: str = Field(description="Legal basis: id of the safety catalogue rule")
    catalogue_version: str = Field(description="Legal basis: version of the safety catalogue")


@event_type("phaseout.safety.case.suspension_ordered.v1")
class SuspensionOrdered(_LegalStep):
    """Conditions below the law or standard: suspension for rectification ordered at once
    (依法责令立即停产停业整顿)."""

    inspection_id: UUID = Field(description="The inspection that found the conditions")
    grounds: tuple[FindingVerdict, ...] = Field(
        min_length=1, description="The conditions found below the law or standard"
    )
    item: str = Field(min_length=1, max_length=200, description="What is suspended (产能)")
    capacity_amount: Decimal = Field(gt=0, description="Capacity figure of what is suspended")
    capacity_unit: str = Field(min_length=1, max_length=20, description="e.g. t/a, m²/a, MW")
    rectify_by: date = Field(description="End of the rectification period (整顿期限)")
    basis: str = Field(description="The legal basis in words, quoting the plan")


@event_type("phaseout.safety.case.overdue.v1")
class CaseOverdue(_CaseEvent):
    """The rectification period ended without a passing re-inspection."""

    missed_deadline: date = Field(description="The end of the period that passed")


@event_type("phaseout.safety.case.suspension_lifted.v1")
class SuspensionLifted(_CaseEvent):
    """A re-inspection (复查) found the safety conditions met: production may resume."""

    note: str = Field(default="", description="What the re-inspection found")


@event_type("phaseout.safety.case.reinspection_failed.v1")
class ReinspectionFailed(_CaseEvent):
    """Still without safe production conditions after it (经停产停业整顿仍不具备安全生产条件)."""

    reasons: tuple[str, ...] = Field(min_length=1, description="What is still unsafe")


@event_type("phaseout.safety.case.closure_requested.v1")
class ClosureRequested(_LegalStep):
    """The government was asked to close the capacity (提请政府予以关闭)."""

    government: Government = Field(description="The people's government asked: district or city")
    note: str = Field(default="", description="The request's reference or remarks")


@event_type("phaseout.safety.case.closure_decided.v1")
class ClosureDecided(_CaseEvent):
    """The government decided to close the capacity."""

    government: Government = Field(description="The people's government that decided")
    document: str = Field(min_length=1, max_length=200, description="The decision's document no.")
    close_by: date | None = Field(description="The date by which it closes, if the decision sets")


@event_type("phaseout.safety.case.closure_declined.v1")
class ClosureDeclined(_CaseEvent):
    """The government decided not to close: the suspension for rectification goes on."""

    government: Government = Field(description="The people's government that decided")
    document: str = Field(min_length=1, max_length=200, description="The decision's document no.")
    reason: str = Field(min_length=1, description="Why the government declined")
    rectify_by: date = Field(description="End of the new rectification period")


@event_type("phaseout.safety.case.closed.v1")
class CaseClosed(_LegalStep):
    """The capacity was closed (关闭) by the government's decision. It counts on the exit list."""

    item: str = Field(min_length=1, max_length=200, description="What closed (产能)")
    capacity_amount: Decimal = Field(gt=0, description="Capacity figure of what closed")
    capacity_unit: str = Field(min_length=1, max_length=20, description="e.g. t/a, m²/a, MW")
    government: Government = Field(description="The people's government that decided")
    document: str = Field(min_length=1, description="The decision's document no.")
    description: str = Field(min_length=1, description="How the closure was carried out")
    basis: str = Field(description="The legal basis in words, quoting the plan")


@event_type("phaseout.safety.case.revival_found.v1")
class CaseRevivalFound(_LegalStep):
    """死灰复燃: an on-site check found the closed capacity running again (a revival-watch
    alert's check, confirmed by mem). The government's closure decision stands and is to be
    carried out again: the case is back to `closure_decided`. It names what had closed and
    under which rule, so that the city's exit list marks that capacity revived."""

    item: str = Field(min_length=1, max_length=200, description="What had closed (产能)")
    capacity_amount: Decimal = Field(gt=0, description="Capacity figure of what had closed")
    capacity_unit: str = Field(min_length=1, max_length=20, description="e.g. t/a, m²/a, MW")
    closed_on: date = Field(description="The day it had closed (its exit)")
    findings: str = Field(min_length=1, description="What the on-site check found")
    alert_id: UUID | None = Field(
        default=None, description="The revival-watch alert whose check found it, if any"
    )
    basis: str = Field(description="The legal basis in words, quoting the plan")


@event_type("phaseout.safety.case.licences_revoked.v1")
class LicencesRevoked(_LegalStep):
    """The relevant licences were revoked by law (有关部门应当依法依规吊销其相关证照)."""

    licences: tuple[Licence, ...] = Field(min_length=1, description="The licences revoked")
