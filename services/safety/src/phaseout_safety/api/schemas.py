"""Request bodies of the safety API (responses are the domain's own models)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from phaseout_safety.domain.case import SuspensionCase
from phaseout_safety.domain.hazard import Hazard
from phaseout_safety.domain.inspection import Inspection
from phaseout_safety.domain.listing import Listing
from phaseout_shared.contracts.safety import FiveInPlace, Government, Licence
from phaseout_shared.limits import (
    MAX_LIST,
    Amount,
    Body,
    Code,
    Day,
    Effective,
    LongStatements,
    LongText,
    Uscc,
)
from phaseout_shared.register import EnterpriseOut


class Timetable(Effective):
    list_name: Literal["key", "patrol"] = Field(
        alias="list", description="key (重点监管企业清单) or patrol (日常巡查动态企业清单)"
    )
    requirements: LongStatements = Field(min_length=1, description="What is required (工作要求)")
    due_on: Day = Field(description="The date by which it is due (时间表)")
    reason: str = Field(min_length=1, max_length=1000, description="Why this list")


class ListingIn(Timetable):
    uscc: Uscc = Field(description="Unified social credit code of a registered enterprise")


class MoveIn(Timetable):
    """A move onto the other list (动态), with that list's requirements and timetable."""


class RemovalIn(Effective):
    reason: str = Field(min_length=1, max_length=1000, description="Why, e.g. closed")


class FindingIn(Body):
    kind: Code = Field(description="A finding kind of the safety catalogue (GET /v1/catalogue)")
    description: str = Field(min_length=1, max_length=2000, description="What was found")
    reference: str | None = Field(
        default=None,
        max_length=500,
        description="The law, regulation or standard (and clause) not met; required for "
        "conditions below the law or standard",
    )


class SuspensionIn(Body):
    """依法责令立即停产停业整顿: what is suspended and until when."""

    item: str = Field(min_length=1, max_length=200, description="What is suspended (产能)")
    capacity_amount: Amount = Field(gt=0, description="Capacity figure (产能)")
    capacity_unit: str = Field(min_length=1, max_length=20, description="t/a, m²/a, MW…")
    rectify_by: Day = Field(description="End of the rectification period (整顿期限)")


class InspectionIn(Effective):
    inspectors: str = Field(min_length=1, max_length=200, description="Who inspected")
    findings: list[FindingIn] = Field(default_factory=list, max_length=200)
    suspension: SuspensionIn | None = Field(
        default=None, description="Required when a finding is of conditions below the law"
    )


class FiveInPlaceParts(Body):
    """The parts of the 五落实 put in place now; omit the others."""

    measures: LongText | None = Field(default=None, description="Rectification measures (措施)")
    responsibility: LongText | None = Field(
        default=None, description="Who is responsible for the rectification (责任)"
    )
    funds: Amount | None = Field(
        default=None, gt=0, description="Funds secured for the rectification, in CNY (资金)"
    )
    time_limit: Day | None = Field(
        default=None, description="The date by which the hazard is rectified (时限)"
    )
    plan: LongText | None = Field(
        default=None, description="The plan, with its emergency arrangements (预案)"
    )

    def parts(self) -> FiveInPlace:
        return FiveInPlace(**self.model_dump())


class FiveInPlaceIn(Effective):
    five_in_place: FiveInPlaceParts = Field(
        description="The parts put in place now; omit the others"
    )


class RectifiedIn(Effective):
    note: str = Field(default="", max_length=2000, description="What the verification found")


class ReinspectionIn(Effective):
    passed: bool = Field(description="Whether the safety conditions are now met")
    reasons: LongStatements = Field(default_factory=list, description="What is still unsafe")
    note: str = Field(default="", max_length=2000)


class ClosureRequestIn(Effective):
    government: Government = Field(description="The government asked: a district code or city")
    note: str = Field(default="", max_length=2000)


class ClosureDecisionIn(Effective):
    closes: bool = Field(description="Whether the government decided to close")
    document: str = Field(min_length=1, max_length=200, description="The decision's document no.")
    close_by: Day | None = Field(default=None, description="If it closes: by when, if set")
    rectify_by: Day | None = Field(
        default=None, description="If it does not close: the end of the new rectification period"
    )
    reason: str = Field(default="", max_length=2000, description="If it does not close: why")


class ClosureIn(Effective):
    description: str = Field(min_length=1, max_length=2000, description="How it was closed")


class RevocationIn(Effective):
    licences: list[Licence] = Field(
        min_length=1, max_length=MAX_LIST, description="The licences revoked"
    )


class SweepIn(Body):
    as_of: Day = Field(description="Mark overdue what was due before this date")


class SweepOut(BaseModel):
    hazards: list[str] = Field(description="Hazards marked overdue now")
    cases: list[str] = Field(description="Cases marked overdue now")


class InspectionOut(BaseModel):
    """An inspection as recorded, with the cases it opened."""

    inspection: Inspection
    hazards: list[Hazard]
    case: SuspensionCase | None


class Ledger(BaseModel):
    """An enterprise's ledger (台账): who it is, its list, its hazards and its cases."""

    enterprise: EnterpriseOut
    listing: Listing | None
    lacks_safety_conditions: bool = Field(
        description="不具备安全生产条件: an enforcement case is active"
    )
    pending_hazards: int = Field(description="Hazards not yet rectified")
    hazards: list[Hazard]
    cases: list[SuspensionCase]
