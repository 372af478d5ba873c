"""Table 2's equipment rules as data: the kinds of equipment, their parameters, the conditions.

Table 2 eliminates 炉膛直径 3 米以下燃料类煤气发生炉及其他中小型煤气发生炉, bans 燃煤热风炉 and, in
paper, dyeing and leather, 燃煤锅炉; section 二（二）2 has every other coal-fired industrial
boiler converted to clean energy by the end of 2019, and ceramics goes from coal to gas (煤改气).
Thresholds are read as the plan writes them (`phaseout_shared.domain.conditions`, the condition
language Table 5's rules speak too): 以下 excludes the number (<), 及以下 includes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from phaseout_shared.contracts.environment import EquipmentOutcome
from phaseout_shared.domain.catalogue import CatalogueData
from phaseout_shared.domain.conditions import Condition, problems
from phaseout_shared.reference import Industry


class ParameterSpec(CatalogueData):
    """One parameter of an equipment kind; a number's unit is in its name."""

    type: Literal["number", "enum"]
    required: bool = True
    allowed: tuple[str, ...] = ()
    description: str

    @model_validator(mode="after")
    def _enum_lists_values(self) -> ParameterSpec:
        if (self.type == "enum") != bool(self.allowed):
            raise ValueError("an enum parameter, and only an enum, lists its allowed values")
        return self

    @property
    def floor(self) -> Decimal:
        """A number is never negative."""
        return Decimal(0)


class KindSpec(CatalogueData):
    name_zh: str
    name_en: str
    parameters: dict[str, ParameterSpec] = Field(default_factory=dict)


class EquipmentRule(CatalogueData):
    """One rule: which kinds, in which industries, under what condition, with what outcome."""

    id: str
    industries: tuple[Industry, ...] = Field(min_length=1)
    kinds: tuple[str, ...] = Field(min_length=1)
    requirements: tuple[str, ...] = Field(min_length=1)
    outcome: Literal[EquipmentOutcome.ELIMINATE, EquipmentOutcome.CONVERT]
    wording_zh: str
    wording_en: str
    when: Condition
    due_on: date | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _only_conversions_fall_due(self) -> EquipmentRule:
        if self.due_on is not None and self.outcome is not EquipmentOutcome.CONVERT:
            raise ValueError(f"{self.id}: only a conversion has a due date")
        return self


def atom_problems(rule: EquipmentRule, kind: str, spec: KindSpec) -> Iterator[str]:
    """What is wrong with a rule's condition for one of its kinds."""
    return problems(rule.id, kind, spec.parameters, rule.when)
