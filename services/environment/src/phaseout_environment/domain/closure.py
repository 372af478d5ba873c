"""Closure (二（二）3): 情节严重的，报经有批准权的人民政府批准，责令停业、关闭.

Where the circumstances are serious, the bureau proposes closure to the people's government with
the power, naming what would close and its capacity; that government approves (who, when, by
which document) or does not; only after its approval is the order to cease business or close
given. A closed enterprise is checked again later (回头看).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from phaseout_shared.contracts.environment import (
    CaseState,
    ClosureOrderKind,
    ClosureScope,
    Measure,
)

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class MeasureOrder(BaseModel):
    """限制生产 or 停产整治, ordered on a date, due by a deadline."""

    model_config = _FROZEN

    measure: Measure
    ordered_on: date
    deadline: date
    description: str = ""


class ClosureProposal(BaseModel):
    """What the bureau asks the people's government with the power to approve."""

    model_config = _FROZEN

    government: str = Field(min_length=1, max_length=100)
    grounds: str = Field(min_length=1)
    scope: ClosureScope
    item: str = Field(min_length=1, max_length=200)
    capacity_amount: Decimal = Field(gt=0, allow_inf_nan=False)
    capacity_unit: str = Field(min_length=1, max_length=20)
    proposed_on: date
    proposed_from: CaseState | None = Field(
        default=None,
        description="The state the case was in when proposed: where a refusal returns it",
    )


class GovernmentDecision(BaseModel):
    """The people's government's answer: approved (who, when, document) or not (why)."""

    model_config = _FROZEN

    government: str = Field(min_length=1, max_length=100)
    approved: bool
    decided_by: str = ""
    document: str = ""
    reason: str = ""
    decided_on: date


class ClosureOrder(BaseModel):
    """The order to cease business or close (责令停业、关闭)."""

    model_config = _FROZEN

    order: ClosureOrderKind
    ordered_on: date
    close_by: date | None = None


class Recheck(BaseModel):
    """A later check of a closed enterprise (回头看)."""

    model_config = _FROZEN

    found_running: bool
    findings: str = Field(min_length=1)
    checked_on: date
