"""The spot-check case: a failed product, stopped and rectified by a deadline, then re-inspected.

The plan (二（三）): 对产品质量达不到强制性标准要求的企业，依法责令其停止生产并限期整改；
对逾期不改正或经整改复查仍不合格的，依法依规吊销相关证照。

    rectifying ──re-inspection passed, by the deadline──▶ rectified
        │  └──────re-inspection failed, by the deadline──▶ revocation_required ─┐
        └──deadline passed (mark_overdue)────────────────▶ overdue ─────────────┴─revoke_licences─▶
    revoked
    rectifying ──supersede (another agency shut the enterprise down)──▶ superseded ──resume─▶ back

Only a rectifying case is superseded: once overdue or failed, the licences are still revoked.
A case is overdue (逾期不改正) from the day after its deadline whether or not the sweep has
recorded it: the revocation of an overdue case first records the overdue as the sweep would
(docs/domain.md).
The deadline day itself is within the deadline; the case is overdue from the day after. Every
act carries the date it took effect, and none may precede the case's last one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from pydantic import BaseModel, Field

from phaseout_quality.domain.aggregate import stated, statements
from phaseout_quality.domain.catalogue import REVOKE_LICENCES, STOP_AND_RECTIFY
from phaseout_quality.domain.licence import ProductionLicence
from phaseout_quality.domain.spot_check import SpotCheck
from phaseout_shared.contracts.quality import (
    CaseOpened,
    CaseOverdue,
    CaseRectified,
    CaseState,
    LicencesRevoked,
    ReinspectionFailed,
    RevocationReason,
)
from phaseout_shared.contracts.supersession import Superseded
from phaseout_shared.domain.checks import reasons_agree
from phaseout_shared.domain.deadlines import DueByDeadline
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.facts import case_facts
from phaseout_shared.domain.statemachine import Lifecycle, in_order
from phaseout_shared.domain.supersession import SUPERSEDED, Supersedable, supersedable

State = CaseState | Superseded
LIFECYCLE: Lifecycle[State] = supersedable(
    {
        "rectify": ([CaseState.RECTIFYING], CaseState.RECTIFIED),
        "fail_reinspection": ([CaseState.RECTIFYING], CaseState.REVOCATION_REQUIRED),
        "mark_overdue": ([CaseState.RECTIFYING], CaseState.OVERDUE),
        "revoke_licences": (
            [CaseState.REVOCATION_REQUIRED, CaseState.OVERDUE],
            CaseState.REVOKED,
        ),
    },
    supersede_from=[CaseState.RECTIFYING],
)
CLOSED = frozenset({CaseState.RECTIFIED, CaseState.REVOKED, SUPERSEDED})
"""Cases that ask nothing more (superseded ones while they stay so)."""
OPENING_FACTS = {
    "uscc",
    "district",
    "industry",
    "check_id",
    "product",
    "standard",
    "failed_items",
    "table3_row",
    "catalogue_version",
    "basis",
    "rectify_by",
}
"""What a case takes over from the failed spot check."""
CASE_FACTS = {
    "check_id",
    "product",
    "standard",
    "failed_items",
    "rule",
    "table3_row",
    "catalogue_version",
    "basis",
}
"""What the opening event says of the case beyond its ids."""


class Reinspection(BaseModel):
    """The re-inspection after rectification (整改复查)."""

    passed: bool
    failed_items: tuple[str, ...] = ()
    note: str = ""
    effective_on: date


class QualityCase(DueByDeadline, Supersedable):
    """One failed product of one enterprise, from the order to stop and rectify to its end."""

    DIMENSION: ClassVar[str] = "quality"
    LIFECYCLE: ClassVar[Lifecycle[State]] = LIFECYCLE

    check_id: UUID
    product: str
    standard: str
    failed_items: tuple[str, ...] = Field(min_length=1)
    rule: str
    table3_row: str
    catalogue_version: str
    basis: str
    state: State = CaseState.RECTIFYING
    opened_on: date
    rectify_by: date
    last_act_on: date
    reinspection: Reinspection | None = None
    revocation_reason: RevocationReason | None = None
    revoked_licences: tuple[str, ...] = ()
    other_licences: tuple[str, ...] = ()
    revocation_decision: str | None = None
    revoked_on: date | None = None

    @classmethod
    def open(cls, case_id: UUID, check: SpotCheck) -> QualityCase:
        """Order production stopped and rectified by the check's deadline (停止生产并限期整改)."""
        if check.passed or check.rectify_by is None:
            raise Conflict(
                f"spot check {check.check_id} passed: there is nothing to rectify",
                field="passed",
                rule=STOP_AND_RECTIFY,
            )
        case = cls(
            case_id=case_id,
            rule=STOP_AND_RECTIFY,
            opened_on=check.effective_on,
            last_act_on=check.effective_on,
            **check.model_dump(include=OPENING_FACTS),
        )
        case._record(
            CaseOpened(
                **case._facts(check.effective_on),
                **case.model_dump(include=CASE_FACTS),
            )
        )
        return case

    @property
    def next_deadline(self) -> date | None:
        return self.rectify_by if self.state is CaseState.RECTIFYING else None

    def reinspect(
        self, *, passed: bool, effective_on: date, failed_items: Sequence[str] = (), note: str = ""
    ) -> None:
        """整改复查 by the deadline: passed, the case closes; still failing, licences to revoke."""
        self._reinspected_by_deadline(
            effective_on, "effective_on", "quality.case.reinspection_by_deadline", "逾期不改正"
        )
        target = LIFECYCLE.move("rectify" if passed else "fail_reinspection", self.state)
        self._check_date(effective_on)
        items = reasons_agree(
            passed,
            statements(failed_items, "failed_items"),
            "failed_items",
            passed_with="a passed re-inspection has no failed items",
            failed_without="a failed re-inspection must name its items",
        )
        self.state = target
        self.reinspection = Reinspection(
            passed=passed, failed_items=items, note=note.strip(), effective_on=effective_on
        )
        self.last_act_on = effective_on
        if passed:
            self._record(CaseRectified(**self._facts(effective_on), note=note.strip()))
            return
        self.revocation_reason = RevocationReason.REINSPECTION_FAILED
        self._record(ReinspectionFailed(**self._facts(effective_on), failed_items=items))

    def _due_on(self) -> date:
        return self.rectify_by

    def _overdue(self, became_overdue: date, missed: date) -> CaseOverdue:
        self.revocation_reason = RevocationReason.OVERDUE
        return CaseOverdue(**self._facts(became_overdue), missed_deadline=missed)

    def revoke_licences(
        self,
        licences: Sequence[ProductionLicence],
        decision: str,
        effective_on: date,
        other_licences: Sequence[str] = (),
    ) -> None:
        """依法依规吊销相关证照: revoke the related licences, named; the case closes.

        A sanction names what it sanctions: the enterprise's production licences in samr's
        register (`licences`), or the 证照 outside it that the decision revokes
        (`other_licences`, by name and number as the decision writes them), or both.
        """
        target = LIFECYCLE.move("revoke_licences", self.state_on(effective_on))
        self._check_date(effective_on)
        decided = stated(decision, "decision")
        others = statements(other_licences, "other_licences")
        if not licences and not others:
            raise InvalidInput(
                "a revocation names what it revokes: the enterprise's licences in the register "
                "(licence_numbers), or the 证照 outside it (other_licences); none covers "
                f"{self.product} in force",
                field="licence_numbers",
                rule=REVOKE_LICENCES,
            )
        if len({licence.number for licence in licences}) != len(licences):
            raise InvalidInput("a licence is listed twice", field="licence_numbers")
        for i, licence in enumerate(licences):
            self._check_related(i, licence, effective_on)
        self.mark_overdue(effective_on)
        reason = self._reason()
        for licence in licences:
            licence.revoke(
                case_id=self.case_id, reason=reason, decision=decided, effective_on=effective_on
            )
        self.state, self.last_act_on, self.revoked_on = target, effective_on, effective_on
        self.revoked_licences = tuple(licence.number for licence in licences)
        self.other_licences = others
        self.revocation_decision = decided
        self._record(
            LicencesRevoked(
                **self._facts(effective_on),
                reason=reason,
                licence_numbers=self.revoked_licences,
                other_licences=others,
                decision=decided,
                rule=REVOKE_LICENCES,
                catalogue_version=self.catalogue_version,
            )
        )

    def _reason(self) -> RevocationReason:
        if self.revocation_reason is None:
            raise Conflict("the case was neither overdue nor failed", field="state")
        return self.revocation_reason

    def _check_related(self, index: int, licence: ProductionLicence, effective_on: date) -> None:
        field = f"licence_numbers[{index}]"
        if licence.uscc != self.uscc:
            raise InvalidInput(f"licence {licence.number} is not {self.uscc}'s", field=field)
        try:
            licence.check_revocable(effective_on)
        except Conflict as refused:
            raise Conflict(refused.reason, field=field, rule=refused.rule) from None

    def _check_date(self, on: date) -> None:
        in_order(on, self.last_act_on, "effective_on")

    def _facts(self, effective_on: date) -> dict[str, Any]:
        return case_facts(self, self.case_id, self.state, self.next_deadline, effective_on)


def refuse_second_case(cases: Iterable[QualityCase], check: SpotCheck) -> None:
    """One open case per product of an enterprise: a further failure is acted on in that case."""
    for case in cases:
        if case.uscc == check.uscc and case.product == check.product and case.state not in CLOSED:
            raise Conflict(
                f"case {case.case_id} is already open for {check.product} of {check.uscc}: "
                "act on it (re-inspection)",
                field="product",
                rule="quality.case.one_open_case",
            )
