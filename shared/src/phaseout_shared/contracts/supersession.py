"""Supersession (被替代): another agency shut the enterprise down, so this agency's case waits.

A shutdown or closure ordered in one dimension makes another dimension's rectification moot:
nobody rectifies capacity that is closing. The agency's service marks each such case of the
enterprise `superseded`, naming the event that did it, e.g. `phaseout.environment.case.
superseded.v1`; the agency may resume it (back to the state it had) if the shutdown is undone.
Technology emits neither: its elimination cases are themselves the exit of capacity.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from phaseout_shared.contracts.base import EventPayload, per_dimension
from phaseout_shared.reference import USCC, District, Industry

SUPERSEDING = ("energy", "environment", "quality", "safety")
"""The dimensions whose cases a shutdown elsewhere can supersede."""


class Superseded(StrEnum):
    """The state of a case superseded by a shutdown elsewhere (被替代).

    A state beside each dimension's `CaseState`, not one of its values: no event that carries
    a `CaseState` can be in it, so their published schemas stay as they are.
    """

    SUPERSEDED = "superseded"


class _Supersession(EventPayload):
    case_id: UUID = Field(description="The case")
    uscc: USCC = Field(description="Unified social credit code (统一社会信用代码)")
    district: District = Field(description="The district whose government executes the plan here")
    industry: Industry = Field(description="The enterprise's key industry")
    state: str = Field(description="The case's state after this event")
    deadline: date | None = Field(description="The case's next deadline; none while superseded")
    effective_on: date = Field(description="The date the fact or act took effect")
    trigger_event_id: str = Field(description="The CloudEvents id of the shutdown or closure")
    trigger_type: str = Field(description="Its type, e.g. phaseout.energy.shutdown.ordered.v1")
    trigger_dimension: str = Field(description="The dimension that shut the enterprise down")
    trigger_effective_on: date = Field(description="The date the shutdown or closure took effect")


class CaseSuperseded(_Supersession):
    """Another agency's shutdown or closure of the enterprise superseded the case (被替代).

    `state` is `superseded`; `previous_state` is where the case stood. Its effective date is the
    trigger's, or the case's last act if that came later (no act precedes the case's last one).
    """

    previous_state: str = Field(description="The case's state before it was superseded")


class CaseResumed(_Supersession):
    """The agency resumed a superseded case (the shutdown was undone): back to `state`."""

    reason: str = Field(min_length=1, description="Why the case resumes")


SUPERSEDED = per_dimension(CaseSuperseded, "case", "superseded", SUPERSEDING)
RESUMED = per_dimension(CaseResumed, "case", "resumed", SUPERSEDING)
