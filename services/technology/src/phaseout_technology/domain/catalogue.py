"""Table 5 of the plan (工艺装备) as a versioned rule catalogue: data read by a small evaluator.

The rules live in `table5.json`, one rule per item of the plan's Table 5, each with the plan's
wording, its source row, a structured condition and its exemptions. Every equipment kind has a
parameter schema. The catalogue checks itself when it loads: a condition that names a parameter
its kinds do not have, a threshold whose reading does not match its comparison, or a kind judged
by two rules is refused there, not at the first survey.

The condition language, and how thresholds are read, is the platform's own
(`phaseout_shared.domain.conditions`), shared with Table 2's rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from phaseout_shared.catalogue_files import shipped_catalogue
from phaseout_shared.contracts.technology import Measure
from phaseout_shared.domain.catalogue import (
    CatalogueData,
    PlanCatalogue,
    appearing_twice,
    catalogue_problems,
    kind_problems,
    kinds_without_rule,
)
from phaseout_shared.domain.conditions import Condition, problems
from phaseout_shared.reference import Industry

CATALOGUE_FILE = Path(__file__).with_name("table5.json")


class ParameterSpec(CatalogueData):
    """One parameter of an equipment kind. Units are in the parameter's name."""

    type: Literal["number", "boolean", "enum"]
    required: bool
    allowed: tuple[str, ...] = ()
    unit: str | None = None
    minimum: Decimal | None = Field(default=None)
    description: str

    @model_validator(mode="after")
    def _coherent(self) -> ParameterSpec:
        if self.type == "boolean" and self.required:
            raise ValueError("a boolean parameter defaults to false: it cannot be required")
        if (self.type == "enum") != bool(self.allowed):
            raise ValueError("an enum parameter, and only an enum, lists its allowed values")
        return self

    @property
    def floor(self) -> Decimal:
        """Numbers are never negative unless the catalogue says otherwise."""
        return Decimal(0) if self.minimum is None else self.minimum


class KindSpec(CatalogueData):
    """An equipment kind of VOCABULARY.md: its industry, its names, its parameters."""

    industry: Industry
    name_zh: str
    name_en: str
    parameters: dict[str, ParameterSpec]


class Exemption(CatalogueData):
    """A carve-out the plan writes into a rule (…除外)."""

    id: str
    when: Condition
    wording_zh: str
    wording_en: str


class Source(CatalogueData):
    """Where the rule stands in the plan: table, row (序号) and item ((1), (2) …)."""

    table: int
    row: int
    item: int | None

    def cite(self, industry: Industry) -> str:
        item = f", item ({self.item})" if self.item is not None else ""
        return f"Table {self.table}, row {self.row} ({industry.value}){item}"


class Rule(CatalogueData):
    """One elimination requirement of Table 5."""

    id: str
    industry: Industry
    kinds: tuple[str, ...] = Field(min_length=1)
    source: Source
    wording_zh: str
    wording_en: str
    note: str | None = None
    eliminate_when: Condition
    exemptions: tuple[Exemption, ...] = ()
    measures: tuple[Measure, ...] = ()

    def conditions(self) -> Iterator[Condition]:
        yield self.eliminate_when
        yield from (e.when for e in self.exemptions)

    @property
    def citation(self) -> str:
        return self.source.cite(self.industry)


class Catalogue(PlanCatalogue[str]):
    """A versioned catalogue of Table 5 rules and the parameter schema of every kind."""

    note_zh: str
    note_en: str
    kinds: dict[str, KindSpec]
    rules: tuple[Rule, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        problems = [p for rule in self.rules for p in self._problems_of(rule)]
        ids = [rule.id for rule in self.rules]
        problems += appearing_twice("rule", ids)
        judged = [kind for rule in self.rules for kind in rule.kinds]
        problems += kinds_without_rule(self.kinds, judged)
        problems += [f"kind {k} has two rules" for k in sorted(set(judged)) if judged.count(k) > 1]
        catalogue_problems(problems)
        return self

    def _problems_of(self, rule: Rule) -> Iterator[str]:
        return kind_problems(rule.id, rule.kinds, self.kinds, partial(_kind_problems, rule))

    def kind(self, name: str) -> KindSpec | None:
        return self.kinds.get(name)

    def rule_for(self, kind: str) -> Rule:
        """The rule that judges a kind (the catalogue guarantees exactly one)."""
        return next(rule for rule in self.rules if kind in rule.kinds)

    def kinds_of(self, industry: Industry) -> list[str]:
        return [name for name, spec in self.kinds.items() if spec.industry == industry]


def _kind_problems(rule: Rule, kind: str, spec: KindSpec) -> Iterator[str]:
    if spec.industry != rule.industry:
        yield f"{rule.id}: kind {kind} is of {spec.industry}, not {rule.industry}"
    for condition in rule.conditions():
        yield from problems(rule.id, kind, spec.parameters, condition)


table5 = shipped_catalogue(Catalogue, CATALOGUE_FILE)
"""The catalogue shipped with the service (Table 5 of the 2019 plan)."""
