"""The energy case: over the limit → rectify in 6 months → rectified, or shut down and exit.

The plan (二（一）2): 对达不到强制性能耗限额标准要求的产能，应在 6 个月内整改；确需延长整改期限的，
可提出不超过 3 个月的延期申请；逾期未整改或经整改仍未达标的，依法关停退出。

    rectifying ──re-inspection within limit──▶ rectified
        ▲ grant_extension (applied for by the deadline, granted after it) from overdue
        │  └──────re-inspection over limit───▶ shutdown_required ─┐
        └──deadline passed (mark_overdue)────▶ overdue ───────────┴─order_shutdown─▶
    shutdown_ordered ──verify_shutdown──▶ exited ──find_revival (死灰复燃)──▶ shutdown_ordered
    rectifying ──supersede (another agency shut the enterprise down)──▶ superseded ──resume─▶ back

Capacity that exited and is found running again (a revival-watch alert's on-site check, confirmed
by miit or drc) goes back to `shutdown_ordered`: the order stands, the shutdown is to be verified
again, and the exit list shows the capacity revived until it is.

Only a rectifying case is superseded: once overdue or failed, what is left is its own exit.
A case is overdue from the day after its deadline whether or not the sweep has recorded it: an
act dated later is judged as on an overdue case, and the order of shutdown first records the
overdue as the sweep would (docs/domain.md).

Every act carries the date it took effect; no act may precede the case's last one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID

from phaseout_energy.domain.assess import Assessment
from phaseout_energy.domain.deadline import RectificationDeadline
from phaseout_energy.domain.inspection import (
    Inspection,
    OverLimitFinding,
    Reinspection,
    over_limit_finding,
)
from phaseout_shared.contracts.energy import (
    CaseOpened,
    CaseOverdue,
    CaseRectified,
    CaseRevivalFound,
    CaseState,
    ExtensionGranted,
    ReinspectionFailed,
    ShutdownOrdered,
    ShutdownReason,
    ShutdownVerified,
)
from phaseout_shared.contracts.supersession import Superseded
from phaseout_shared.domain.deadlines import DueByDeadline
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.facts import case_facts, site_of
from phaseout_shared.domain.statemachine import Lifecycle, in_order
from phaseout_shared.domain.supersession import SUPERSEDED, Supersedable, supersedable

State = CaseState | Superseded
LIFECYCLE: Lifecycle[State] = supersedable(
    {
        "grant_extension": ([CaseState.RECTIFYING, CaseState.OVERDUE], CaseState.RECTIFYING),
        "rectify": ([CaseState.RECTIFYING], CaseState.RECTIFIED),
        "fail_reinspection": ([CaseState.RECTIFYING], CaseState.SHUTDOWN_REQUIRED),
        "mark_overdue": ([CaseState.RECTIFYING], CaseState.OVERDUE),
        "order_shutdown": (
            [CaseState.OVERDUE, CaseState.SHUTDOWN_REQUIRED],
            CaseState.SHUTDOWN_ORDERED,
        ),
        "verify_shutdown": ([CaseState.SHUTDOWN_ORDERED], CaseState.EXITED),
        "find_revival": ([CaseState.EXITED], CaseState.SHUTDOWN_ORDERED),
    },
    supersede_from=[CaseState.RECTIFYING],
)
CLOSED = frozenset({CaseState.RECTIFIED, CaseState.EXITED, SUPERSEDED})
"""Cases that ask nothing more (superseded ones while they stay so)."""
LEGAL_BASIS = {"standard", "indicator_id", "catalogue_version", "capacity_amount", "capacity_unit"}
SHUTDOWN_GROUNDS = {
    ShutdownReason.OVERDUE: "逾期未整改 (not rectified by the deadline)",
    ShutdownReason.REINSPECTION_FAILED: "经整改仍未达标 (still over the limit after rectification)",
}


class EnergyCase(DueByDeadline, Supersedable):
    """One over-limit line of one enterprise, from the inspection to its end."""

    DIMENSION: ClassVar[str] = "energy"
    LIFECYCLE: ClassVar[Lifecycle[State]] = LIFECYCLE

    finding: OverLimitFinding
    state: State = CaseState.RECTIFYING
    deadline: RectificationDeadline
    last_act_on: date
    reinspection: Reinspection | None = None
    shutdown_reason: ShutdownReason | None = None
    exit_by: date | None = None
    exited_on: date | None = None

    @classmethod
    def open(cls, case_id: UUID, inspection: Inspection, assessment: Assessment) -> EnergyCase:
        """Open a case for an inspection found over the limit (限期整改).

        NotApplicable for an industry without a national limit; Conflict where the limit awaits
        the agency; InvalidInput for an inspection within the limit.
        """
        finding = over_limit_finding(inspection, assessment)
        case = cls(
            case_id=case_id,
            **site_of(inspection),
            finding=finding,
            deadline=RectificationDeadline.from_inspection(finding.found_on),
            last_act_on=finding.found_on,
        )
        case._record(
            CaseOpened(
                **case._facts(finding.found_on),
                **case._legal_basis(),
                inspection_id=finding.inspection_id,
                measured_value=finding.measured_value,
                limit=finding.limit,
                unit=finding.unit,
                basis=finding.basis,
            )
        )
        return case

    @property
    def next_deadline(self) -> date | None:
        if self.state is CaseState.RECTIFYING:
            return self.deadline.due_on
        return self.exit_by if self.state is CaseState.SHUTDOWN_ORDERED else None

    def grant_extension(self, *, applied_on: date, new_deadline: date, granted_on: date) -> None:
        """Grant the one extension of at most 3 months, applied for by the deadline.

        The plan's condition is on the application (可提出不超过 3 个月的延期申请): one made by the
        deadline may be granted after it, when the case is overdue meanwhile (swept or not;
        the overdue is recorded first, as the sweep would), and the case rectifies again.
        """
        LIFECYCLE.move("grant_extension", self.state)
        self._check_date("granted_on", granted_on)
        if applied_on < self.finding.found_on:
            raise InvalidInput(
                f"applied on {applied_on}, before the case was opened on {self.finding.found_on}",
                field="applied_on",
            )
        if granted_on < applied_on:
            raise InvalidInput(
                "an extension cannot be granted before it is applied for", field="granted_on"
            )
        previous = self.deadline.due_on
        extended = self.deadline.extend(applied_on, new_deadline)
        self.mark_overdue(granted_on)
        self.state = LIFECYCLE.move("grant_extension", self.state)
        self.deadline, self.shutdown_reason = extended, None
        self.last_act_on = granted_on
        self._record(
            ExtensionGranted(
                **self._facts(granted_on), applied_on=applied_on, previous_deadline=previous
            )
        )

    def record_reinspection(self, *, inspected_on: date, assessment: Assessment) -> None:
        """Re-inspect within the deadline against the limit the case was opened under.

        Within it: rectified, and the case closes. Still over it (经整改仍未达标): the capacity
        must be shut down and exit. `assessment` is the re-inspection's own (which checks the
        unit and the value); the verdict here uses the case's limit.
        """
        self._reinspected_by_deadline(
            inspected_on, "inspected_on", "energy.case.reinspection_within_deadline", "逾期未整改"
        )
        LIFECYCLE.move("rectify", self.state)
        self._check_date("inspected_on", inspected_on)
        value = self._reinspected_value(assessment)
        within = value <= self.finding.limit
        self.state = LIFECYCLE.move("rectify" if within else "fail_reinspection", self.state)
        self.reinspection = Reinspection(
            inspected_on=inspected_on, measured_value=value, within_limit=within
        )
        if not within:
            self.shutdown_reason = ShutdownReason.REINSPECTION_FAILED
        self.last_act_on = inspected_on
        event = CaseRectified if within else ReinspectionFailed
        self._record(
            event(
                **self._facts(inspected_on),
                measured_value=value,
                limit=self.finding.limit,
                unit=self.finding.unit,
            )
        )

    def _due_on(self) -> date:
        return self.deadline.due_on

    def _overdue(self, became_overdue: date, missed: date) -> CaseOverdue:
        self.shutdown_reason = ShutdownReason.OVERDUE
        return CaseOverdue(
            **self._facts(became_overdue), missed_deadline=missed, extended=self.deadline.extended
        )

    def order_shutdown(self, *, ordered_on: date, exit_by: date | None = None) -> None:
        """Order the capacity shut down and out by law (依法关停退出)."""
        target = LIFECYCLE.move("order_shutdown", self.state_on(ordered_on))
        self._check_date("ordered_on", ordered_on)
        if exit_by is not None and exit_by < ordered_on:
            raise InvalidInput("the exit date cannot precede the order", field="exit_by")
        self.mark_overdue(ordered_on)
        self.state = target
        self.exit_by = exit_by
        self.last_act_on = ordered_on
        self._record(
            ShutdownOrdered(**self._facts(ordered_on), **self._legal_basis(), reason=self._reason())
        )

    def verify_shutdown(self, *, verified_on: date) -> None:
        """Verify that the capacity has shut down: it has exited (关停退出)."""
        LIFECYCLE.move("verify_shutdown", self.state)
        self._check_date("verified_on", verified_on)
        self.state = LIFECYCLE.move("verify_shutdown", self.state)
        self.exited_on = verified_on
        self.last_act_on = verified_on
        self._record(
            ShutdownVerified(
                **self._facts(verified_on),
                **self._legal_basis(),
                reason=self._reason(),
                basis=self.legal_basis(),
            )
        )

    def find_revival(
        self, findings: str, effective_on: date, *, alert_id: UUID | None = None
    ) -> None:
        """死灰复燃: the capacity that exited found running again on `effective_on`. The
        shutdown order stands; its verification is to be done again (no exit date is set)."""
        target = LIFECYCLE.move("find_revival", self.state)
        self._check_date("effective_on", effective_on)
        if not findings.strip():
            raise InvalidInput("findings must not be blank", field="findings")
        exited_on = self.exited_on
        assert exited_on is not None, "an exited case has its exit date"
        self.state, self.exit_by, self.exited_on = target, None, None
        self.last_act_on = effective_on
        self._record(
            CaseRevivalFound(
                **self._facts(effective_on),
                **self._legal_basis(),
                reason=self._reason(),
                exited_on=exited_on,
                findings=findings.strip(),
                alert_id=alert_id,
                basis=self.legal_basis(),
            )
        )

    def legal_basis(self) -> str:
        """The legal basis of the exit in words."""
        reason = (
            SHUTDOWN_GROUNDS[self.shutdown_reason] if self.shutdown_reason else "over the limit"
        )
        f = self.finding
        return (
            f"节约能源法; {f.standard}, indicator {f.indicator_id}: limit {f.limit} {f.unit}, "
            f"measured {f.measured_value} {f.unit} on {f.found_on} "
            f"(limits catalogue v{f.catalogue_version}); {reason}: 依法关停退出."
        )

    def _reason(self) -> ShutdownReason:
        if self.shutdown_reason is None:
            raise Conflict("the case was neither overdue nor failed", field="state")
        return self.shutdown_reason

    def _check_date(self, field: str, on: date) -> None:
        in_order(on, self.last_act_on, field)

    def _reinspected_value(self, assessment: Assessment) -> Decimal:
        indicator_id = self.finding.indicator_id
        if assessment.indicator_id != indicator_id or assessment.measured_value is None:
            raise InvalidInput(
                f"the re-inspection must measure {indicator_id}", field="indicator_id"
            )
        if assessment.unit != self.finding.unit:
            raise InvalidInput(f"the case is measured in {self.finding.unit}", field="unit")
        return assessment.measured_value

    def _facts(self, effective_on: date) -> dict[str, Any]:
        return case_facts(self, self.case_id, self.state, self.next_deadline, effective_on)

    def _legal_basis(self) -> dict[str, Any]:
        return self.finding.model_dump(include=LEGAL_BASIS)


def overdue_cases(cases: Iterable[EnergyCase], as_of: date) -> list[EnergyCase]:
    """The sweep's work: rectifying cases whose deadline passed before `as_of`, to mark overdue."""
    return [c for c in cases if c.state is CaseState.RECTIFYING and c.is_overdue(as_of)]


def refuse_second_case(cases: Iterable[EnergyCase], inspection: Inspection) -> None:
    """Refuse to open a case for a line whose enterprise has one open on the same indicator."""
    for case in cases:
        if (
            case.uscc == inspection.uscc
            and case.finding.indicator_id == inspection.indicator_id
            and case.state not in CLOSED
        ):
            raise Conflict(
                f"case {case.case_id} is already open for {case.uscc} on {inspection.indicator_id}",
                field="indicator_id",
                rule="energy.case.one_open_case",
            )
