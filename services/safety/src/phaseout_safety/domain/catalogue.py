"""The safety catalogue: Table 4 and section 二（四） of the plan as versioned data.

`table4.json` holds the rules with the plan's wording and where they stand, the kinds of
finding an inspection records and the outcome each leads to (a hidden hazard is rectified with
the 五落实 in place; conditions below a law, an administrative regulation, a national or an
industry standard are suspended at once, 停产停业整顿), and the five parts of the 五落实. The
catalogue checks itself when it loads: a finding whose rule is missing, a rule nobody uses, or
five parts that are not the five of `FiveInPlace` are refused there, not at the first inspection.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator

from phaseout_shared.catalogue_files import shipped_catalogue
from phaseout_shared.contracts.safety import FiveInPlace, Outcome
from phaseout_shared.domain.catalogue import (
    CatalogueData,
    PlanCatalogue,
    appearing_twice,
    catalogue_problems,
    missing,
)
from phaseout_shared.domain.errors import InvalidInput, NotApplicable
from phaseout_shared.reference import Industry

CATALOGUE_FILE = Path(__file__).with_name("table4.json")

LISTS = "safety-lists"
FIVE_IN_PLACE = "safety-five-in-place"
SUSPEND = "safety-suspend"
CLOSE = "safety-close"
REVOKE = "safety-revoke"
STEPS = (LISTS, FIVE_IN_PLACE, SUSPEND, CLOSE, REVOKE)
"""The rules the service's code acts on, by id: the catalogue must hold each of them."""


class Source(CatalogueData):
    """Where a rule stands in the plan: its section (二（四）1 …) and table, if any."""

    section: str
    table: int | None

    def cite(self) -> str:
        table = f", Table {self.table}" if self.table is not None else ""
        return f"plan {self.section}{table}"


class Rule(CatalogueData):
    """One requirement of the plan's safety section, in its own words."""

    id: str
    source: Source
    wording_zh: str
    wording_en: str
    table_wording_zh: str | None = None


class FindingKind(CatalogueData):
    """A kind of finding an inspection records, and what it leads to."""

    kind: str
    name_zh: str
    name_en: str
    outcome: Outcome
    rule: str
    reference_required: bool = Field(
        description="Whether the finding must name the law or standard not met"
    )


class Part(CatalogueData):
    """One of the five of the 五落实."""

    part: str
    name_zh: str
    name_en: str
    requirement_en: str


class Catalogue(PlanCatalogue[str]):
    """A versioned safety catalogue."""

    law_zh: str
    law_en: str
    industries: tuple[Industry, ...]
    industries_wording_zh: str
    rules: tuple[Rule, ...]
    findings: tuple[FindingKind, ...] = Field(min_length=1)
    five_in_place: tuple[Part, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        ids = [r.id for r in self.rules]
        kinds = [f.kind for f in self.findings]
        problems = appearing_twice("rule", ids) + appearing_twice("kind", kinds)
        problems += [f"{f.kind}: unknown rule {f.rule}" for f in self.findings if f.rule not in ids]
        problems += missing("rule", STEPS, ids)
        parts = [p.part for p in self.five_in_place]
        if parts != list(FiveInPlace.model_fields):
            problems.append(f"the five in place are {list(FiveInPlace.model_fields)}, not {parts}")
        catalogue_problems(problems)
        return self

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)

    def finding(self, kind: object, field: str = "kind") -> FindingKind:
        """The kind of finding, or InvalidInput naming the field and the kinds there are."""
        found = next((f for f in self.findings if f.kind == kind), None)
        if found is None:
            known = ", ".join(f.kind for f in self.findings)
            raise InvalidInput(f"unknown finding kind {kind!r}; known: {known}", field=field)
        return found

    def covering(self, industry: Industry) -> Industry:
        """The industry, if Table 4 covers it; NotApplicable naming the industry otherwise."""
        if industry not in self.industries:
            raise NotApplicable(
                f"Table 4 (catalogue {self.version}) does not cover {industry}",
                field="industry",
                rule=SUSPEND,
            )
        return industry

    def basis(self, rule_id: str) -> str:
        """A rule's legal basis in words: the law, the plan's wording and where it stands."""
        rule = self.rule(rule_id)
        return (
            f"{self.law_zh}; {rule.wording_zh} ({rule.source.cite()}, rule {rule.id}, "
            f"catalogue {self.version})"
        )

    def part_name(self, part: str) -> str:
        spec = next(p for p in self.five_in_place if p.part == part)
        return f"{spec.name_en} ({spec.name_zh})"


table4 = shipped_catalogue(Catalogue, CATALOGUE_FILE)
"""The catalogue shipped with the service (Table 4 and 二（四） of the 2019 plan)."""
