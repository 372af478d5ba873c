"""Request bodies of the technology API (responses are the domain's own models)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from phaseout_shared.contracts.technology import SealingMeasures
from phaseout_shared.reference import USCC, District, Industry

EQUIPMENT = '`{"kind": KIND, ...parameters}` as in VOCABULARY.md\'s equipment table'


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Effective(Body):
    effective_on: date = Field(description="The date the fact or act took effect")


class AssessmentIn(Body):
    industry: Industry
    equipment: dict[str, object] = Field(description=EQUIPMENT)


class ItemIn(Effective):
    item_id: str = Field(min_length=1, max_length=100, description="The item's id at the site")
    equipment: dict[str, object] = Field(description=EQUIPMENT)
    capacity_amount: Decimal = Field(gt=0, description="Capacity figure (产能)")
    capacity_unit: str = Field(min_length=1, max_length=20, description="t/a, m²/a, MW, m³, kA…")


class DismantlingIn(Effective):
    description: str = Field(min_length=1, description="What was dismantled, and the evidence")


class SealingIn(Effective):
    measures: SealingMeasures
    description: str = Field(default="", description="The evidence")


class AcceptanceIn(Effective):
    passed: bool
    reasons: list[str] = Field(default_factory=list, description="Why it failed")
    note: str = ""


class RevivalIn(Effective):
    description: str = Field(min_length=1, description="What was found running, and the evidence")


class TipIn(Effective):
    summary: str = Field(min_length=1, max_length=2000)
    reporter_contact: str | None = Field(
        default=None, max_length=200, description="Kept private: never published or listed"
    )
    uscc: USCC | None = None
    district: District | None = None


class AssignmentIn(Effective):
    assignee: str = Field(min_length=1, max_length=100)
    due_on: date


class ClosureIn(Effective):
    outcome: Literal["confirmed", "unfounded"]
    reason: str = Field(min_length=1, description="The findings, or why the tip is unfounded")
    uscc: USCC | None = Field(
        default=None, description="The enterprise, if the tip did not name it"
    )


class ProjectCheckIn(Effective):
    project_name: str = Field(min_length=1, max_length=200)
    industry: Industry
    district: District
    uscc: USCC | None = None
    items: list[dict[str, object]] = Field(
        min_length=1, description=f"Planned items, each {EQUIPMENT}"
    )
