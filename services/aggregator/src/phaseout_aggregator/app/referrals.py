"""Referrals between agencies, as the city sees them: per enterprise, and the overdue ones.

Each referral event adds a row to the referral's history, so a referral as of a date is its
latest row on or before that date: one acted on in March was still open, and overdue, in
February.

A revival_check whose alert another agency's check closed is `settled_elsewhere`: closed, with
the alert's outcome and the agency that gave it (`settled_by`), and neither open nor overdue.

The city reads each answer whole: who answered and when, why a referral was declined or what was
done, and the act an answer "acted on" names — for a pricing referral, the price it put in force,
with a flag once that price has ended.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Select, bindparam, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import referral_events, timeline
from phaseout_aggregator.app.access import Scope
from phaseout_aggregator.app.history import AS_OF, latest_first
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.referral import (
    ReferralEvent,
    ReferralEventV1,
    ReferralSettledElsewhere,
)
from phaseout_shared.envelope import Envelope

OPEN = ("received", "accepted")
RECORDED = "phaseout.energy.pricing_measure.recorded.v1"
ENDED = "phaseout.energy.pricing_measure.ended.v1"


class ReferralAct(BaseModel):
    """The act an answer "acted on" names; for a pricing measure, its days in force."""

    type: str = Field(description="pricing_measure, cancellation_request or elimination_case")
    id: str = Field(description="Its id at the receiving service")
    kind: str | None = Field(default=None, description="A pricing measure's kind")
    since: date | None = Field(default=None, description="A pricing measure's first day")
    until: date | None = Field(default=None, description="Its last day, if it has one")
    in_force: bool | None = Field(
        default=None, description="A pricing measure: in force on the day asked about"
    )


class ReferralView(BaseModel):
    referral_id: str
    dimension: str
    kind: str
    sender: str
    receiver: str
    uscc: str
    district: str
    state: str
    due_on: date
    trigger_type: str
    updated_on: date
    answered_by: str | None = Field(
        default=None, description="The receiving agency, once it accepted, acted or declined"
    )
    answered_on: date | None = Field(default=None, description="When it last answered")
    reason: str | None = Field(default=None, description="Why declined, or what was done")
    act: ReferralAct | None = Field(default=None, description="The act named, if any")
    act_ended: bool = Field(
        default=False,
        description="Acted on, but the pricing measure it named is no longer in force",
    )
    alert_id: str | None = Field(
        default=None, description="The revival-watch alert a revival_check is about"
    )
    outcome: str | None = Field(
        default=None,
        description="A revival_check answered: revival_confirmed, explained or false_reading "
        "(settled elsewhere: the alert's outcome, as another agency's check gave it)",
    )
    settled_by: str | None = Field(
        default=None,
        description="A revival_check settled_elsewhere: the agency whose on-site check closed "
        "the alert (the receiver never answered)",
    )


async def project_referral(
    session: AsyncSession, envelope: Envelope, payload: EventPayload
) -> None:
    values = referral_row(envelope, payload)
    await session.execute(insert(referral_events).values(values).on_conflict_do_nothing())


REFERRAL_EVENTS = frozenset(
    {
        "referral.received",
        "referral.accepted",
        "referral.acted_on",
        "referral.declined",
        "referral.settled_elsewhere",
    }
)
Referral = ReferralEvent | ReferralEventV1 | ReferralSettledElsewhere


def referral_row(envelope: Envelope, payload: EventPayload) -> dict[str, Any]:
    """The row a referral event adds to its referral's history (of any version, or settled
    elsewhere)."""
    assert isinstance(payload, ReferralEvent | ReferralEventV1 | ReferralSettledElsewhere)
    acted = None if isinstance(payload, ReferralSettledElsewhere) else payload
    return {
        "event_id": envelope.id,
        "referral_id": str(payload.referral_id),
        "dimension": envelope.dimension,
        "kind": str(payload.kind),
        "sender": payload.sender,
        "receiver": payload.receiver.value,
        "uscc": payload.uscc,
        "district": payload.district.value,
        "state": payload.state.value,
        "due_on": payload.due_on,
        "trigger_type": payload.trigger_type,
        "updated_on": payload.effective_on,
        "recorded_at": envelope.time,
        "sequence": payload.sequence,
        "reason": payload.reason,
        "act_type": None if acted is None else acted.act_type,
        "act_id": None if acted is None else acted.act_id,
        "alert_id": _alert_of(payload),
        "outcome": _outcome_of(payload),
        "settled_by": _settled_by(payload),
    }


def _alert_of(payload: Referral) -> str | None:
    found = None if isinstance(payload, ReferralEventV1) else payload.alert_id
    return None if found is None else str(found)


def _outcome_of(payload: Referral) -> str | None:
    found = None if isinstance(payload, ReferralEventV1) else payload.outcome
    return None if found is None else found.value


def _settled_by(payload: Referral) -> str | None:
    found = payload.settled_by if isinstance(payload, ReferralSettledElsewhere) else None
    return None if found is None else found.value


async def referrals_in_scope(
    session: AsyncSession,
    scope: Scope,
    as_of: date,
    *,
    uscc: str | None = None,
    overdue: bool = False,
    state: str | None = None,
) -> list[ReferralView]:
    """Referrals in scope at their state on `as_of`; with `overdue`, only those open past due;
    with `state`, only those in that state."""
    params: dict[str, Any] = {"as_of": as_of, "uscc": uscc, "state": state}
    found = await session.execute(
        _referrals(scope, uscc is not None, overdue, state is not None), params
    )
    rows = [dict(r._mapping) for r in found]
    measures = await _pricing_measures(
        session, {r["act_id"] for r in rows if r["act_type"] == "pricing_measure"}, as_of
    )
    return [_view(r, measures, as_of) for r in rows]


@functools.cache
def _referrals(scope: Scope, of_uscc: bool, overdue: bool, of_state: bool) -> Select[Any]:
    """The latest row of each referral in scope on a day, built once per scope and shape."""
    t = referral_events
    rank = latest_first(t, [t.c.referral_id], t.c.updated_on)
    q = select(t, rank.label("rank")).where(t.c.updated_on <= AS_OF)
    if of_uscc:
        q = q.where(t.c.uscc == bindparam("uscc"))
    q = q.where(
        *scope.referral_filter(sender=t.c.sender, receiver=t.c.receiver, district=t.c.district)
    )
    sub = q.subquery()
    latest = select(sub).where(sub.c.rank == 1)
    if overdue:
        latest = latest.where(sub.c.state.in_(OPEN), sub.c.due_on < AS_OF)
    if of_state:
        latest = latest.where(sub.c.state == bindparam("state"))
    return latest.order_by(sub.c.due_on, sub.c.referral_id)


def _view(row: dict[str, Any], measures: dict[str, ReferralAct], as_of: date) -> ReferralView:
    answered = row["state"] not in ("received", "settled_elsewhere")
    act = None
    if row["act_id"] is not None:
        act = measures.get(row["act_id"]) or ReferralAct(type=row["act_type"], id=row["act_id"])
    return ReferralView.model_validate(
        {
            **row,
            "answered_by": row["receiver"] if answered else None,
            "answered_on": row["updated_on"] if answered else None,
            "act": act,
            "act_ended": row["state"] == "acted_on" and act is not None and act.in_force is False,
        }
    )


async def _pricing_measures(
    session: AsyncSession, ids: set[str], as_of: date
) -> dict[str, ReferralAct]:
    """The pricing measures named, as energy's events told them up to `as_of`."""
    if not ids:
        return {}
    t = timeline
    rows = await session.execute(
        select(t.c.type, t.c.effective_on, t.c.data)
        .where(
            t.c.type.in_((RECORDED, ENDED)),
            t.c.data["measure_id"].astext.in_(sorted(ids)),
            t.c.effective_on <= as_of,
        )
        .order_by(t.c.effective_on, t.c.recorded_at)
    )
    found: dict[str, ReferralAct] = {}
    for type_, effective_on, data in rows.tuples():
        id_ = data["measure_id"]
        if type_ == RECORDED:
            found[id_] = ReferralAct(
                type="pricing_measure",
                id=id_,
                kind=data["kind"],
                since=data["starts_on"],
                until=data.get("ends_on"),
            )
        elif id_ in found:
            ends_on = data.get("ends_on")
            found[id_].until = date.fromisoformat(ends_on) if ends_on else effective_on
    for act in found.values():
        assert act.since is not None
        act.in_force = act.since <= as_of and (act.until is None or as_of <= act.until)
    return found
