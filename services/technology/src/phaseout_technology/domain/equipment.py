"""An item of process equipment as surveyed: `{"kind": KIND, ...parameters}`, read strictly.

An item that cannot be judged is refused, never judged "allowed": an unknown kind, a kind of
another industry than the enterprise's, a missing, negative or wrongly typed parameter (a
boolean is not a number, nor is a string), an unknown parameter or an enum value the catalogue
does not allow. Each refusal is an `InvalidInput` naming the field (`equipment.<param>`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from phaseout_shared.domain.conditions import Value, show
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.reference import Industry
from phaseout_technology.domain.catalogue import Catalogue, KindSpec, ParameterSpec


@dataclass(frozen=True)
class Equipment:
    """A surveyed item whose kind belongs to the industry and whose parameters all check out."""

    industry: Industry
    kind: str
    spec: KindSpec
    parameters: Mapping[str, Value]

    def as_json(self) -> dict[str, bool | int | float | str]:
        """The parameters as plain JSON values, defaults applied."""
        return {name: _plain(value) for name, value in self.parameters.items()}


def read_industry(industry: Industry | str) -> Industry:
    try:
        return Industry(industry)
    except ValueError:
        raise InvalidInput(f"unknown industry {industry!r}", field="industry") from None


def read_item(
    industry: Industry | str, item: Mapping[str, object], catalogue: Catalogue
) -> Equipment:
    """Check an item against its kind's parameter schema in the catalogue."""
    sector = read_industry(industry)
    if not isinstance(item, Mapping):
        raise InvalidInput("an item of equipment must be an object", field="equipment")
    kind = item.get("kind")
    spec = catalogue.kind(kind) if isinstance(kind, str) else None
    if not isinstance(kind, str) or spec is None:
        raise InvalidInput(f"unknown equipment kind {kind!r}", field="equipment.kind")
    if spec.industry != sector:
        raise InvalidInput(
            f"kind {kind} is equipment of {spec.industry}, not of {sector}",
            field="equipment.kind",
        )
    given = {name: value for name, value in item.items() if name != "kind"}
    unknown = sorted(set(given) - set(spec.parameters))
    if unknown:
        raise InvalidInput(
            f"kind {kind} has no parameter {unknown[0]}; it has: {_names(spec)}",
            field=f"equipment.{unknown[0]}",
        )
    parameters = {
        name: _read(name, param, given.get(name)) for name, param in spec.parameters.items()
    }
    return Equipment(sector, kind, spec, parameters)


def _read(name: str, param: ParameterSpec, raw: object) -> Value:
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


def _number(name: str, param: ParameterSpec, raw: object) -> Decimal:
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


def _names(spec: KindSpec) -> str:
    return ", ".join(spec.parameters) or "none"


def _plain(value: Value) -> bool | int | float | str:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
