"""The enterprise register's events, one pair per dimension.

Each agency service keeps a register of the enterprises it supervises and announces every
registration and change on its own topic, e.g. `phaseout.energy.enterprise.registered.v1`.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from phaseout_shared.contracts.base import EventPayload, per_dimension
from phaseout_shared.reference import USCC, District, Industry


class EnterpriseFacts(EventPayload):
    """What an agency knows of an enterprise's identity."""

    uscc: USCC = Field(description="Unified social credit code (统一社会信用代码)")
    name: str = Field(min_length=1, max_length=200, description="Registered name")
    district: District = Field(description="The district whose government executes the plan here")
    industry: Industry = Field(description="The key industry the enterprise belongs to")
    address: str | None = Field(default=None, max_length=300, description="Site address")
    effective_on: date = Field(description="The date from which these facts hold")


class EnterpriseRegistered(EnterpriseFacts):
    """An agency put an enterprise on its register."""


class EnterpriseUpdated(EnterpriseFacts):
    """An agency corrected or changed an enterprise's identity."""


REGISTERED = per_dimension(EnterpriseRegistered, "enterprise", "registered")
UPDATED = per_dimension(EnterpriseUpdated, "enterprise", "updated")
