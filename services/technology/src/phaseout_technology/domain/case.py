"""The elimination case (发现一起、淘汰一起): from an eliminated item to on-site acceptance.

The plan: 淘汰相关工艺技术装备，须拆除相应主体设备，具备拆除条件的，应立即拆除；暂不具备拆除条件
的，应立即断水、断电，拆除动力装置，封存主体设备（生产线），企业向社会公开承诺不再恢复生产 —
then 现场验收. A 地条钢 producer is shut down at once, dismantled (sealing is not enough) and
investigated (立即关停，拆除设备，并依法查处).

The states and moves are the `LIFECYCLE` table; each transition method checks its guard, moves
the state and appends its event for `pull_events()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from phaseout_shared.contracts.technology import (
    AcceptanceFailed,
    AcceptancePassed,
    CaseDismantled,
    CaseOpened,
    CaseSealed,
    CaseState,
    DitiaogangInvestigationOpened,
    ExitMeans,
    Measure,
    RevivalFound,
    SealingMeasures,
    ShutdownOrdered,
)
from phaseout_shared.domain.aggregate import non_blank
from phaseout_shared.domain.checks import OnSiteCheck, reasons_agree
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.facts import EnterpriseCase, Site
from phaseout_shared.domain.statemachine import Lifecycle, in_order
from phaseout_technology.domain.aggregate import enterprise, refusing_invalid_input, stated
from phaseout_technology.domain.evaluate import Verdict

LIFECYCLE: Lifecycle[CaseState] = Lifecycle.of(
    {
        "dismantle": ([CaseState.OPEN, CaseState.SEALED], CaseState.DISMANTLED),
        "seal": ([CaseState.OPEN], CaseState.SEALED),
        "accept_on_site": ([CaseState.DISMANTLED, CaseState.SEALED], CaseState.EXITED),
        "fail_on_site_acceptance": ([CaseState.DISMANTLED, CaseState.SEALED], CaseState.OPEN),
        "reopen_revival": ([CaseState.SEALED, CaseState.EXITED], CaseState.OPEN),
    }
)

CASE_IDS = {"case_id", "uscc", "district", "state"}
WHAT_EXITS = {"industry", "kind", "item_id", "capacity_amount", "capacity_unit"}
LEGAL_BASIS = {"rule", "catalogue_version"}
EXIT_FACTS = CASE_IDS | WHAT_EXITS | LEGAL_BASIS


class Dismantling(BaseModel):
    description: str
    effective_on: date


class Sealing(BaseModel):
    measures: SealingMeasures
    description: str
    effective_on: date


class Acceptance(OnSiteCheck):
    """One on-site acceptance (现场验收), passed or failed."""


class Revival(BaseModel):
    """A sealed or accepted line found running again (死灰复燃)."""

    description: str
    previous_state: CaseState
    effective_on: date


class EliminationCase(EnterpriseCase):
    """One eliminated item of one enterprise, until its capacity has exited."""

    item_id: str = Field(min_length=1, max_length=100)
    kind: str
    capacity_amount: Decimal = Field(gt=0)
    capacity_unit: str = Field(min_length=1, max_length=20)
    rule: str
    catalogue_version: str
    basis: str
    measures: tuple[Measure, ...] = ()
    state: CaseState = CaseState.OPEN
    opened_on: date
    last_step_on: date
    revival: bool = False
    dismantling: Dismantling | None = None
    sealing: Sealing | None = None
    acceptances: list[Acceptance] = Field(default_factory=list)
    revivals: list[Revival] = Field(default_factory=list)
    exited_on: date | None = None

    @classmethod
    def open(
        cls,
        *,
        case_id: UUID,
        site: Site,
        item_id: str,
        verdict: Verdict,
        capacity_amount: Decimal,
        capacity_unit: str,
        effective_on: date,
    ) -> EliminationCase:
        """Open a case for an item Table 5 eliminates; a 地条钢 case also orders the shutdown."""
        if not verdict.eliminated:
            raise Conflict(
                f"{verdict.kind} is allowed by {verdict.rule}: there is nothing to eliminate",
                field="verdict",
                rule=verdict.rule,
            )
        enterprise(site.uscc)
        with refusing_invalid_input():
            case = cls(
                case_id=case_id,
                **site.fields(verdict.industry),
                item_id=stated(item_id, "item_id"),
                kind=verdict.kind,
                capacity_amount=capacity_amount,
                capacity_unit=stated(capacity_unit, "capacity_unit"),
                rule=verdict.rule,
                catalogue_version=verdict.catalogue_version,
                basis=verdict.basis,
                measures=verdict.measures,
                opened_on=effective_on,
                last_step_on=effective_on,
            )
        case._record(CaseOpened(**case._exit_facts(effective_on), basis=case.basis))
        case._order_immediate_measures(effective_on)
        return case

    def dismantle(self, description: str, effective_on: date) -> None:
        """The main equipment was dismantled (拆除相应主体设备)."""
        done = stated(description, "description")
        self._step("dismantle", effective_on)
        self.dismantling = Dismantling(description=done, effective_on=effective_on)
        self._record(CaseDismantled(**self._ids(effective_on), description=done))

    def seal(self, measures: SealingMeasures, effective_on: date, description: str = "") -> None:
        """Seal what cannot be dismantled yet: all five measures, or refused naming the missing."""
        LIFECYCLE.move("seal", self.state)
        if Measure.DISMANTLE_ONLY in self.measures:
            raise Conflict(
                f"{self.kind} must be dismantled (拆除设备): sealing is not enough",
                field="sealing",
                rule=self.rule,
            )
        missing = measures.missing()
        if missing:
            fields = SealingMeasures.model_fields
            names = ", ".join(str(fields[m].description) for m in missing)
            raise InvalidInput(
                f"sealing needs all five measures; missing: {names}",
                field=f"sealing.{missing[0]}",
                rule="technology.seal",
            )
        self._step("seal", effective_on)
        self.sealing = Sealing(
            measures=measures, description=description.strip(), effective_on=effective_on
        )
        self._record(
            CaseSealed(
                **self._ids(effective_on), measures=measures, description=description.strip()
            )
        )

    def accept_on_site(
        self, effective_on: date, *, passed: bool, reasons: Sequence[str] = (), note: str = ""
    ) -> None:
        """On-site acceptance (现场验收): passed, the capacity has exited; failed, back to work."""
        if self.state not in (CaseState.DISMANTLED, CaseState.SEALED):
            raise Conflict(
                "on-site acceptance (现场验收) comes after the main equipment is dismantled or "
                f"sealed; this case is {self.state}",
                field="state",
                rule="lifecycle.accept_on_site",
            )
        found = reasons_agree(
            passed,
            non_blank(reasons),
            "reasons",
            passed_with="a passed acceptance has no failure reasons",
            failed_without="a failed acceptance must say why",
        )
        if passed:
            self._pass(effective_on, note.strip())
        else:
            self._fail(effective_on, found, note.strip())

    def reopen_revival(self, description: str, effective_on: date) -> None:
        """A sealed or accepted line found running again (死灰复燃): re-open, flagged revival."""
        found = stated(description, "description")
        previous = self.state
        self._step("reopen_revival", effective_on)
        self.revival = True
        self.revivals.append(
            Revival(description=found, previous_state=previous, effective_on=effective_on)
        )
        self.dismantling = self.sealing = None
        self.exited_on = None
        self._record(
            RevivalFound(
                **self._exit_facts(effective_on), description=found, previous_state=previous
            )
        )
        self._order_immediate_measures(effective_on)

    def allowed_actions(self) -> list[str]:
        return LIFECYCLE.allowed_from(self.state)

    def _pass(self, effective_on: date, note: str) -> None:
        exited_by = ExitMeans.DISMANTLED if self.dismantling else ExitMeans.SEALED
        self._step("accept_on_site", effective_on)
        self.acceptances.append(Acceptance(passed=True, note=note, effective_on=effective_on))
        self.exited_on = effective_on
        self._record(
            AcceptancePassed(
                **self._exit_facts(effective_on),
                exited_by=exited_by,
                revival=self.revival,
                note=note,
            )
        )

    def _fail(self, effective_on: date, reasons: tuple[str, ...], note: str) -> None:
        self._step("fail_on_site_acceptance", effective_on)
        self.acceptances.append(
            Acceptance(passed=False, reasons=reasons, note=note, effective_on=effective_on)
        )
        self.dismantling = self.sealing = None
        self._record(AcceptanceFailed(**self._ids(effective_on), reasons=reasons))

    def _order_immediate_measures(self, effective_on: date) -> None:
        """立即关停 … 并依法查处: what Table 5 orders at once for 地条钢, again on a revival."""
        ids, rule, version = self._ids(effective_on), self.rule, self.catalogue_version
        if Measure.SHUT_DOWN_AT_ONCE in self.measures:
            self._record(
                ShutdownOrdered(
                    **ids,
                    industry=self.industry,
                    kind=self.kind,
                    rule=rule,
                    catalogue_version=version,
                )
            )
        if Measure.INVESTIGATE in self.measures:
            self._record(DitiaogangInvestigationOpened(**ids, rule=rule, catalogue_version=version))

    def _step(self, action: str, effective_on: date) -> None:
        target = LIFECYCLE.move(action, self.state)
        in_order(effective_on, self.last_step_on, "effective_on")
        self.state, self.last_step_on = target, effective_on

    def _ids(self, effective_on: date) -> dict[str, Any]:
        return {**self.model_dump(include=CASE_IDS), "effective_on": effective_on}

    def _exit_facts(self, effective_on: date) -> dict[str, Any]:
        """What the city bureau's exit list needs: where, what, how much, and the legal basis."""
        return {**self.model_dump(include=EXIT_FACTS), "effective_on": effective_on}
