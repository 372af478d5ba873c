"""An item of equipment judged against Table 2 (淘汰、取缔) and the coal-boiler conversion.

An item `{"kind": KIND, ...parameters}` is read strictly and never judged "allowed" by default:
an unknown kind, a kind Table 2 has no rule for in the enterprise's industry, an unknown, missing,
negative or wrongly typed parameter are refused naming the field (`equipment.<param>`). The
verdict names the rule, the reading of its threshold and the plan's words.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from pydantic import BaseModel, ConfigDict

from phaseout_environment.domain.catalogue import Catalogue, Requirement
from phaseout_environment.domain.equipment_rules import EquipmentRule
from phaseout_shared.contracts.environment import EquipmentOutcome
from phaseout_shared.domain.conditions import Condition, Value, judge, plain, read_parameters
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.reference import Industry


class EquipmentVerdict(BaseModel):
    """What Table 2 says of one item, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    outcome: EquipmentOutcome
    rule: str
    catalogue_version: str
    basis: str
    kind: str
    industry: Industry
    parameters: dict[str, str | float | int]
    due_on: date | None = None


def judge_equipment(
    catalogue: Catalogue, industry: Industry, item: Mapping[str, object]
) -> EquipmentVerdict:
    """Judge `{"kind": KIND, ...}` of an enterprise of `industry` by the catalogue's rule."""
    kind, rule, parameters = read_item(catalogue, industry, item)
    held, facts = holds(rule.when, parameters)
    outcome = rule.outcome if held else EquipmentOutcome.ALLOWED
    where = _where(catalogue, rule, industry)
    verb = {
        EquipmentOutcome.ELIMINATE: "eliminated by",
        EquipmentOutcome.CONVERT: "to be converted to clean energy under",
        EquipmentOutcome.ALLOWED: "not caught by",
    }[outcome]
    due = f", due by {rule.due_on}" if held and rule.due_on else ""
    return EquipmentVerdict(
        outcome=outcome,
        rule=rule.id,
        catalogue_version=catalogue.label,
        basis=f"{facts}: {verb} {rule.id} ({rule.wording_zh}; {where}){due}, "
        f"catalogue v{catalogue.label}",
        kind=kind,
        industry=industry,
        parameters={name: plain(value) for name, value in parameters.items()},
        due_on=rule.due_on if held else None,
    )


def read_item(
    catalogue: Catalogue, industry: Industry, item: Mapping[str, object]
) -> tuple[str, EquipmentRule, dict[str, Value]]:
    """The item's kind, the rule that judges it in the industry, and its parameters."""
    kind = item.get("kind")
    spec = catalogue.kinds.get(kind) if isinstance(kind, str) else None
    if not isinstance(kind, str) or spec is None:
        known = ", ".join(catalogue.kinds)
        raise InvalidInput(
            f"unknown equipment kind {kind!r}; known: {known}", field="equipment.kind"
        )
    rule = catalogue.rule_for(kind, industry)
    if rule is None:
        raise InvalidInput(
            f"Table 2 has no rule for {kind} in {industry.value}: it is not judged here",
            field="equipment.kind",
        )
    parameters = read_parameters(kind, spec.parameters, item)
    return kind, rule, parameters


def holds(condition: Condition, parameters: Mapping[str, Value]) -> tuple[bool, str]:
    """Whether a condition holds, with the facts that decided it in words."""
    found = judge(condition, parameters)
    return found.held, found.stated


def _where(catalogue: Catalogue, rule: EquipmentRule, industry: Industry) -> str:
    """The plan's places of the rule that concern the industry: Table 2 row, or 二（二）2."""
    found: list[Requirement] = [catalogue.requirement(r) for r in rule.requirements]
    return "; ".join(r.source.cite() for r in found if industry in r.industries)
