"""The quality dimension's events (质量): `phaseout.quality.*`.

Written by the quality service alone (`samr`). Every payload names the enterprise (`uscc`,
`district`, `industry`) and the date the fact or act took effect (`effective_on`).

Every case event — a spot-check case (停止生产并限期整改) or an unlicensed-production case
(无证违法生产) — carries the `case_id`, the case's `state` after the event and its next
`deadline` (none when nothing is due), so that the city bureau can follow it without knowing the
quality rules. Licence and cancellation-request events are not case events: they carry no
`case_id` (a revocation names the case that caused it as `revoking_case_id`).

The legal basis of a case is the plan's measure (`rule`), the Table 3 row of the enterprise's
industry (`table3_row`) and the version of the quality catalogue (`catalogue_version`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from phaseout_shared.contracts.base import (
    CaseEvent,
    EnterpriseEvent,
    Stage,
    event_type,
)


class LicenceStatus(StrEnum):
    """A production licence (生产许可证) as recorded; expiry is judged as of a date, not stored."""

    VALID = "valid"
    REVOKED = "revoked"
    CANCELLED = "cancelled"


class CaseState(StrEnum):
    """Where a spot-check case stands (停止生产并限期整改 → 复查 → 吊销相关证照)."""

    RECTIFYING = "rectifying"
    RECTIFIED = "rectified"
    REVOCATION_REQUIRED = "revocation_required"
    OVERDUE = "overdue"
    REVOKED = "revoked"


class RevocationReason(StrEnum):
    """Why the licences are revoked: 逾期不改正 or 经整改复查仍不合格."""

    OVERDUE = "overdue"
    REINSPECTION_FAILED = "reinspection_failed"


class UnlicensedState(StrEnum):
    """Where an unlicensed-production case stands: stop ordered, or the stop verified."""

    STOP_ORDERED = "stop_ordered"
    RECTIFIED = "rectified"


STAGES: Mapping[str, Stage] = {
    CaseState.RECTIFYING: Stage.OPEN,
    CaseState.RECTIFIED: Stage.CLOSED,
    CaseState.REVOCATION_REQUIRED: Stage.OPEN,
    CaseState.OVERDUE: Stage.OVERDUE,
    CaseState.REVOKED: Stage.CLOSED,
    UnlicensedState.STOP_ORDERED: Stage.OPEN,
    UnlicensedState.RECTIFIED: Stage.CLOSED,
}
"""What each state of a spot-check case or an unlicensed-production case means outside the
quality service (both are rectified when nothing more is asked)."""


class ShutdownGround(StrEnum):
    """Why the enterprise was shut down by law, as the plan lists them for a cancellation:
    因工艺装备落后 (technology)、环保 (environment) 和能耗 (energy) 不达标被依法关停."""

    TECHNOLOGY = "technology"
    ENVIRONMENT = "environment"
    ENERGY = "energy"


class RequestState(StrEnum):
    """A cancellation request (提请注销) until the issuing authority acts."""

    PENDING = "pending"
    CANCELLED = "cancelled"
    DECLINED = "declined"


class _Licence(EnterpriseEvent):
    licence_number: str = Field(min_length=1, max_length=64, description="生产许可证编号")
    status: LicenceStatus = Field(description="The licence's status after this event")


@event_type("phaseout.quality.licence.recorded.v1")
class LicenceRecorded(_Licence):
    """samr recorded a production licence (生产许可证) of an enterprise it supervises."""

    products: tuple[str, ...] = Field(min_length=1, description="The products it licenses")
    issuer: str = Field(min_length=1, description="The issuing authority (发证机关)")
    valid_from: date = Field(description="First day of validity")
    valid_until: date = Field(description="Last day of validity")


@event_type("phaseout.quality.licence.revoked.v1")
class LicenceRevoked(_Licence):
    """The licence was revoked (吊销) as the outcome of a spot-check case."""

    revoking_case_id: UUID = Field(description="The spot-check case whose outcome revoked it")
    reason: RevocationReason = Field(description="overdue or reinspection_failed")
    decision: str = Field(min_length=1, description="The revocation decision (处罚决定书文号)")


@event_type("phaseout.quality.licence.cancelled.v1")
class LicenceCancelled(_Licence):
    """The issuing authority cancelled the licence (注销) at samr's request."""

    request_id: UUID = Field(description="The cancellation request (提请注销) it answered")
    issuer: str = Field(min_length=1, description="The issuing authority that cancelled it")


@event_type("phaseout.quality.spot_check.recorded.v1")
class SpotCheckRecorded(EnterpriseEvent):
    """A supervisory spot check (监督抽查) of a product against its standard, passed or failed."""

    check_id: UUID = Field(description="The spot check")
    product: str = Field(min_length=1, description="The product sampled")
    standard: str = Field(min_length=1, description="The standard checked against")
    passed: bool = Field(description="Whether the product met the standard")
    failed_items: tuple[str, ...] = Field(description="The failed test items (不合格项目)")
    report_number: str | None = Field(description="The test report's number, if given")
    table3_row: str = Field(description="Legal basis: the Table 3 row of the industry")
    catalogue_version: str = Field(description="Legal basis: version of the quality catalogue")
    basis: str = Field(description="What the check found and what the plan orders for it")
    opened_case_id: UUID | None = Field(description="The spot-check case a failure opened")


