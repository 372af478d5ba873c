"""Request bodies of the technology API (responses are the domain's own models)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from phaseout_shared.contracts.technology import SealingMeasures
from phaseout_shared.limits import (
    MAX_EQUIPMENT,
    Amount,
    Body,
    Code,
    Day,
    Effective,
    Equipment,
    LongStatements,
    LongText,
    Note,
    ShortText,
    Uscc,
)
from phaseout_shared.reference import District, Industry

EQUIPMENT = '`{"kind": KIND, ...parameters}` as in VOCABULARY.md\'s equipment table'


class AssessmentIn(Body):
    industry: Industry
    equipment: Equipment = Field(description=EQUIPMENT)


class ItemIn(Effective):
    item_id: Code = Field(description="The item's id at the site")
    equipment: Equipment = Field(description=EQUIPMENT)
    capacity_amount: Amount = Field(gt=0, description="Capacity figure (产能)")
    capacity_unit: str = Field(min_length=1, max_length=20, description="t/a, m²/a, MW, m³, kA…")


class DismantlingIn(Effective):
    description: LongText = Field(description="What was dismantled, and the evidence")


class SealingIn(Effective):
    measures: SealingMeasures
    description: Note = Field(default="", description="The evidence")


class AcceptanceIn(Effective):
    passed: bool
    reasons: LongStatements = Field(default_factory=list, description="Why it failed")
    note: Note = ""


class RevivalIn(Effective):
    description: LongText = Field(description="What was found running, and the evidence")


class TipIn(Effective):
    summary: str = Field(min_length=1, max_length=2000)
    reporter_contact: str | None = Field(
        default=None, max_length=200, description="Kept private: never published or listed"
    )
    uscc: Uscc | None = None
    district: District | None = None


class AssignmentIn(Effective):
    assignee: Code
    due_on: Day


class ClosureIn(Effective):
    outcome: Literal["confirmed", "unfounded"]
    reason: LongText = Field(description="The findings, or why the tip is unfounded")
    uscc: Uscc | None = Field(
        default=None, description="The enterprise, if the tip did not name it"
    )


class ProjectCheckIn(Effective):
    project_name: ShortText
    industry: Industry
    district: District
    uscc: Uscc | None = None
    items: list[Equipment] = Field(
        min_length=1, max_length=MAX_EQUIPMENT, description=f"Planned items, each {EQUIPMENT}"
    )
