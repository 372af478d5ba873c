"""What an enforcement case records: the order, the re-inspections, the government's decisions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from phaseout_safety.domain.catalogue import SUSPEND
from phaseout_shared.contracts.safety import FindingVerdict, Outcome
from phaseout_shared.domain.checks import OnSiteCheck
from phaseout_shared.domain.errors import InvalidInput


class SuspensionOrder(BaseModel):
    """What the order suspends and until when (整顿期限)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    item: str = Field(min_length=1, max_length=200)
    capacity_amount: Decimal = Field(gt=0)
    capacity_unit: str = Field(min_length=1, max_length=20)
    rectify_by: date


class Reinspection(OnSiteCheck):
    """One re-inspection (复查) after the suspension."""


class Decision(BaseModel):
    """The government's decision on the request to close."""

    closes: bool
    document: str = Field(min_length=1, max_length=200)
    reason: str = ""
    effective_on: date


def check_order(grounds: Sequence[FindingVerdict], order: SuspensionOrder, on: date) -> None:
    """An order rests on conditions below the law or standard, and its period ends later."""
    if not grounds or any(g.outcome is not Outcome.SUSPEND for g in grounds):
        raise InvalidInput(
            "a suspension is ordered on conditions below the law or standard only",
            field="findings",
            rule=SUSPEND,
        )
    if order.rectify_by <= on:
        raise InvalidInput(
            f"the rectification period must end after the order of {on}",
            field="suspension.rectify_by",
        )
