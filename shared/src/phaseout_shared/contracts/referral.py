"""Referrals: one agency's event, turned into tracked work for another (cross-agency follow-up).

The receiving agency's service subscribes to the sender's topic; each triggering event becomes a
referral on the receiver's own topic, e.g. `phaseout.quality.referral.received.v1`, which the
receiver then accepts, acts on or declines with a reason.

An answer "acted on" names the act it took wherever the platform records one (`act_type`,
`act_id`), and the receiving service refuses it if that act does not exist or is another
enterprise's:

- `electricity_pricing` (drc, at energy): `pricing_measure`, a differential, tiered or
  punitive electricity price;
- `water_pricing` (water, at energy): `pricing_measure`, a progressive water price;
- `licence_cancellation` (samr, at quality): `cancellation_request`, the request to cancel a
  production licence, for a shutdown on one of the plan's grounds (energy, environment,
  technology); a safety closure's referral names none, since a request cannot cite it;
- `dismantling_check` (miit, at technology): `elimination_case`, a case whose on-site acceptance
  (passed or failed) is recorded;
- `ditiaogang_investigation` (samr, at quality): none recorded; `reason` says what was done.
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
    act_type: str | None = Field(
        default=None,
        description="The kind of act an answer `acted_on` names, where the platform records "
        "one: pricing_measure, cancellation_request or elimination_case",
    )
    act_id: str | None = Field(
        default=None, description="That act's id at the receiving service (e.g. a measure_id)"
    )
    effective_on: date


class ReferralReceived(ReferralEvent):
    """Another agency's event asks this agency to act."""


class ReferralAccepted(ReferralEvent):
    """The receiving agency took the referral on."""


class ReferralActedOn(ReferralEvent):
    """The receiving agency did what was asked (`reason` says what, `act_id` points at it)."""


class ReferralDeclined(ReferralEvent):
    """The receiving agency declined, saying why."""


RECEIVED = per_dimension(ReferralReceived, "referral", "received")
ACCEPTED = per_dimension(ReferralAccepted, "referral", "accepted")
ACTED_ON = per_dimension(ReferralActedOn, "referral", "acted_on")
DECLINED = per_dimension(ReferralDeclined, "referral", "declined")
