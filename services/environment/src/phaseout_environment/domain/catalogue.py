"""The environment catalogue: Table 2 and section 二（二） of the plan as versioned data.

`table2.json` is version 1. It holds the plan's requirements in its own words (one per item of
Table 2, one per paragraph of 二（二）), the grounds on which a case is opened, the equipment
rules, and the limits catalogue (`limits`). A version never changes: mee's amendments make the
next one (`amendment`). The catalogue checks itself when it loads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from enum import StrEnum
from functools import partial
from pathlib import Path

from pydantic import Field, model_validator

from phaseout_environment.domain.equipment_rules import EquipmentRule, KindSpec, atom_problems
from phaseout_environment.domain.limits import (
    AmendmentRecord,
    Limit,
    LimitListing,
    LimitStatus,
    Standard,
)
from phaseout_shared.catalogue_files import shipped_catalogue
from phaseout_shared.contracts.environment import ViolationKind
from phaseout_shared.domain.catalogue import (
    CatalogueData,
    PlanCatalogue,
    catalogue_problems,
    find_item,
    kind_problems,
    kinds_without_rule,
)
from phaseout_shared.reference import Industry

CATALOGUE_FILE = Path(__file__).with_name("table2.json")


class RequirementKind(StrEnum):
    KEY_SUPERVISION_LIST = "key_supervision_list"
    COAL_BOILER_CONVERSION = "coal_boiler_conversion"
    ONLINE_MONITORING = "online_monitoring"
    DISCHARGE_PERMITS = "discharge_permits"
    SANCTIONS = "sanctions"
    SMALL_PROJECT_ENFORCEMENT = "small_project_enforcement"
    SPECIAL_EMISSION_LIMITS = "special_emission_limits"
    EQUIPMENT_BAN = "equipment_ban"
    PENDING_PROVINCIAL_STANDARD = "pending_provincial_standard"
    BASIN_WATER_STANDARD = "basin_water_standard"
    COAL_BOILER_ELIMINATION = "coal_boiler_elimination"
    DISCHARGE_STANDARD = "discharge_standard"
    ULTRA_LOW_EMISSION = "ultra_low_emission"
    COAL_TO_GAS = "coal_to_gas"


class PlanRef(CatalogueData):
    """Where a requirement stands in the plan: Table 2 row and item, or a paragraph of 二（二）."""

    section: str | None = None
    table: int | None = None
    row: int | None = None
    item: int | None = None

    def cite(self) -> str:
        if self.table is None:
            return f"section {self.section}"
        item = f", item ({self.item})" if self.item is not None else ""
        return f"Table {self.table}, row {self.row}{item}"


class Requirement(CatalogueData):
    """One requirement of the plan, in its own words."""

    id: str
    industries: tuple[Industry, ...] = Field(min_length=1)
    kind: RequirementKind
    source: PlanRef
    wording_zh: str = Field(min_length=1)
    wording_en: str = Field(min_length=1)
    note: str | None = None


class Ground(CatalogueData):
    """A ground on which a case is opened (二（二）3, Table 2)."""

    id: str
    violation: ViolationKind
    requirements: tuple[str, ...] = Field(min_length=1)
    wording_zh: str = Field(min_length=1)
    wording_en: str = Field(min_length=1)


class Catalogue(PlanCatalogue[int]):
    """One immutable version of the environment catalogue."""

    version: int = Field(ge=1)
    notes: tuple[str, ...] = ()
    requirements: tuple[Requirement, ...]
    grounds: tuple[Ground, ...]
    kinds: dict[str, KindSpec]
    equipment_rules: tuple[EquipmentRule, ...]
    standards: tuple[Standard, ...]
    history: tuple[AmendmentRecord, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        problems = [*self._duplicates(), *self._dangling(), *self._equipment_problems()]
        table2 = {i for r in self.requirements if r.source.table == 2 for i in r.industries}
        problems += [f"{i} has no Table 2 requirement" for i in Industry if i not in table2]
        grounds = Counter(g.violation for g in self.grounds)
        problems += [f"{v} needs one ground" for v in ViolationKind if grounds[v] != 1]
        catalogue_problems(problems)
        return self

    def _duplicates(self) -> Iterator[str]:
        ids = Counter(
            [r.id for r in self.requirements]
            + [g.id for g in self.grounds]
            + [r.id for r in self.equipment_rules]
            + [s.id for s in self.standards]
            + [limit.id for s in self.standards for limit in s.limits]
        )
        yield from (f"id {i} appears twice" for i, n in ids.items() if n > 1)

    def _dangling(self) -> Iterator[str]:
        known = {r.id for r in self.requirements}
        citing: list[Ground | EquipmentRule | Standard] = [
            *self.grounds,
            *self.equipment_rules,
            *self.standards,
        ]
        for thing in citing:
            yield from (
                f"{thing.id}: no requirement {r}" for r in thing.requirements if r not in known
            )

    def _equipment_problems(self) -> Iterator[str]:
        judged = Counter(
            (kind, industry)
            for rule in self.equipment_rules
            for kind in rule.kinds
            for industry in rule.industries
        )
        yield from (f"{k} in {i} has two rules" for (k, i), n in judged.items() if n > 1)
        yield from kinds_without_rule(self.kinds, {k for k, _ in judged})
        for rule in self.equipment_rules:
            yield from kind_problems(rule.id, rule.kinds, self.kinds, partial(atom_problems, rule))

    @property
    def label(self) -> str:
        """The version as events and exit lists carry it."""
        return str(self.version)

    def requirement(self, id_: str) -> Requirement:
        return next(r for r in self.requirements if r.id == id_)

    def requirements_for(self, industry: Industry) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if industry in r.industries)

    def ground(self, violation: ViolationKind) -> Ground:
        return next(g for g in self.grounds if g.violation is violation)

    def rule_for(self, kind: str, industry: Industry) -> EquipmentRule | None:
        return next(
            (r for r in self.equipment_rules if kind in r.kinds and industry in r.industries),
            None,
        )

    def standard(self, id_: str) -> Standard | None:
        return next((s for s in self.standards if s.id == id_), None)

    def find_limit(self, limit_id: str) -> tuple[Standard, Limit] | None:
        return find_item(self.standards, lambda s: s.limits, limit_id)

    def standards_for(self, industry: Industry) -> tuple[Standard, ...]:
        return tuple(s for s in self.standards if industry in s.industries)

    def listing(
        self, industry: Industry | None = None, status: LimitStatus | None = None
    ) -> tuple[LimitListing, ...]:
        """Every limit, in catalogue order, saying whether its figure is loaded or awaited."""
        rows = (
            LimitListing.of(s, limit)
            for s in self.standards
            if industry is None or industry in s.industries
            for limit in s.limits
        )
        return tuple(row for row in rows if status is None or row.status is status)


shipped = shipped_catalogue(Catalogue, CATALOGUE_FILE)
"""The catalogue shipped with the service: version 1, from `table2.json`."""
