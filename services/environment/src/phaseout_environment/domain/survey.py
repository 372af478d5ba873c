"""Surveyed equipment: an item as found, its Table 2 verdict, and its conversion if one is due.

An item Table 2 eliminates opens a case at once (the caller opens it). A coal-fired item to be
converted to clean energy (清洁能源改造, 煤改气) stays on the conversion list until the officer
records the conversion; past its due date (2019 年底前) it is overdue.

    allowed · eliminated · to_convert ── record_conversion ──▶ converted
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import Field

from phaseout_environment.domain.aggregate import (
    not_before,
    refusing_invalid_input,
    stated,
    take_over,
)
from phaseout_environment.domain.equipment import EquipmentVerdict
from phaseout_shared.contracts.environment import (
    EquipmentConverted,
    EquipmentOutcome,
    EquipmentSurveyed,
)
from phaseout_shared.domain.errors import Conflict
from phaseout_shared.domain.facts import AtEnterprise, Site, enterprise_facts
from phaseout_shared.domain.statemachine import Lifecycle


class EquipmentState(StrEnum):
    ALLOWED = "allowed"
    ELIMINATED = "eliminated"
    TO_CONVERT = "to_convert"
    CONVERTED = "converted"


STATE_OF = {
    EquipmentOutcome.ALLOWED: EquipmentState.ALLOWED,
    EquipmentOutcome.ELIMINATE: EquipmentState.ELIMINATED,
    EquipmentOutcome.CONVERT: EquipmentState.TO_CONVERT,
}
EQUIPMENT_LIFECYCLE: Lifecycle[EquipmentState] = Lifecycle.of(
    {"record_conversion": ([EquipmentState.TO_CONVERT], EquipmentState.CONVERTED)}
)


def item_key(uscc: str, item_id: str) -> str:
    return f"{uscc}/{item_id}"


class SurveyedEquipment(AtEnterprise):
    """One item of one enterprise's site, as last surveyed."""

    item_id: str = Field(min_length=1, max_length=100)
    surveyed_on: date
    verdict: EquipmentVerdict
    state: EquipmentState
    case_id: UUID | None = None
    converted_on: date | None = None
    fuel: str | None = None

    @property
    def id(self) -> str:
        return item_key(self.uscc, self.item_id)

    @property
    def due_on(self) -> date | None:
        return self.verdict.due_on if self.state is EquipmentState.TO_CONVERT else None

    @classmethod
    def survey(
        cls,
        *,
        site: Site,
        item_id: str,
        verdict: EquipmentVerdict,
        effective_on: date,
    ) -> SurveyedEquipment:
        """Record an item and its verdict (the event says which rule decided)."""
        with refusing_invalid_input():
            item = cls(
                **site.fields(verdict.industry),
                item_id=stated(item_id, "item_id"),
                surveyed_on=effective_on,
                verdict=verdict,
                state=STATE_OF[verdict.outcome],
            )
        item._record(EquipmentSurveyed(**item._facts(effective_on), **_verdict_facts(verdict)))
        return item

    def resurvey(self, newer: SurveyedEquipment) -> None:
        """A later survey of the same item replaces this one; refused once a case or a
        conversion tracks the item, or if it is older."""
        if self.state is not EquipmentState.ALLOWED:
            raise Conflict(
                f"item {self.item_id} is {self.state}: act on its case or conversion instead",
                field="item_id",
                rule="environment.equipment.one_survey_while_tracked",
            )
        not_before(newer.surveyed_on, self.surveyed_on)
        take_over(self, newer)

    def record_conversion(self, fuel: str, effective_on: date) -> None:
        """The coal-fired item now runs on clean energy (清洁能源改造 / 煤改气)."""
        target = EQUIPMENT_LIFECYCLE.move("record_conversion", self.state)
        not_before(effective_on, self.surveyed_on)
        used = stated(fuel, "fuel")
        self.state, self.fuel, self.converted_on = target, used, effective_on
        self._record(
            EquipmentConverted(
                **self._facts(effective_on),
                kind=self.verdict.kind,
                fuel=self.fuel,
                rule=self.verdict.rule,
                due_on=self.verdict.due_on,
            )
        )

    def _facts(self, effective_on: date) -> dict[str, Any]:
        return enterprise_facts(self, effective_on, item_id=self.item_id)


def _verdict_facts(verdict: EquipmentVerdict) -> dict[str, Any]:
    return verdict.model_dump(
        include={"kind", "parameters", "outcome", "rule", "catalogue_version", "basis", "due_on"}
    )
