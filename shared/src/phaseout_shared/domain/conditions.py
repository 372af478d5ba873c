"""The condition language of the plan's equipment tables (Table 2, Table 5), written once: what a
rule says of an item of equipment, as data in a catalogue, and how it is judged.

A condition compares an item's parameters with the plan's thresholds, read as the plan writes
them — 及以下 includes the number (≤), 以下 does not (<), 超过 / 高于 / 大于 exclude it (>) —,
checks a yes/no fact or an enumerated one, and combines them (`all`, `any`, `not`, and
`always` for 一律).
Judging one says whether it holds and the facts that decided, each with the reading it was found
by, for the verdict's basis.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal, NamedTuple, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from phaseout_shared.domain.errors import InvalidInput

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

COMPARISONS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "le": operator.le,
    "lt": operator.lt,
    "gt": operator.gt,
}
ALWAYS_READING = "一律 (always)"
FLAG_READING = "是否 (yes or no)"
ONE_OF_READING = "属于 (one of)"

Value = Decimal | bool | str
"""A parameter's value as read: a number, a yes/no, one of the allowed words."""


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


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
    """Every item of the kind, whatever its parameters (一律)."""

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


class Parameter(Protocol):
    """What a catalogue says of one parameter of a kind."""

    @property
    def type(self) -> str: ...

    @property
    def allowed(self) -> tuple[str, ...]: ...


class ItemParameter(Parameter, Protocol):
    """A parameter as an item of equipment is read against it: whether the item must give it (a
    boolean left out is false), and the least number it may take."""

    @property
    def required(self) -> bool: ...

    @property
    def floor(self) -> Decimal: ...


EXPECTED: dict[type, str] = {Threshold: "number", Flag: "boolean", OneOf: "enum"}


def problems(
    rule_id: str, kind: str, parameters: Mapping[str, Parameter], condition: Condition
) -> Iterator[str]:
    """What is wrong with a rule's condition for one of its kinds: a parameter the kind lacks or
    has of another type, a value it does not allow."""
    for atom in atoms(condition):
        param = parameters.get(atom.param)
        expected = EXPECTED[type(atom)]
        if param is None or param.type != expected:
            yield f"{rule_id}: kind {kind} has no {expected} parameter {atom.param}"
        elif isinstance(atom, OneOf) and not set(atom.in_) <= set(param.allowed):
            yield f"{rule_id}: {atom.param} values {atom.in_} are not all allowed"


@dataclass(frozen=True)
class Fact:
    """One thing found of the item, with the reading it was found by."""

    text: str
    reading: str


class Finding(NamedTuple):
    held: bool
    facts: list[Fact]

    @property
    def stated(self) -> str:
        """The facts in one sentence."""
        return "; ".join(f.text for f in self.facts)


def show(value: Value) -> str:
    """A value as the basis sentence writes it: 400, 1.76, true."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def judge(condition: Condition, parameters: Mapping[str, Value]) -> Finding:
    """Whether a condition holds, with the facts that decided it.

    For `all` and `any` the deciding facts are those of the parts whose result is the result of
    the whole: every part when all hold, the failing ones when one fails.
    """
    match condition:
        case Always():
            return Finding(True, [Fact("every such item, whatever its parameters", ALWAYS_READING)])
        case AllOf(all_=parts) | AnyOf(any_=parts):
            results = [judge(part, parameters) for part in parts]
            combine = all if isinstance(condition, AllOf) else any
            held = combine(r.held for r in results)
            return Finding(held, [f for r in results if r.held == held for f in r.facts])
        case Not(not_=inner):
            found = judge(inner, parameters)
            return Finding(not found.held, found.facts)
        case Threshold():
            return _compare(condition, parameters[condition.param])
        case Flag(param=param, is_=expected):
            value = parameters[param]
            return Finding(value == expected, [Fact(f"{param} is {show(value)}", FLAG_READING)])
        case OneOf(param=param, in_=values):
            value = parameters[param]
            held = value in values
            text = f"{param} {show(value)} is {'' if held else 'not '}one of {', '.join(values)}"
            return Finding(held, [Fact(text, ONE_OF_READING)])
    raise AssertionError(f"unknown condition {condition!r}")


def _compare(threshold: Threshold, value: Value) -> Finding:
    if not isinstance(value, Decimal):
        raise AssertionError(f"{threshold.param} is not a number: {value!r}")
    held = bool(COMPARISONS[threshold.op](value, threshold.value))
    verb = threshold.symbol if held else f"is not {threshold.symbol}"
    text = (
        f"{threshold.param} {show(value)} {verb} {show(threshold.value)} "
        f"({threshold.term}, {threshold.english})"
    )
    return Finding(held, [Fact(text, threshold.reading)])


def read_parameters(
    kind: str, schema: Mapping[str, ItemParameter], item: Mapping[str, object]
) -> dict[str, Value]:
    """The parameters of an item `{"kind": KIND, ...parameters}`, read strictly against its kind's
    schema in the catalogue: an unknown, missing or wrongly typed parameter, a number below its
    floor or a word the catalogue does not allow is refused, naming `equipment.<param>`."""
    given = {name: value for name, value in item.items() if name != "kind"}
    unknown = sorted(set(given) - set(schema))
    if unknown:
        has = ", ".join(schema) or "none"
        raise InvalidInput(
            f"kind {kind} has no parameter {unknown[0]}; it has: {has}",
            field=f"equipment.{unknown[0]}",
        )
    return {name: _read(name, param, given.get(name)) for name, param in schema.items()}


def _read(name: str, param: ItemParameter, raw: object) -> Value:
    field = f"equipment.{name}"
    if raw is None:
        if param.required:
            raise InvalidInput(f"{name} is required", field=field)
        return False
    if param.type == "boolean":
        if not isinstance(raw, bool):
            raise InvalidInput(f"{name} must be true or false, got {raw!r}", field=field)
        return raw
    if param.type == "enum":
        if not isinstance(raw, str) or raw not in param.allowed:
            allowed = ", ".join(param.allowed)
            raise InvalidInput(f"{name} must be one of {allowed}, got {raw!r}", field=field)
        return raw
    return _number(name, param, raw)


def _number(name: str, param: ItemParameter, raw: object) -> Decimal:
    field = f"equipment.{name}"
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        raise InvalidInput(f"{name} must be a number, got {raw!r}", field=field)
    if isinstance(raw, float) and not math.isfinite(raw):
        raise InvalidInput(f"{name} must be a finite number, got {raw!r}", field=field)
    try:
        number = Decimal(str(raw)) if isinstance(raw, float) else Decimal(raw)
    except InvalidOperation:
        raise InvalidInput(f"{name} must be a number, got {raw!r}", field=field) from None
    if not number.is_finite():
        raise InvalidInput(f"{name} must be a finite number, got {raw!r}", field=field)
    if number < param.floor:
        limit = "negative" if param.floor == 0 else f"below {show(param.floor)}"
        raise InvalidInput(f"{name} must not be {limit}, got {raw!r}", field=field)
    return number


def plain(value: Value) -> bool | int | float | str:
    """A parameter's value as JSON writes it: a whole number as an integer."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
