"""Referrals: one agency's event, turned into tracked work for another (cross-agency follow-up).

The receiving agency's service subscribes to the sender's topic; each triggering event becomes a
referral on the receiver's own topic, e.g. `phaseout.quality.referral.received.v1`, which the
receiver then accepts, acts on or declines with a reason.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from phaseout_shared.contracts.base import EventPayload, per_dimension
from phaseout_shared.reference import USCC, Agency, District


class ReferralKind(StrEnum):
    """What the plan asks the receiving agency to do."""

    LICENCE_CANCELLATION = "licence_cancellation"
    """提请注销生产许可证: samr asks the issuing authority to cancel the production licences."""
    ELECTRICITY_PRICING = "electricity_pricing"
    """差别电价、惩罚性电价: drc proposes the differential or punitive electricity price."""
    WATER_PRICING = "water_pricing"
    """超定额超计划用水累进加价: water proposes the progressive water price."""
    DITIAOGANG_INVESTIGATION = "ditiaogang_investigation"
    """地条钢: samr opens its quality investigation."""
    DISMANTLING_CHECK = "dismantling_check"
    """拆除或封存及现场验收: technology checks that closed capacity is dismantled or sealed."""


class ReferralState(StrEnum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    ACTED_ON = "acted_on"
    DECLINED = "declined"


class ReferralEvent(EventPayload):
    referral_id: UUID = Field(description="The referral (one per trigger, kind and receiver)")
    kind: ReferralKind
    sender: str = Field(description="The dimension whose event triggered it")
    receiver: Agency = Field(description="The agency that must act")
    uscc: USCC
    district: District
    trigger_event_id: str = Field(description="The CloudEvents id of the triggering event")
    trigger_type: str = Field(description="Its type")
    state: ReferralState = Field(description="The referral's state after this event")
    due_on: date = Field(description="By when the receiver should act")
    reason: str | None = Field(default=None, description="Why declined, or what was done")
    effective_on: date


class ReferralReceived(ReferralEvent):
    """Another agency's event asks this agency to act."""


class ReferralAccepted(ReferralEvent):
    """The receiving agency took the referral on."""


class ReferralActedOn(ReferralEvent):
    """The receiving agency did what was asked (`reason` says what)."""


class ReferralDeclined(ReferralEvent):
    """The receiving agency declined, saying why."""


RECEIVED = per_dimension(ReferralReceived, "referral", "received")
ACCEPTED = per_dimension(ReferralAccepted, "referral", "accepted")
ACTED_ON = per_dimension(ReferralActedOn, "referral", "acted_on")
DECLINED = per_dimension(ReferralDeclined, "referral", "declined")
