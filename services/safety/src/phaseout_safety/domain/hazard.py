"""A hidden hazard's rectification (隐患排查治理), tracked until the hazard is rectified.

The plan (二（四）2): 督促企业深入开展安全生产隐患排查治理，推动企业做到隐患排查治理措施、责任、
资金、时限和预案"五落实". A hazard found by an inspection is open until all five parts are in
place; then it is rectified by its time limit (时限), which is its deadline from the day it is
stated. A part once in place stays as recorded: the time limit cannot be moved to escape it.
A hazard is overdue from the day after its time limit whether or not the sweep has recorded it:
an act dated later first records the overdue as the sweep would; and a verification refused for
a missing part names the part, whatever the hazard's state (docs/domain.md).

    open ──complete_five_in_place──▶ rectifying ──verify_rectified──▶ rectified
      │ ▲ put_in_place                   │                                ▲
      └─┴───────── mark_overdue ─────────┴──▶ overdue ──verify_rectified──┘
                                              ▲ put_in_place_late (the missing parts)
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from pydantic import Field

from phaseout_safety.domain.aggregate import in_order, stated
from phaseout_safety.domain.catalogue import FIVE_IN_PLACE, table4
from phaseout_shared.contracts.safety import (
    FindingVerdict,
    FiveInPlace,
    FiveInPlaceUpdated,
    HazardFound,
    HazardOverdue,
    HazardRectified,
    HazardState,
)
from phaseout_shared.domain.deadlines import DueByDeadline
from phaseout_shared.domain.errors import Conflict, InvalidInput
from phaseout_shared.domain.facts import Site, case_facts
from phaseout_shared.domain.statemachine import Lifecycle

LIFECYCLE: Lifecycle[HazardState] = Lifecycle.of(
    {
        "put_in_place": ([HazardState.OPEN], HazardState.OPEN),
        "complete_five_in_place": ([HazardState.OPEN], HazardState.RECTIFYING),
        "put_in_place_late": ([HazardState.OVERDUE], HazardState.OVERDUE),
        "mark_overdue": ([HazardState.OPEN, HazardState.RECTIFYING], HazardState.OVERDUE),
        "verify_rectified": (
            [HazardState.RECTIFYING, HazardState.OVERDUE],
            HazardState.RECTIFIED,
        ),
    }
)
PENDING = frozenset({HazardState.OPEN, HazardState.RECTIFYING, HazardState.OVERDUE})


class Hazard(DueByDeadline):
    """One hidden hazard of one enterprise, from the inspection that found it to its end."""

    LIFECYCLE: ClassVar[Lifecycle[HazardState]] = LIFECYCLE

    inspection_id: UUID
    description: str = Field(min_length=1)
    rule: str
    catalogue_version: str
    found_on: date
    five_in_place: FiveInPlace = FiveInPlace()
    state: HazardState = HazardState.OPEN
    last_act_on: date
    rectified_on: date | None = None
    note: str = ""

    @classmethod
    def find(
        cls,
        case_id: UUID,
        *,
        site: Site,
        inspection_id: UUID,
        verdict: FindingVerdict,
        found_on: date,
        catalogue_version: str,
    ) -> Hazard:
        """A hazard found by an inspection: to be rectified with the 五落实 in place."""
        hazard = cls(
            case_id=case_id,
            **site.fields(),
            inspection_id=inspection_id,
            description=verdict.description,
            rule=verdict.rule,
            catalogue_version=catalogue_version,
            found_on=found_on,
            last_act_on=found_on,
        )
        hazard._record(
            HazardFound(
                **hazard._facts(found_on),
                inspection_id=inspection_id,
                description=hazard.description,
                rule=hazard.rule,
                catalogue_version=catalogue_version,
            )
        )
        return hazard

    @property
    def deadline(self) -> date | None:
        """The time limit (时限) while the hazard is not rectified."""
        return self.five_in_place.time_limit if self.state in PENDING else None

    def put_in_place(self, parts: FiveInPlace, effective_on: date) -> None:
        """Put in place the parts given (措施、责任、资金、时限、预案); the others stay."""
        state = self.state_on(effective_on)
        if state is not HazardState.OVERDUE:
            LIFECYCLE.move("put_in_place", state)
        given = self._accepted(parts)
        merged = FiveInPlace.model_validate({**self.five_in_place.model_dump(), **given})
        if state is HazardState.OVERDUE:
            action = "put_in_place_late"
        else:
            action = "put_in_place" if merged.missing() else "complete_five_in_place"
        target = LIFECYCLE.move(action, state)
        in_order(effective_on, self.last_act_on)
        self.mark_overdue(effective_on)
        self.last_act_on = in_order(effective_on, self.last_act_on)
        self.state, self.five_in_place = target, merged
        self._record(
            FiveInPlaceUpdated(
                **self._facts(effective_on),
                five_in_place=merged,
                missing=tuple(merged.missing()),
            )
        )

    def _due_on(self) -> date | None:
        return self.five_in_place.time_limit

    def _overdue(self, became_overdue: date, missed: date) -> HazardOverdue:
        return HazardOverdue(**self._facts(became_overdue), missed_deadline=missed)

    def verify_rectified(self, effective_on: date, note: str = "") -> None:
        """The rectification was verified (隐患治理完成): only with all five in place.

        A pending hazard with a part missing is refused naming the part (before its state:
        what the officer needs to hear is what is missing).
        """
        missing = self.five_in_place.missing()
        if missing and self.state in PENDING:
            names = ", ".join(table4().part_name(p) for p in missing)
            fields = "; ".join(f"five_in_place.{p} is missing" for p in missing)
            raise Conflict(
                f"a hazard is rectified with all five in place (五落实); missing: {names} "
                f"({fields})",
                field=f"five_in_place.{missing[0]}",
                rule=FIVE_IN_PLACE,
            )
        LIFECYCLE.move("verify_rectified", self.state_on(effective_on))
        in_order(effective_on, self.last_act_on)
        self.mark_overdue(effective_on)
        self.last_act_on = in_order(effective_on, self.last_act_on)
        limit = self.five_in_place.time_limit
        self.state = LIFECYCLE.move("verify_rectified", self.state)
        self.rectified_on, self.note = effective_on, note.strip()
        late = limit is not None and effective_on > limit
        self._record(HazardRectified(**self._facts(effective_on), late=late, note=self.note))

    def allowed_actions(self) -> list[str]:
        return LIFECYCLE.allowed_from(self.state)

    def _accepted(self, parts: FiveInPlace) -> dict[str, Any]:
        """The parts given, each refused if already in place, blank, or out of time."""
        given = {name: value for name, value in parts.model_dump().items() if value is not None}
        if not given:
            raise InvalidInput("name at least one of the five parts", field="five_in_place")
        held = self.five_in_place.model_dump()
        for name, value in given.items():
            field = f"five_in_place.{name}"
            if held[name] is not None:
                raise Conflict(
                    f"the {table4().part_name(name)} is already in place: a part in place "
                    "stays as recorded",
                    field=field,
                    rule=FIVE_IN_PLACE,
                )
            if isinstance(value, str):
                given[name] = stated(value, field)
        limit = given.get("time_limit")
        if limit is not None and limit < self.found_on:
            raise InvalidInput(
                f"the time limit {limit} precedes the hazard, found on {self.found_on}",
                field="five_in_place.time_limit",
            )
        return given

    def _facts(self, effective_on: date) -> dict[str, Any]:
        return case_facts(self, self.case_id, self.state, self.deadline, effective_on)
