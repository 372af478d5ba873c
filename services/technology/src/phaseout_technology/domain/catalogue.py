"""Table 5 of the plan (工艺装备) as a versioned rule catalogue: data read by a small evaluator.

The rules live in `table5.json`, one rule per item of the plan's Table 5, each with the plan's
wording, its source row, a structured condition and its exemptions. Every equipment kind has a
parameter schema. The catalogue checks itself when it loads: a condition that names a parameter
its kinds do not have, a threshold whose reading does not match its comparison, or a kind judged
by two rules is refused there, not at the first survey.

Thresholds are read as the plan writes them: 及以下 includes the number (≤), 以下 does not (<),
and 超过 / 高于 / 大于 exclude it (>).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from phaseout_shared.contracts.technology import Measure
from phaseout_shared.reference import Industry

CATALOGUE_FILE = Path(__file__).with_name("table5.json")

Op = Literal["le", "lt", "gt"]
Term = Literal["及以下", "以下", "超过", "高于", "大于"]

READINGS: dict[Term, tuple[Op, str, str]] = {
    "及以下": ("le", "≤", "at or below"),
    "以下": ("lt", "<", "below"),
    "超过": ("gt", ">", "over"),
    "高于": ("gt", ">", "above"),
    "大于": ("gt", ">", "greater than"),
}
"""The plan's words for a threshold: the comparison each means, its symbol, and in English."""


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ParameterSpec(_Data):
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


class KindSpec(_Data):
    """An equipment kind of VOCABULARY.md: its industry, its names, its parameters."""

    industry: Industry
    name_zh: str
    name_en: str
    parameters: dict[str, ParameterSpec]


class Threshold(_Data):
    """A number compared with the plan's threshold, read by the plan's own word (`term`)."""

    param: str
    op: Op
    value: Decimal
    term: Term

    @model_validator(mode="after")
    def _term_matches(self) -> Threshold:
        if READINGS[self.term][0] != self.op:
            raise ValueError(f"{self.term} is read as {READINGS[self.term][0]}, not {self.op}")
        return self

    @property
    def symbol(self) -> str:
        return READINGS[self.term][1]

    @property
    def english(self) -> str:
        return READINGS[self.term][2]

    @property
    def reading(self) -> str:
        """The plan's word, in English, and its symbol: 及以下 (at or below, ≤)."""
        return f"{self.term} ({self.english}, {self.symbol})"


class Flag(_Data):
    """A yes/no fact about the item, e.g. a high-alloy furnace."""

    param: str
    is_: bool = Field(alias="is")


class OneOf(_Data):
    """An enumerated fact among the values the plan names, e.g. a reverberatory furnace."""

    param: str
    in_: tuple[str, ...] = Field(alias="in", min_length=1)


class AllOf(_Data):
    all_: tuple[Condition, ...] = Field(alias="all", min_length=1)


class AnyOf(_Data):
    any_: tuple[Condition, ...] = Field(alias="any", min_length=1)


class Not(_Data):
    not_: Condition = Field(alias="not")


class Always(_Data):
    """Every item of the kind, whatever its parameters (一律淘汰)."""

    always: Literal[True]


Atom = Threshold | Flag | OneOf
Condition = Threshold | Flag | OneOf | AllOf | AnyOf | Not | Always

for _model in (AllOf, AnyOf, Not):
    _model.model_rebuild()


def atoms(condition: Condition) -> Iterator[Atom]:
    """Every comparison inside a condition."""
    match condition:
        case AllOf(all_=parts) | AnyOf(any_=parts):
            for part in parts:
                yield from atoms(part)
        case Not(not_=inner):
            yield from atoms(inner)
        case Always():
            return
        case _:
            yield condition


class Exemption(_Data):
    """A carve-out the plan writes into a rule (…除外)."""

    id: str
    when: Condition
    wording_zh: str
    wording_en: str


class Source(_Data):
    """Where the rule stands in the plan: table, row (序号) and item ((1), (2) …)."""

    table: int
    row: int
    item: int | None

    def cite(self, industry: Industry) -> str:
        item = f", item ({self.item})" if self.item is not None else ""
        return f"Table {self.table}, row {self.row} ({industry.value}){item}"


class Rule(_Data):
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


class Catalogue(_Data):
    """A versioned catalogue of Table 5 rules and the parameter schema of every kind."""

    version: str
    title_zh: str
    title_en: str
    document: str
    note_zh: str
    note_en: str
    kinds: dict[str, KindSpec]
    rules: tuple[Rule, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        problems = [p for rule in self.rules for p in self._problems_of(rule)]
        ids = [rule.id for rule in self.rules]
        problems += [f"rule {i} appears twice" for i in sorted(set(ids)) if ids.count(i) > 1]
        judged = [kind for rule in self.rules for kind in rule.kinds]
        problems += [f"kind {k} has no rule" for k in self.kinds if k not in judged]
        problems += [f"kind {k} has two rules" for k in sorted(set(judged)) if judged.count(k) > 1]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _problems_of(self, rule: Rule) -> Iterator[str]:
        for kind in rule.kinds:
            spec = self.kinds.get(kind)
            if spec is None:
                yield f"{rule.id}: unknown kind {kind}"
                continue
            if spec.industry != rule.industry:
                yield f"{rule.id}: kind {kind} is of {spec.industry}, not {rule.industry}"
            for condition in rule.conditions():
                for atom in atoms(condition):
                    yield from _atom_problems(rule.id, kind, spec, atom)

    def kind(self, name: str) -> KindSpec | None:
        return self.kinds.get(name)

    def rule_for(self, kind: str) -> Rule:
        """The rule that judges a kind (the catalogue guarantees exactly one)."""
        return next(rule for rule in self.rules if kind in rule.kinds)

    def kinds_of(self, industry: Industry) -> list[str]:
        return [name for name, spec in self.kinds.items() if spec.industry == industry]


def _atom_problems(rule_id: str, kind: str, spec: KindSpec, atom: Atom) -> Iterator[str]:
    param = spec.parameters.get(atom.param)
    expected = {Threshold: "number", Flag: "boolean", OneOf: "enum"}[type(atom)]
    if param is None or param.type != expected:
        yield f"{rule_id}: kind {kind} has no {expected} parameter {atom.param}"
    elif isinstance(atom, OneOf) and not set(atom.in_) <= set(param.allowed):
        yield f"{rule_id}: {atom.param} values {atom.in_} are not all allowed"


def load(path: Path = CATALOGUE_FILE) -> Catalogue:
    """Read and check a catalogue file."""
    return Catalogue.model_validate_json(path.read_text(encoding="utf-8"))


@cache
def table5() -> Catalogue:
    """The catalogue shipped with the service (Table 5 of the 2019 plan)."""
    return load()
