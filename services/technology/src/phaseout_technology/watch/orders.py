"""What the watch learns from the agencies' topics: the orders that should have stopped
production (and those that let it resume), samr's steel production licences, and the answers
to the alerts' `revival_check` referrals, which close the alerts (`answers`).

One consumer (`technology-watch`) with the shared inbox: each event is applied once, and an
order that arrives after the readings that break it raises its alert then.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared.consumer import Delivery
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.envelope import Envelope
from phaseout_shared.outbox import Outbox, topic_of
from phaseout_shared.reference import Dimension
from phaseout_shared.web import ConsumerSpec
from phaseout_technology.watch import answers
from phaseout_technology.watch.rules import catalogue
from phaseout_technology.watch.store import hold_evaluation, raise_alerts
from phaseout_technology.watch.tables import licences, orders

LICENCE_RECORDED = "phaseout.quality.licence.recorded.v1"
LICENCE_ENDED = frozenset(
    {"phaseout.quality.licence.revoked.v1", "phaseout.quality.licence.cancelled.v1"}
)
LICENCES = LICENCE_ENDED | {LICENCE_RECORDED}
STEEL_WORDS = ("钢", "steel", "rebar")


def _steel(payload: Any) -> bool:
    if str(payload.industry) == "steel":
        return True
    return any(w in p.lower() for p in payload.products for w in STEEL_WORDS)


def consumer() -> ConsumerSpec:
    outbox = Outbox(topic=topic_of(Dimension.TECHNOLOGY.value), source="/phaseout/technology")
    watched = catalogue().order_types()

    async def handle(
        session: AsyncSession, envelope: Envelope, payload: EventPayload, delivery: Delivery
    ) -> None:
        p: Any = payload
        if envelope.type in watched:
            ref = getattr(p, "case_id", None) or envelope.id
            measure = getattr(p, "measure", None)
            await session.execute(
                insert(orders)
                .values(
                    event_id=envelope.id,
                    event_type=envelope.type,
                    uscc=p.uscc,
                    district=str(p.district),
                    ref=str(ref),
                    measure=None if measure is None else str(measure),
                    effective_on=p.effective_on,
                )
                .on_conflict_do_nothing()
            )
            await raise_alerts(session, [p.uscc], now=delivery.clock(), outbox=outbox)
        elif envelope.type in LICENCES:
            await _licence(session, envelope.type, p)
        elif answers.is_check_answer(envelope.type, payload):
            await answers.apply_answer(session, payload, now=delivery.clock(), outbox=outbox)

    return ConsumerSpec(
        name="technology-watch",
        topics=sorted(topic_of(d.value) for d in Dimension),
        handler=handle,
    )


async def _licence(session: AsyncSession, type_: str, p: Any) -> None:
    """A licence's grant or end, under the watch's lock: an import evaluating the enterprise's
    invoices meanwhile reads the licence as it stood before or after, never in between."""
    await hold_evaluation(session)
    if type_ == LICENCE_RECORDED:
        values = {"uscc": p.uscc, "steel": _steel(p), "active": True}
        await session.execute(
            insert(licences)
            .values(licence_number=p.licence_number, **values)
            .on_conflict_do_update(index_elements=["licence_number"], set_=values)
        )
    else:
        await session.execute(
            update(licences)
            .where(licences.c.licence_number == p.licence_number)
            .values(active=False)
        )
