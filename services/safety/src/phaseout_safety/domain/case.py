"""The enforcement case: suspension for rectification (停产停业整顿) to closure (关闭).

The plan (二（四）2): 对安全生产条件达不到相关法律、行政法规和国家标准或行业标准要求的产能，依法责令
立即停产停业整顿；经停产停业整顿仍不具备安全生产条件的，提请政府予以关闭；有关部门应当依法依规吊销
其相关证照。 (Table 4: 依法吊销其相关证照、提请关闭.)

    suspended ──reinspect (passed)──▶ lifted
      │  ▲  └────reinspect (failed)──▶ still_unsafe ──request_closure──▶ closure_requested
      │  │                                 ▲                                 │
      │  └──────────── decline_closure ────┼─────────────────────────────────┤
      └─mark_overdue─▶ overdue ─reinspect──┘ (or lifted)           decide_closure
                                                                             ▼
                      revoked ◀──revoke_licences── closed ◀──close── closure_decided
                         └───────── find_revival ───────┴──────────────────▶ (closure_decided)

A closed capacity found running again (死灰复燃: a revival-watch alert's on-site check confirmed
by mem) goes back to `closure_decided`: the government's decision stands, the closure is to be
carried out again, and the exit list shows the capacity revived until it closes again.

A suspended or overdue case is superseded (被替代) when another agency shuts the enterprise
down, and may resume where it stood; from still_unsafe on, its own closure goes on.

The order sets the end of the rectification period (整顿期限): the plan sets none, the order
does, and the case is overdue the day after it, whether or not the sweep has recorded it: a
re-inspection dated later first records the overdue as the sweep would (docs/domain.md). A
government that declines the closure sets the new period; nothing else moves the order's period.
Every act carries the date it took effect; no act may precede the case's last one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID

from pydantic import Field

from phaseout_safety.domain.acts import Decision, Reinspection, SuspensionOrder, check_order
from phaseout_safety.domain.aggregate import in_order, refusing_invalid_input, stated
from phaseout_safety.domain.catalogue import CLOSE, REVOKE, SUSPEND, table4
from phaseout_shared.contracts.safety import (
    CaseClosed,
    CaseOverdue,
    CaseRevivalFound,
    CaseState,
    ClosureDecided,
    ClosureDeclined,
    ClosureRequested,
    FindingVerdict,
    Government,
    Licence,
    LicencesRevoked,
    ReinspectionFailed,
    SuspensionLifted,
    SuspensionOrdered,
)
from phaseout_shared.contracts.supersession import Superseded
from phaseout_shared.domain.aggregate import non_blank
from phaseout_shared.domain.checks import reasons_agree
from phaseout_shared.domain.deadlines import DueByDeadline
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.facts import Site, case_facts
from phaseout_shared.domain.statemachine import Lifecycle
from phaseout_shared.domain.supersession import Supersedable, supersedable

S = CaseState
State = CaseState | Superseded
LIFECYCLE: Lifecycle[State] = supersedable(
    {
        "mark_overdue": ([S.SUSPENDED], S.OVERDUE),
        "lift": ([S.SUSPENDED, S.OVERDUE], S.LIFTED),
        "fail_reinspection": ([S.SUSPENDED, S.OVERDUE], S.STILL_UNSAFE),
        "request_closure": ([S.STILL_UNSAFE], S.CLOSURE_REQUESTED),
        "decide_closure": ([S.CLOSURE_REQUESTED], S.CLOSURE_DECIDED),
        "decline_closure": ([S.CLOSURE_REQUESTED], S.SUSPENDED),
        "close": ([S.CLOSURE_DECIDED], S.CLOSED),
        "revoke_licences": ([S.CLOSED], S.REVOKED),
        "find_revival": ([S.CLOSED, S.REVOKED], S.CLOSURE_DECIDED),
    },
    supersede_from=[S.SUSPENDED, S.OVERDUE],
)
ACTIVE = frozenset(set(S) - {S.LIFTED, S.CLOSED, S.REVOKED})
"""States in which the case still acts on the enterprise's capacity."""


