"""Judging an item of equipment against Table 5 (落后工艺装备排查).

`evaluate` reads the item strictly (see `equipment`), finds the one rule that judges its kind,
and says "eliminate" or "allowed" with the basis: the facts that decided, each naming the plan's
reading of its threshold, the exemption if one applied, and the rule's place in the plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from pydantic import BaseModel, ConfigDict

from phaseout_shared.contracts.technology import EquipmentSurveyed, Measure, Outcome
from phaseout_shared.domain.conditions import Fact, Finding, judge
from phaseout_shared.reference import District, Industry
from phaseout_technology.domain.catalogue import Catalogue, Rule, table5
from phaseout_technology.domain.equipment import Equipment, read_item

EXEMPTION_READING = "除外 (exemption)"


class Verdict(BaseModel):
    """What Table 5 says of one item, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    verdict: Outcome
    rule: str
    catalogue_version: str
    basis: str
    reading: str
    kind: str
    industry: Industry
    parameters: dict[str, bool | int | float | str]
    exemption: str | None = None
    measures: tuple[Measure, ...] = ()

    @property
    def eliminated(self) -> bool:
        return self.verdict is Outcome.ELIMINATE

    def surveyed(
        self, *, uscc: str, district: District, item_id: str, effective_on: date
    ) -> EquipmentSurveyed:
        """The survey event for this verdict (落后工艺装备排查)."""
        return EquipmentSurveyed(
            uscc=uscc,
            district=district,
            item_id=item_id,
            effective_on=effective_on,
            **self.model_dump(),
        )


def evaluate(
    industry: Industry | str, item: Mapping[str, object], catalogue: Catalogue | None = None
) -> Verdict:
    """Judge `{"kind": KIND, ...params}` of an `industry` enterprise; never allowed by default.

    `catalogue` defaults to the shipped Table 5; pass another version to judge by it.
    """
    book = catalogue or table5()
    equipment = read_item(industry, item, book)
    rule = book.rule_for(equipment.kind)
    found = judge(rule.eliminate_when, equipment.parameters)
    stated = "; ".join(f.text for f in found.facts)
    if not found.held:
        return _verdict(
            Outcome.ALLOWED, rule, book, equipment, found, f"{stated}: not eliminated by"
        )
    unmet: list[Fact] = []
    for exemption in rule.exemptions:
        exempt = judge(exemption.when, equipment.parameters)
        if exempt.held:
            why = "; ".join(f.text for f in exempt.facts)
            basis = f"{stated}, but {why} ({exemption.wording_zh}): exempt under"
            found = Finding(True, [Fact(why, EXEMPTION_READING)])
            return _verdict(Outcome.ALLOWED, rule, book, equipment, found, basis, exemption.id)
        unmet += exempt.facts
    if unmet:
        stated += f"; not exempt ({'; '.join(f.text for f in unmet)})"
    return _verdict(Outcome.ELIMINATE, rule, book, equipment, found, f"{stated}: eliminated by")


def _verdict(
    outcome: Outcome,
    rule: Rule,
    catalogue: Catalogue,
    equipment: Equipment,
    found: Finding,
    basis: str,
    exemption: str | None = None,
) -> Verdict:
    readings = list(dict.fromkeys(f.reading for f in found.facts))
    return Verdict(
        verdict=outcome,
        rule=rule.id,
        catalogue_version=catalogue.version,
        basis=f"{basis} {rule.citation} (rule {rule.id}, catalogue {catalogue.version})",
        reading="; ".join(readings),
        kind=equipment.kind,
        industry=equipment.industry,
        parameters=equipment.as_json(),
        exemption=exemption,
        measures=rule.measures if outcome is Outcome.ELIMINATE else (),
    )