class _CaseEvent(CaseEvent):
    case_id: UUID = Field(description="The spot-check case (停止生产并限期整改)")
    state: CaseState = Field(description="The case's state after this event")
    deadline: date | None = Field(
        description="The rectification deadline while rectifying; none once nothing is due"
    )


@event_type("phaseout.quality.case.opened.v1")
class CaseOpened(_CaseEvent):
    """A failed spot check: production ordered stopped and rectified by the deadline
    (依法责令其停止生产并限期整改)."""

    check_id: UUID = Field(description="The spot check that failed")
    product: str = Field(min_length=1, description="The product that failed")
    standard: str = Field(min_length=1, description="The standard it failed")
    failed_items: tuple[str, ...] = Field(min_length=1, description="The failed test items")
    rule: str = Field(description="Legal basis: id of the plan's measure applied")
    table3_row: str = Field(description="Legal basis: the Table 3 row of the industry")
    catalogue_version: str = Field(description="Legal basis: version of the quality catalogue")
    basis: str = Field(description="Why, naming the product, standard and the plan's wording")


@event_type("phaseout.quality.case.rectified.v1")
class CaseRectified(_CaseEvent):
    """The re-inspection (整改复查) passed within the deadline: the case is closed."""

    note: str = Field(default="", description="What the re-inspection found")


@event_type("phaseout.quality.case.reinspection_failed.v1")
class ReinspectionFailed(_CaseEvent):
    """Still failing after rectification (经整改复查仍不合格): the licences are to be revoked."""

    failed_items: tuple[str, ...] = Field(min_length=1, description="The items still failing")


@event_type("phaseout.quality.case.overdue.v1")
class CaseOverdue(_CaseEvent):
    """The deadline passed without a passing re-inspection (逾期不改正): licences to be revoked."""

    missed_deadline: date = Field(description="The rectification deadline that passed")


@event_type("phaseout.quality.case.licences_revoked.v1")
class LicencesRevoked(_CaseEvent):
    """The related licences were revoked by law (依法依规吊销相关证照): the case is closed."""

    reason: RevocationReason = Field(description="overdue or reinspection_failed")
    licence_numbers: tuple[str, ...] = Field(
        description="The production licences kept by samr that were revoked (none only when "
        "other_licences names what was revoked)"
    )
    other_licences: tuple[str, ...] = Field(
        default=(),
        description="The 证照 outside samr's register that the decision revokes, as it names them",
    )
    decision: str = Field(min_length=1, description="The revocation decision (处罚决定书文号)")
    rule: str = Field(description="Legal basis: id of the plan's measure applied")
    catalogue_version: str = Field(description="Legal basis: version of the quality catalogue")


class _UnlicensedEvent(EnterpriseEvent):
    case_id: UUID = Field(description="The unlicensed-production case (无证违法生产)")
    state: UnlicensedState = Field(description="The case's state after this event")
    deadline: date | None = Field(
        description="None: unlicensed production is stopped at once, nothing falls due"
    )
    product: str = Field(min_length=1, description="The product made without a licence")


@event_type("phaseout.quality.unlicensed_case.opened.v1")
class UnlicensedCaseOpened(_UnlicensedEvent):
    """Production without a licence found (无证违法生产): production ordered stopped at once."""

    description: str = Field(min_length=1, description="What was found, and the evidence")
    rule: str = Field(description="Legal basis: id of the plan's measure applied")
    table3_row: str = Field(description="Legal basis: the Table 3 row of the industry")
    catalogue_version: str = Field(description="Legal basis: version of the quality catalogue")
    basis: str = Field(description="Why, in the plan's words")


@event_type("phaseout.quality.unlicensed_case.stop_verified.v1")
class StopVerified(_UnlicensedEvent):
    """samr verified that the unlicensed production stopped: the case is closed."""

    description: str = Field(min_length=1, description="What was verified, and the evidence")


@event_type("phaseout.quality.unlicensed_case.production_resumed.v1")
class ProductionResumed(_UnlicensedEvent):
    """The unlicensed production was found running again: stop ordered once more."""

    description: str = Field(min_length=1, description="What was found, and the evidence")


class _Cancellation(EnterpriseEvent):
    request_id: UUID = Field(description="The cancellation request (提请注销生产许可证)")
    licence_number: str = Field(min_length=1, max_length=64, description="生产许可证编号")
    issuer: str = Field(min_length=1, description="The issuing authority asked (发证部门)")
    status: RequestState = Field(description="The request's state after this event")


@event_type("phaseout.quality.cancellation.requested.v1")
class CancellationRequested(_Cancellation):
    """samr asked the issuing authority to cancel a licence of an enterprise shut down by law."""

    ground: ShutdownGround = Field(description="The dimension whose shutdown grounds the request")
    shutdown_reference: str = Field(min_length=1, description="The shutdown order or case")
    shut_down_on: date = Field(description="The date the enterprise was shut down")
    rule: str = Field(description="Legal basis: id of the plan's measure applied")
    catalogue_version: str = Field(description="Legal basis: version of the quality catalogue")


@event_type("phaseout.quality.cancellation.answered.v1")
class CancellationAnswered(_Cancellation):
    """The issuing authority acted: the licence cancelled (注销), or the request declined."""

    note: str = Field(description="The authority's reference or reasons")