class SuspensionCase(DueByDeadline, Supersedable):
    """One enterprise's capacity below the law or standard, from the order to its end."""

    DIMENSION: ClassVar[str] = "safety"
    LIFECYCLE: ClassVar[Lifecycle[State]] = LIFECYCLE

    inspection_id: UUID
    grounds: tuple[FindingVerdict, ...] = Field(min_length=1)
    item: str = Field(min_length=1, max_length=200)
    capacity_amount: Decimal = Field(gt=0)
    capacity_unit: str = Field(min_length=1, max_length=20)
    catalogue_version: str
    state: State = S.SUSPENDED
    ordered_on: date
    rectify_by: date
    last_act_on: date
    reinspections: list[Reinspection] = Field(default_factory=list)
    government: Government | None = None
    decisions: list[Decision] = Field(default_factory=list)
    close_by: date | None = None
    closed_on: date | None = None
    licences: tuple[Licence, ...] = ()

    @classmethod
    def order(
        cls,
        case_id: UUID,
        *,
        site: Site,
        inspection_id: UUID,
        grounds: Sequence[FindingVerdict],
        order: SuspensionOrder,
        ordered_on: date,
        catalogue_version: str,
    ) -> SuspensionCase:
        """依法责令立即停产停业整顿: the order, on the grounds an inspection found."""
        check_order(grounds, order, ordered_on)
        with refusing_invalid_input():
            case = cls(
                case_id=case_id,
                **site.fields(),
                inspection_id=inspection_id,
                grounds=tuple(grounds),
                item=stated(order.item, "suspension.item"),
                capacity_amount=order.capacity_amount,
                capacity_unit=stated(order.capacity_unit, "suspension.capacity_unit"),
                catalogue_version=catalogue_version,
                ordered_on=ordered_on,
                rectify_by=order.rectify_by,
                last_act_on=ordered_on,
            )
        case._record(
            SuspensionOrdered(
                **case._step_facts(ordered_on, SUSPEND),
                inspection_id=inspection_id,
                grounds=case.grounds,
                **case.model_dump(include={"item", "capacity_amount", "capacity_unit"}),
                rectify_by=case.rectify_by,
                basis=table4().basis(SUSPEND),
            )
        )
        return case

    @property
    def deadline(self) -> date | None:
        if self.state in (S.SUSPENDED, S.OVERDUE):
            return self.rectify_by
        return self.close_by if self.state is S.CLOSURE_DECIDED else None

    def _due_on(self) -> date:
        return self.rectify_by

    def _overdue(self, became_overdue: date, missed: date) -> CaseOverdue:
        return CaseOverdue(**self._facts(became_overdue), missed_deadline=missed)

    def reinspect(
        self, effective_on: date, *, passed: bool, reasons: Sequence[str] = (), note: str = ""
    ) -> None:
        """A re-inspection (复查): passed lifts the suspension; failed, still unsafe."""
        action = "lift" if passed else "fail_reinspection"
        target = LIFECYCLE.move(action, self.state_on(effective_on))
        found = reasons_agree(
            passed,
            non_blank(reasons),
            "reasons",
            passed_with="a passed re-inspection lists no failures",
            failed_without="a failed re-inspection must say what is unsafe",
        )
        in_order(effective_on, self.last_act_on)
        self.mark_overdue(effective_on)
        self._act(target, effective_on)
        self.reinspections.append(
            Reinspection(passed=passed, reasons=found, note=note.strip(), effective_on=effective_on)
        )
        if passed:
            self._record(SuspensionLifted(**self._facts(effective_on), note=note.strip()))
        else:
            self._record(ReinspectionFailed(**self._facts(effective_on), reasons=found))

    def request_closure(self, government: Government, effective_on: date, note: str = "") -> None:
        """提请政府予以关闭: the district's or the city's government is asked to close."""
        self._act(LIFECYCLE.move("request_closure", self.state), effective_on)
        self.government = government
        self._record(
            ClosureRequested(
                **self._step_facts(effective_on, CLOSE), government=government, note=note.strip()
            )
        )

    def decide_closure(
        self, document: str, effective_on: date, close_by: date | None = None
    ) -> None:
        """The government decided to close, by `close_by` if its decision sets a date."""
        target = LIFECYCLE.move("decide_closure", self.state)
        if close_by is not None and close_by < effective_on:
            raise InvalidInput("the closure date cannot precede the decision", field="close_by")
        number = stated(document, "document")
        self._act(target, effective_on)
        self.close_by = close_by
        self.decisions.append(Decision(closes=True, document=number, effective_on=effective_on))
        self._record(
            ClosureDecided(
                **self._facts(effective_on),
                government=self._government(),
                document=number,
                close_by=close_by,
            )
        )

    def decline_closure(
        self, document: str, reason: str, rectify_by: date, effective_on: date
    ) -> None:
        """The government declined: the suspension goes on until a new period ends."""
        target = LIFECYCLE.move("decline_closure", self.state)
        number, why = stated(document, "document"), stated(reason, "reason")
        if rectify_by <= effective_on:
            raise InvalidInput(
                "the new rectification period must end after the decision", field="rectify_by"
            )
        self._act(target, effective_on)
        self.rectify_by = rectify_by
        self.decisions.append(
            Decision(closes=False, document=number, reason=why, effective_on=effective_on)
        )
        self._record(
            ClosureDeclined(
                **self._facts(effective_on),
                government=self._government(),
                document=number,
                reason=why,
                rectify_by=rectify_by,
            )
        )

    def close(self, description: str, effective_on: date) -> None:
        """关闭: the capacity closed by the government's decision; it has exited."""
        target = LIFECYCLE.move("close", self.state)
        done = stated(description, "description")
        self._act(target, effective_on)
        self.closed_on = effective_on
        self._record(
            CaseClosed(
                **self._step_facts(effective_on, CLOSE),
                **self.model_dump(include={"item", "capacity_amount", "capacity_unit"}),
                government=self._government(),
                document=self.decisions[-1].document,
                description=done,
                basis=table4().basis(CLOSE),
            )
        )

    def revoke_licences(self, licences: Sequence[Licence], effective_on: date) -> None:
        """有关部门应当依法依规吊销其相关证照: the licences revoked, each with its authority."""
        target = LIFECYCLE.move("revoke_licences", self.state)
        if not licences:
            raise InvalidInput("name the licences revoked", field="licences")
        self._act(target, effective_on)
        self.licences = tuple(licences)
        self._record(
            LicencesRevoked(**self._step_facts(effective_on, REVOKE), licences=self.licences)
        )

    def find_revival(
        self, findings: str, effective_on: date, *, alert_id: UUID | None = None
    ) -> None:
        """死灰复燃: the closed capacity found running again on `effective_on`. The closure
        decided stands and is to be carried out again (no new date: the decision's has passed)."""
        target = LIFECYCLE.move("find_revival", self.state)
        found = stated(findings, "findings")
        closed_on = self.closed_on
        assert closed_on is not None, "a closed case has its closing date"
        self._act(target, effective_on)
        self.close_by = None
        self._record(
            CaseRevivalFound(
                **self._step_facts(effective_on, CLOSE),
                **self.model_dump(include={"item", "capacity_amount", "capacity_unit"}),
                closed_on=closed_on,
                findings=found,
                alert_id=alert_id,
                basis=table4().basis(CLOSE),
            )
        )

    def allowed_actions(self) -> list[str]:
        return LIFECYCLE.allowed_from(self.state)

    def _act(self, target: State, effective_on: date) -> None:
        self.last_act_on = in_order(effective_on, self.last_act_on)
        self.state = target

    def _government(self) -> Government:
        if self.government is None:
            raise Conflict("no government was asked to close", field="government")
        return self.government

    def _facts(self, effective_on: date) -> dict[str, Any]:
        return case_facts(self, self.case_id, self.state, self.deadline, effective_on)

    def _step_facts(self, effective_on: date, rule: str) -> dict[str, Any]:
        """The case's facts and the legal basis of this step."""
        return {
            **self._facts(effective_on),
            "rule": rule,
            "catalogue_version": self.catalogue_version,
        }


def refuse_second_case(cases: Sequence[SuspensionCase], uscc: str) -> None:
    """One active enforcement case per enterprise: a new finding is acted on in that case."""
    for case in cases:
        if case.uscc == uscc and case.state in ACTIVE:
            raise Conflict(
                f"case {case.case_id} is {case.state} for {uscc}: act on that case",
                field="findings",
                rule="safety.case.one_active_case",
            )
