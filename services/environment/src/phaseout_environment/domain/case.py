"""The environment case: from a violation to rectification, or to closure and its re-check.

The plan (二（二）3): 依法依规责令采取限制生产、停产整治等措施；情节严重的，报经有批准权的人民政府
批准，责令停业、关闭; Table 2: 对已淘汰关闭的…项目开展回头看检查. The moves are `lifecycle`'s table;
every act carries its date, never before the last act; every event the state and next deadline.

A measure ordered stands until the rectification is accepted or the closure ordered, and a case
under a measure is overdue from the day after its deadline whether or not the sweep has run: an
act dated later first records the overdue, as the sweep would (docs/domain.md).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID

from pydantic import Field

from phaseout_environment.domain.aggregate import (
    not_before,
    refusing_invalid_input,
    stated,
)
from phaseout_environment.domain.closure import (
    ClosureOrder,
    ClosureProposal,
    GovernmentDecision,
    MeasureOrder,
    Recheck,
)
from phaseout_environment.domain.lifecycle import LIFECYCLE, UNDER_MEASURE, State
from phaseout_environment.domain.violation import Violation
from phaseout_shared.contracts import environment as ev
from phaseout_shared.contracts.environment import CaseState, ClosureOrderKind, ClosureScope, Measure
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.facts import Site, case_facts
from phaseout_shared.domain.statemachine import Lifecycle
from phaseout_shared.domain.supersession import SUPERSEDED, Supersedable


class EnvironmentCase(Supersedable):
    """One violation of one enterprise, until it is rectified or the enterprise is closed."""

    DIMENSION: ClassVar[str] = "environment"
    LIFECYCLE: ClassVar[Lifecycle[State]] = LIFECYCLE

    violation: Violation
    state: State = CaseState.OPEN
    opened_on: date
    last_act_on: date
    measures: list[MeasureOrder] = Field(default_factory=list)
    rectified_on: date | None = None
    proposal: ClosureProposal | None = None
    decisions: list[GovernmentDecision] = Field(default_factory=list)
    closure: ClosureOrder | None = None
    rechecks: list[Recheck] = Field(default_factory=list)
    reopened: bool = False

    @classmethod
    def open(
        cls,
        *,
        case_id: UUID,
        site: Site,
        violation: Violation,
    ) -> EnvironmentCase:
        """A violation was found (立案)."""
        with refusing_invalid_input():
            case = cls(
                case_id=case_id,
                **site.fields(),
                violation=violation,
                opened_on=violation.found_on,
                last_act_on=violation.found_on,
            )
        basis = violation.model_dump(include={"rule", "catalogue_version", "basis", "findings"})
        case._record(
            ev.CaseOpened(**case._facts(violation.found_on), **basis, violation=violation.kind)
        )
        return case

    @property
    def deadline(self) -> date | None:
        """The deadline of the measure in force or missed (what overdue lists compare)."""
        under = self.state in (*UNDER_MEASURE, CaseState.OVERDUE)
        return self.measures[-1].deadline if under and self.measures else None

    @property
    def measure_in_force(self) -> MeasureOrder | None:
        """The 限制生产 or 停产整治 ordered and not lifted: only an accepted rectification or the
        closure order lifts it (a proposal or a refused one does not; a reopened case starts
        without one)."""
        state = self.state
        if state is SUPERSEDED and self.supersessions:
            state = CaseState(self.supersessions[-1].previous_state)
        if not self.measures or state in (CaseState.OPEN, CaseState.RECTIFIED, CaseState.CLOSED):
            return None
        return self.measures[-1]

    @property
    def next_deadline(self) -> date | None:
        """What is due next: the measure's deadline, or the date set to close by."""
        if self.state in UNDER_MEASURE:
            return self.deadline
        return self.closure.close_by if self.state is CaseState.CLOSED and self.closure else None

    def allowed_actions(self) -> list[str]:
        return LIFECYCLE.allowed_from(self.state)

    def order_measure(
        self, measure: Measure, deadline: date, effective_on: date, description: str = ""
    ) -> None:
        """Order 限制生产 or 停产整治, due by a deadline after the order."""
        target = LIFECYCLE.move(measure.value, self.state_on(effective_on))
        not_before(effective_on, self.last_act_on)
        if deadline <= effective_on:
            raise InvalidInput(f"deadline {deadline} is not after the order", field="deadline")
        order = MeasureOrder(
            measure=measure,
            ordered_on=effective_on,
            deadline=deadline,
            description=description.strip(),
        )
        self.mark_overdue(effective_on)
        self._move(target, effective_on)
        self.measures.append(order)
        self._record(
            ev.MeasureOrdered(
                **self._facts(effective_on), measure=measure, description=order.description
            )
        )

    def accept_rectification(self, effective_on: date, note: str = "") -> None:
        """Rectified by the deadline (整改到位): the case ends without closure."""
        if self.state_on(effective_on) is CaseState.OVERDUE:
            due = self.measures[-1].deadline
            raise Conflict(
                f"rectification found on {effective_on}, after the deadline of {due}: the case "
                f"is {CaseState.OVERDUE}; suspend for rectification or propose closure",
                field="state",
                rule="environment.case.rectified_by_the_deadline",
            )
        target = LIFECYCLE.move("accept_rectification", self.state)
        not_before(effective_on, self.last_act_on)
        self._move(target, effective_on)
        self.rectified_on = effective_on
        self._record(ev.CaseRectified(**self._facts(effective_on), note=note.strip()))

    def is_overdue(self, as_of: date) -> bool:
        return self.deadline is not None and as_of > self.deadline

    def mark_overdue(self, as_of: date) -> bool:
        """Mark the case overdue if its deadline passed before `as_of`; True if it changed.

        Only a case under a measure past its deadline changes, and only once; it became overdue
        the day after its deadline, whatever day the sweep runs (or, back under its measure
        after a refused closure, on that refusal). Every act dated after the deadline calls it
        first, so the case is the same whether the sweep ran before the act or not.
        """
        if self.state not in UNDER_MEASURE or not self.is_overdue(as_of):
            return False
        missed = self.measures[-1]
        became = max(self.last_act_on, missed.deadline + timedelta(days=1))
        self._move(LIFECYCLE.move("mark_overdue", self.state), became)
        self._record(
            ev.CaseOverdue(
                **self._facts(became), missed_deadline=missed.deadline, measure=missed.measure
            )
        )
        return True

    def propose_closure(
        self,
        *,
        government: str,
        grounds: str,
        scope: ClosureScope,
        item: str,
        capacity_amount: Decimal,
        capacity_unit: str,
        effective_on: date,
    ) -> None:
        """情节严重: ask the people's government with the power to approve the closure."""
        target = LIFECYCLE.move("propose_closure", self.state_on(effective_on))
        not_before(effective_on, self.last_act_on)
        with refusing_invalid_input():
            proposal = ClosureProposal(
                government=stated(government, "government"),
                grounds=stated(grounds, "grounds"),
                scope=scope,
                item=stated(item, "item"),
                capacity_amount=capacity_amount,
                capacity_unit=stated(capacity_unit, "capacity_unit"),
                proposed_on=effective_on,
            )
        self.mark_overdue(effective_on)
        self.proposal = proposal.model_copy(update={"proposed_from": self.state})
        self._move(target, effective_on)
        self._record(
            ev.ClosureProposed(
                **self._facts(effective_on),
                **proposal.model_dump(exclude={"proposed_on", "proposed_from"}),
            )
        )

    def approve_closure(
        self, *, government: str, approved_by: str, effective_on: date, document: str = ""
    ) -> None:
        """The people's government asked approved the closure: who, when, by which document."""
        decision = self._decide(
            LIFECYCLE.move("approve_closure", self.state),
            government,
            effective_on,
            decided_by=stated(approved_by, "approved_by"),
            document=document.strip(),
        )
        self._record(
            ev.ClosureApproved(
                **self._facts(effective_on),
                government=decision.government,
                approved_by=decision.decided_by,
                document=decision.document,
            )
        )

    def reject_closure(self, *, government: str, reason: str, effective_on: date) -> None:
        """The government did not approve: the case goes back to where it was proposed from.

        The measure in force and its deadline stand (only a rectification or a closure lifts
        them); back under a measure whose deadline has passed, the case is overdue.
        """
        why = stated(reason, "reason")
        back = LIFECYCLE.move_back("reject_closure", self.state, self._proposed_from())
        decision = self._decide(back, government, effective_on, reason=why)
        self._record(
            ev.ClosureRejected(
                **self._facts(effective_on), government=decision.government, reason=decision.reason
            )
        )
        self.mark_overdue(effective_on)

    def order_closure(
        self, *, order: ClosureOrderKind, effective_on: date, close_by: date | None = None
    ) -> None:
        """Order the enterprise or line to cease business or close (责令停业、关闭)."""
        target = LIFECYCLE.move("order_closure", self.state)
        not_before(effective_on, self.last_act_on)
        if close_by is not None and close_by < effective_on:
            raise InvalidInput(f"close_by {close_by} precedes the order", field="close_by")
        approval = self.decisions[-1]
        self.closure = ClosureOrder(order=order, ordered_on=effective_on, close_by=close_by)
        self._move(target, effective_on)
        self._record(
            ev.ClosureOrdered(
                **self._exit_facts(effective_on),
                order=order,
                approved_by=approval.decided_by,
                approved_on=approval.decided_on,
            )
        )

    def recheck(self, *, found_running: bool, findings: str, effective_on: date) -> None:
        """Check a closed enterprise again (回头看): found running, the case re-opens."""
        target = LIFECYCLE.move("reopen" if found_running else "recheck_clear", self.state)
        not_before(effective_on, self.last_act_on)
        check = Recheck(
            found_running=found_running,
            findings=stated(findings, "findings"),
            checked_on=effective_on,
        )
        self._move(target, effective_on)
        self.rechecks.append(check)
        self.reopened = self.reopened or found_running
        if found_running:
            self._record(ev.CaseReopened(**self._exit_facts(effective_on), findings=check.findings))
        else:
            self._record(ev.CaseRechecked(**self._facts(effective_on), findings=check.findings))

    def _decide(
        self, target: State, government: str, on: date, **answer: str
    ) -> GovernmentDecision:
        """Record the government's answer; only the government the closure was proposed to."""
        not_before(on, self.last_act_on)
        asked = self.proposal.government if self.proposal else ""
        if government.strip() != asked:
            raise InvalidInput(
                f"the closure was proposed to {asked}: only that government decides",
                field="government",
                rule="environment.closure.the_government_asked",
            )
        approved = target is CaseState.CLOSURE_APPROVED
        decision = GovernmentDecision(government=asked, approved=approved, decided_on=on, **answer)
        self._move(target, on)
        self.decisions.append(decision)
        return decision

    def state_on(self, on: date) -> State:
        """The state on `on`: under a measure past its deadline, overdue, swept or not."""
        return (
            CaseState.OVERDUE if self.state in UNDER_MEASURE and self.is_overdue(on) else self.state
        )

    def _proposed_from(self) -> State:
        """Where a refused closure returns: the state proposed from (for proposals recorded
        before it was kept: under the last measure ordered since the last re-check, or open)."""
        if self.proposal is None:
            return CaseState.OPEN
        if self.proposal.proposed_from is not None:
            return self.proposal.proposed_from
        since = self.rechecks[-1].checked_on if self.rechecks else self.opened_on
        current = [m for m in self.measures if m.ordered_on >= since]
        return LIFECYCLE.transitions[current[-1].measure.value][1] if current else CaseState.OPEN

    def _move(self, target: State, effective_on: date) -> None:
        self.state, self.last_act_on = target, effective_on

    def _exit_facts(self, effective_on: date) -> dict[str, Any]:
        """What closed, its capacity and legal basis: what the city's exit list counts."""
        assert self.proposal is not None
        what = {"government", "scope", "item", "capacity_amount", "capacity_unit"}
        basis = {"rule", "catalogue_version"}
        return {
            **self._facts(effective_on),
            **self.proposal.model_dump(include=what),
            **self.violation.model_dump(include=basis),
        }

    def _facts(self, effective_on: date) -> dict[str, Any]:
        return case_facts(self, self.case_id, self.state, self.next_deadline, effective_on)
