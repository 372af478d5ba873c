"""Referrals: one agency's event, turned into tracked work for another (cross-agency follow-up).

The receiving agency's service subscribes to the sender's topic; each triggering event becomes a
referral on the receiver's own topic, e.g. `phaseout.quality.referral.received.v2`, which the
receiver then accepts, acts on or declines with a reason.

Version 2 of the four events added the `revival_check` kind (a value of `kind` a consumer of
version 1 would not know) and its fields: the alert, the broken order's case and the on-site
check's outcome. Version 1 (`ReferralEventV1`, the kinds before it) is no longer written; its
models stay to read the events already on the topics.

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
- `ditiaogang_investigation` (samr, at quality): none recorded; `reason` says what was done;
- `revival_check` (the agencies a revival-watch alert names, each at its own service): none
  recorded; the answer carries the on-site check's `outcome` (revival_confirmed, explained,
  false_reading) and `reason`, and that answer closes the alert at the technology service.

An alert names several agencies (miit and samr for 地条钢) but is closed once, by the first
on-site check. When it closes (`phaseout.technology.watch_alert.closed.v1`), every other open
`revival_check` of that alert is settled elsewhere (`referral.settled_elsewhere.v1`): closed
in a state of its own, `settled_elsewhere`, naming the alert's outcome and the agency whose
check gave it. It is no answer of the receiving agency's, which never answered, and no longer
open or overdue work; an answer to it afterwards is refused (409).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal
from uuid import UUID

from pydantic import Field

from phaseout_shared.contracts.base import EventPayload, per_dimension
from phaseout_shared.contracts.technology import WatchOutcome
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
    REVIVAL_CHECK = "revival_check"
    """用电和税票大数据监管: an agency named by a revival-watch alert checks on site (the agency
    whose order the readings break; miit and samr for 地条钢) and answers with the outcome."""


class ReferralState(StrEnum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    ACTED_ON = "acted_on"
    DECLINED = "declined"


class SettledElsewhere(StrEnum):
    """The state of a revival_check whose alert another agency's on-site check closed.

    A state beside `ReferralState`, not one of its values: no event that carries a
    `ReferralState` can be in it, so their published schemas stay as they are.
    """

    SETTLED_ELSEWHERE = "settled_elsewhere"


class _ReferralFacts(EventPayload):
    referral_id: UUID = Field(description="The referral (one per trigger, kind and receiver)")
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


class ReferralEventV1(_ReferralFacts):
    """A referral event of version 1 (no longer written: read from the topics)."""

    kind: Literal[
        "licence_cancellation",
        "electricity_pricing",
        "water_pricing",
        "ditiaogang_investigation",
        "dismantling_check",
    ]


class ReferralEvent(_ReferralFacts):
    kind: ReferralKind
    alert_id: UUID | None = Field(
        default=None, description="The revival-watch alert a revival_check is about"
    )
    order_case: str | None = Field(
        default=None,
        description="A revival_check's: the case whose order the alert says is broken, at the "
        "receiving service, if any",
    )
    outcome: WatchOutcome | None = Field(
        default=None,
        description="A revival_check acted on: the on-site check's outcome (revival_confirmed, "
        "explained or false_reading)",
    )


class ReferralSettledElsewhere(EventPayload):
    """The alert this revival_check is about was closed by another agency's on-site check:
    the referral is closed as settled by that outcome, with no answer of the receiver's."""

    referral_id: UUID = Field(description="The referral (one per trigger, kind and receiver)")
    kind: ReferralKind
    sender: str = Field(description="The dimension whose event triggered it")
    receiver: Agency = Field(description="The agency asked to check, which did not answer")
    uscc: USCC
    district: District
    trigger_event_id: str = Field(description="The CloudEvents id of the triggering event")
    trigger_type: str = Field(description="Its type")
    state: SettledElsewhere = Field(description="settled_elsewhere")
    due_on: date = Field(description="By when the receiver should have checked")
    reason: str = Field(description="The alert's outcome in words: whose check, what it found")
    alert_id: UUID = Field(description="The revival-watch alert the revival_check is about")
    order_case: str | None = Field(
        default=None,
        description="The case whose order the alert says is broken, at the receiving service",
    )
    outcome: WatchOutcome = Field(
        description="The alert's outcome, as the other agency's on-site check gave it"
    )
    settled_by: Agency | None = Field(
        description="The agency whose on-site check closed the alert (its referral's receiver, "
        "or the agency that recorded the outcome at the technology service)"
    )
    settled_by_referral: UUID | None = Field(
        default=None,
        description="The referral whose answer closed the alert; none if the outcome was "
        "recorded at the technology service",
    )
    effective_on: date = Field(
        description="The day the alert was closed (this referral's last step, if later)"
    )


AnyReferralEvent = ReferralEvent | ReferralEventV1 | ReferralSettledElsewhere


class ReferralReceived(ReferralEvent):
    """Another agency's event asks this agency to act."""


class ReferralAccepted(ReferralEvent):
    """The receiving agency took the referral on."""


class ReferralActedOn(ReferralEvent):
    """The receiving agency did what was asked (`reason` says what, `act_id` points at it; a
    revival_check's `outcome`)."""


class ReferralDeclined(ReferralEvent):
    """The receiving agency declined, saying why."""


class ReferralReceivedV1(ReferralEventV1):
    """Another agency's event asks this agency to act."""


class ReferralAcceptedV1(ReferralEventV1):
    """The receiving agency took the referral on."""


class ReferralActedOnV1(ReferralEventV1):
    """The receiving agency did what was asked (`reason` says what, `act_id` points at it)."""


class ReferralDeclinedV1(ReferralEventV1):
    """The receiving agency declined, saying why."""


RECEIVED = per_dimension(ReferralReceived, "referral", "received", version=2)
ACCEPTED = per_dimension(ReferralAccepted, "referral", "accepted", version=2)
ACTED_ON = per_dimension(ReferralActedOn, "referral", "acted_on", version=2)
DECLINED = per_dimension(ReferralDeclined, "referral", "declined", version=2)
SETTLED_ELSEWHERE = per_dimension(ReferralSettledElsewhere, "referral", "settled_elsewhere")
RECEIVED_V1 = per_dimension(ReferralReceivedV1, "referral", "received")
ACCEPTED_V1 = per_dimension(ReferralAcceptedV1, "referral", "accepted")
ACTED_ON_V1 = per_dimension(ReferralActedOnV1, "referral", "acted_on")
DECLINED_V1 = per_dimension(ReferralDeclinedV1, "referral", "declined")
