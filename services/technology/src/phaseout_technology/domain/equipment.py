"""An item of process equipment as surveyed: `{"kind": KIND, ...parameters}`, read strictly.

An item that cannot be judged is refused, never judged "allowed": an unknown kind, a kind of
another industry than the enterprise's, a missing, negative or wrongly typed parameter (a
boolean is not a number, nor is a string), an unknown parameter or an enum value the catalogue
does not allow. Each refusal is an `InvalidInput` naming the field (`equipment.<param>`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from phaseout_shared.domain.conditions import Value, plain, read_parameters
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.reference import Industry
from phaseout_technology.domain.catalogue import Catalogue, KindSpec


@dataclass(frozen=True)
class Equipment:
    """A surveyed item whose kind belongs to the industry and whose parameters all check out."""

    industry: Industry
    kind: str
    spec: KindSpec
    parameters: Mapping[str, Value]

    def as_json(self) -> dict[str, bool | int | float | str]:
        """The parameters as plain JSON values, defaults applied."""
        return {name: plain(value) for name, value in self.parameters.items()}


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
    parameters = read_parameters(kind, spec.parameters, item)
    return Equipment(sector, kind, spec, parameters)
