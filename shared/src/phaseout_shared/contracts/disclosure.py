"""Public disclosure (信息公开): a violation and the order it drew, published by its agency.

Each agency service publishes on its own topic, e.g. `phaseout.safety.disclosure.published.v1`.
The aggregator shows the public only what is inside its publicity window; nothing else.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from phaseout_shared.contracts.base import EventPayload, per_dimension
from phaseout_shared.reference import USCC, District, Industry


class DisclosurePublished(EventPayload):
    """An agency made a violation and its order public (曝光), for a publicity window."""

    disclosure_id: UUID = Field(description="The disclosure")
    uscc: USCC = Field(description="Unified social credit code (统一社会信用代码)")
    name: str = Field(
        min_length=1, max_length=200, description="The enterprise's name as published"
    )
    district: District
    industry: Industry
    case_id: UUID | None = Field(default=None, description="The agency's case, if any")
    violation: str = Field(min_length=1, max_length=2000, description="What the enterprise did")
    order: str = Field(min_length=1, max_length=2000, description="What it was ordered to do")
    publicity_from: date = Field(description="First day the public sees it")
    publicity_until: date = Field(description="Last day the public sees it")
    effective_on: date = Field(description="The date of publication")


class DisclosureWithdrawn(EventPayload):
    """A disclosure withdrawn before its window ended (e.g. published in error)."""

    disclosure_id: UUID
    uscc: USCC
    reason: str = Field(min_length=1, max_length=2000)
    effective_on: date


PUBLISHED = per_dimension(DisclosurePublished, "disclosure", "published")
WITHDRAWN = per_dimension(DisclosureWithdrawn, "disclosure", "withdrawn")
