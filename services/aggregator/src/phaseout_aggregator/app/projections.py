"""How each event changes the aggregator's projections.

One handler per event kind; every event also lands on the enterprise's timeline with its
provenance. Handlers run inside the consumer's transaction, after the inbox claimed the id.
A late event (effective before what is already known) is kept in the timeline, but does not
overwrite newer facts; of two facts from one agency effective the same day, the newer is the one
with the greater `sequence` (the order the agency committed them in), not the later clock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import identity, timeline
from phaseout_aggregator.app.cases import project_case, project_exit
from phaseout_aggregator.app.disclosure import project_disclosure
from phaseout_aggregator.app.names import project_catalogue
from phaseout_aggregator.app.referrals import project_referral
from phaseout_aggregator.app.upsert import insert_new, upsert_if_newer
from phaseout_aggregator.app.watch import project_alert
from phaseout_shared.consumer import Delivery
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.enterprise import EnterpriseFacts
from phaseout_shared.envelope import Envelope

Projector = Callable[[AsyncSession, Envelope, EventPayload], Awaitable[None]]


@lru_cache(maxsize=1024)
def noun_verb(event_type: str) -> str:
    """`enterprise.registered` of `phaseout.energy.enterprise.registered.v1` (kept for each of
    the few types there are: it is asked for each event, twice in a batch)."""
    return ".".join(event_type.split(".")[2:4])


async def apply(
    session: AsyncSession, envelope: Envelope, payload: EventPayload, delivery: Delivery
) -> None:
    """Apply one event: record it on the timeline, then update the projections it touches."""
    await _record(session, envelope, payload, delivery)
    projector = PROJECTORS.get(noun_verb(envelope.type))
    if projector is not None:
        await projector(session, envelope, payload)
    if hasattr(payload, "case_id"):
        await project_case(session, envelope, payload)
        await project_exit(session, envelope, payload)


async def _record(
    session: AsyncSession, envelope: Envelope, payload: EventPayload, delivery: Delivery
) -> None:
    await insert_new(session, timeline, timeline_row(envelope, payload, delivery))


def timeline_row(envelope: Envelope, payload: EventPayload, delivery: Delivery) -> dict[str, Any]:
    """The event's row on the timeline, with its provenance."""
    effective = payload.__dict__.get("effective_on")
    return {
        "event_id": envelope.id,
        "uscc": envelope.subject,
        "type": envelope.type,
        "dimension": envelope.dimension,
        "source": envelope.source,
        "topic": delivery.topic,
        "partition": delivery.partition,
        "offset": delivery.offset,
        "effective_on": effective if isinstance(effective, date) else None,
        "recorded_at": envelope.time,
        "data": envelope.data,
        "sequence": payload.sequence,
        "acting_agency": envelope.acting_agency,
    }


async def _identity(session: AsyncSession, envelope: Envelope, payload: EventPayload) -> None:
    values = identity_row(envelope, payload)
    await upsert_if_newer(session, identity, values, IDENTITY_KEY, "effective_on")


IDENTITY_KEY = ("uscc", "dimension")
IDENTITY_EVENTS = frozenset({"enterprise.registered", "enterprise.updated"})


def identity_row(envelope: Envelope, payload: EventPayload) -> dict[str, Any]:
    """What an enterprise event says the enterprise is, as its dimension's register row."""
    assert isinstance(payload, EnterpriseFacts)
    return {
        "uscc": payload.uscc,
        "dimension": envelope.dimension,
        "name": payload.name,
        "district": payload.district.value,
        "industry": payload.industry.value,
        "address": payload.address,
        "effective_on": payload.effective_on,
        "event_id": envelope.id,
        "recorded_at": envelope.time,
        "sequence": payload.sequence,
    }


PROJECTORS: dict[str, Projector] = {
    "enterprise.registered": _identity,
    "enterprise.updated": _identity,
    "disclosure.published": project_disclosure,
    "disclosure.withdrawn": project_disclosure,
    "referral.received": project_referral,
    "referral.accepted": project_referral,
    "referral.acted_on": project_referral,
    "referral.declined": project_referral,
    "referral.settled_elsewhere": project_referral,
    "catalogue.published": project_catalogue,
    "watch_alert.raised": project_alert,
    "ditiaogang_alert.raised": project_alert,
    "watch_alert.closed": project_alert,
}
