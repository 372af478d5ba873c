"""The equipment survey (工艺装备排查): each item of a site, as found, with its verdict.

An item that Table 5 eliminates opens an elimination case at once (发现一起、淘汰一起).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, Field

from phaseout_shared.domain.errors import Conflict
from phaseout_shared.reference import USCC, District, Industry
from phaseout_technology.domain.evaluate import Verdict
from phaseout_technology.domain.market_access import ProjectCheck


class SurveyedItem(BaseModel):
    """A production line or piece of equipment as surveyed on `effective_on`."""

    uscc: USCC
    district: District
    industry: Industry
    item_id: str = Field(min_length=1, max_length=100)
    parameters: dict[str, object]
    capacity_amount: Decimal = Field(gt=0)
    capacity_unit: str = Field(min_length=1, max_length=20)
    effective_on: date
    verdict: Verdict
    case_id: UUID | None = None

    @property
    def id(self) -> str:
        return item_key(self.uscc, self.item_id)

    def resurvey(self, newer: SurveyedItem) -> SurveyedItem:
        """A later survey of the same item; refused once a case is acting on it."""
        if self.case_id is not None:
            raise Conflict(
                f"item {self.item_id} is under elimination case {self.case_id}: act on the case",
                field="item_id",
            )
        if newer.effective_on < self.effective_on:
            raise Conflict(
                f"a survey of {self.effective_on} is already recorded; this one is older",
                field="effective_on",
            )
        return newer


def item_key(uscc: str, item_id: str) -> str:
    return f"{uscc}/{item_id}"


class RecordedCheck(BaseModel):
    """A market-access check (市场准入) of a proposed project, as recorded by drc."""

    check_id: UUID
    uscc: USCC | None
    effective_on: date
    result: ProjectCheck
