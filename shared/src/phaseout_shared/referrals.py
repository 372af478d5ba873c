"""Cross-agency subscriptions as tracked referrals, the same in every agency service.

A service declares what it subscribes to (`Subscription`: which events of which other agencies
ask which of its agencies to do what, by when). Its consumer turns each triggering event into a
`Referral` in its own database and announces it on its own topic, in one transaction with the
inbox record: a redelivered event changes nothing, and the referral's id is derived from the
trigger, so even a replay makes no second one. The routes let the receiving agency accept, act
on or decline it.

A revival-watch alert (technology's `watch_alert.raised`, `ditiaogang_alert.raised`) is referred
to each agency it names, at that agency's own service (`revival_check`): due on the alert's check
date, answered "acted on" with the on-site check's `outcome`. That answer, an event like every
other, is what closes the alert at the technology service (its watch consumer). Where the
receiving service records a confirmed revival itself (environment re-opens its closed case,
safety and energy find the revival on theirs), its subscription says how (`confirmed`), in the
answer's transaction.

An alert is closed once, by the first on-site check. Its closing
(`phaseout.technology.watch_alert.closed.v1`) reaches the same consumer at every service that
holds a `revival_check` of it: each other open one is settled elsewhere in that transaction
(`Referral.settle_elsewhere`, announced as `referral.settled_elsewhere.v1`), so no agency is
left with an overdue check that no longer matters, and a later answer to it is refused (409).

Where the platform records the act a referral asks for, its subscription says so (`ActRule`):
an answer "acted on" must then name that act (`act_id`), which must exist at this service and be
the same enterprise's, or the answer is refused (422 naming `act_id`). So "acted on" proves
something: drc's answer points at the electricity price it put in force.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared import register
from phaseout_shared.aggregates import Filters, Repository, aggregate_table
from phaseout_shared.auth import Principal
from phaseout_shared.commands import DatedRequest, Desk
from phaseout_shared.consumer import Delivery, Handler
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.referral import ReferralKind
from phaseout_shared.contracts.technology import WatchOutcome
from phaseout_shared.deps import Page, Paging, Work, versioned
from phaseout_shared.domain.errors import InvalidInput, NotFound
from phaseout_shared.domain.referral import OPEN, Referral, referral_id
from phaseout_shared.domain.statemachine import Lifecycle
from phaseout_shared.envelope import Envelope, dimension_of
from phaseout_shared.limits import Day
from phaseout_shared.outbox import Outbox, topic_of
from phaseout_shared.reference import Agency, Dimension
from phaseout_shared.scope import READ_BY_PARTIES, Scope
from phaseout_shared.unit_of_work import UnitOfWork
from phaseout_shared.web import ConsumerSpec

referrals = aggregate_table("referrals", register.REGISTER)


def _columns(r: Referral) -> dict[str, Any]:
    return {
        "id": str(r.referral_id),
        "uscc": r.uscc,
        "district": r.district,
        "industry": None,
        "state": r.state,
        "due_on": r.due_on,
        "effective_on": r.received_on,
    }


REFERRALS = Repository(referrals, Referral, _columns, open_states=OPEN)
ReferralWork = Annotated[UnitOfWork, versioned("referrals")]


def _any_fits(_: dict[str, Any]) -> str | None:
    return None


def _always(_: Any) -> bool:
    return True


ALERTS = frozenset(
    {
        "phaseout.technology.watch_alert.raised.v1",
        "phaseout.technology.ditiaogang_alert.raised.v1",
    }
)
"""The revival watch's alerts: each asks the agencies it names (`to`) for an on-site check."""
ALERT_CLOSED = "phaseout.technology.watch_alert.closed.v1"
"""An alert closed by the first on-site check: the other agencies' checks of it are settled."""

Confirmed = Callable[[UnitOfWork, Referral, str, date], Awaitable[None]]
"""What a receiving service records when its on-site check confirms a revival: given the unit
of work, the referral, what the check found and its date."""


@dataclass(frozen=True)
class ActRule:
    """The act that an answer "acted on" must name: one this service records, in `table`.

    `fits` reads the act's document and says why it is not the act asked for (None if it is),
    e.g. a water price named in answer to an electricity-pricing referral.
    """

    type: str
    noun: str
    table: Table
    fits: Callable[[dict[str, Any]], str | None] = field(default=_any_fits)


@dataclass(frozen=True)
class Subscription:
    """Events of other agencies that ask one of this service's agencies to act."""

    kind: ReferralKind
    receiver: Agency
    triggers: frozenset[str]
    due_in_days: int = 30
    act: ActRule | None = None
    when: Callable[[Any], bool] = field(default=_always)
    """Which of the triggering events' payloads ask this receiver (by default, all)."""
    confirmed: Confirmed | None = None
    """For a revival_check: what this service records when the check confirms a revival."""

    @property
    def topics(self) -> set[str]:
        return {topic_of(dimension_of(t)) for t in self.triggers}

    @property
    def closings(self) -> frozenset[str]:
        """The events that settle this subscription's open referrals elsewhere."""
        return frozenset({ALERT_CLOSED}) if self.kind is ReferralKind.REVIVAL_CHECK else frozenset()


def ordered_by(dimension: Dimension) -> Callable[[Any], bool]:
    """The alerts whose broken order is `dimension`'s (an energy shutdown: energy's)."""

    def ordered(alert: Any) -> bool:
        return (alert.order_type or "").startswith(f"phaseout.{dimension.value}.")

    return ordered


def reopening_the_exit(desk: Desk, cases: Repository[Any], lifecycle: Lifecycle[Any]) -> Confirmed:
    """What a confirmed revival records where the broken order's case has an exit to re-open:
    the case, when it is the alert's enterprise's and stands where its `find_revival` may start
    (`lifecycle`), finds its capacity revived (死灰复燃) as of the check's date, so the city's
    exit list shows it revived from then. With no such case (none named, another enterprise's,
    an order not yet carried out) there is no exit to re-open: the answer closes the alert."""

    async def confirmed(
        work: UnitOfWork, referral: Referral, found: str, effective_on: date
    ) -> None:
        if referral.order_case is None:
            return
        try:
            case = await work.store(cases).look(referral.order_case)
        except NotFound:
            return
        if case.state not in lifecycle.sources("find_revival") or case.uscc != referral.uscc:
            return
        await desk.act(
            work,
            cases,
            case.case_id,
            "find_revival",
            lambda c: c.find_revival(found, effective_on, alert_id=referral.alert_id),
            dates={"effective_on": effective_on},
            changes={"findings": found, "alert_id": str(referral.alert_id)},
        )

    return confirmed


def revival_check(
    receiver: Agency,
    *,
    when: Callable[[Any], bool] = _always,
    confirmed: Confirmed | None = None,
) -> Subscription:
    """The on-site check of the revival-watch alerts that name `receiver` (and that `when`
    keeps, e.g. those whose broken order is this service's), due on the alert's check date."""

    def named(payload: Any) -> bool:
        return receiver in payload.to and when(payload)

    return Subscription(
        ReferralKind.REVIVAL_CHECK, receiver, ALERTS, 15, when=named, confirmed=confirmed
    )


def consumer(dimension: Dimension, subscriptions: Sequence[Subscription]) -> ConsumerSpec:
    """The consumer that turns the subscribed events into referrals."""
    outbox = Outbox(topic=topic_of(dimension.value), source=f"/phaseout/{dimension.value}")
    topics = sorted(set().union(*(s.topics for s in subscriptions)))
    return ConsumerSpec(
        name=f"{dimension.value}-referrals",
        topics=topics,
        handler=_handler(dimension, subscriptions, outbox),
    )


def _handler(
    dimension: Dimension, subscriptions: Sequence[Subscription], outbox: Outbox
) -> Handler:
    closings = frozenset().union(*(s.closings for s in subscriptions))

    async def handle(
        session: AsyncSession, envelope: Envelope, payload: EventPayload, delivery: Delivery
    ) -> None:
        if envelope.type in closings:
            await _settle_elsewhere(session, payload, outbox, delivery)
            return
        for sub in subscriptions:
            if envelope.type in sub.triggers and sub.when(payload):
                await _refer(session, dimension, sub, envelope, payload, outbox, delivery)

    return handle


async def _settle_elsewhere(
    session: AsyncSession, payload: EventPayload, outbox: Outbox, delivery: Delivery
) -> None:
    """The alert closed: settle each of this service's other open revival_checks of it."""
    p: Any = payload
    doc = referrals.c.doc
    ids = await session.scalars(
        select(referrals.c.id)
        .where(
            referrals.c.uscc == p.uscc,
            doc["kind"].astext == ReferralKind.REVIVAL_CHECK.value,
            doc["alert_id"].astext == str(p.alert_id),
        )
        .order_by(referrals.c.id)
    )
    now = delivery.clock()
    for id_ in list(ids):
        referral = await REFERRALS.get(session, id_)
        if not referral.settles(p.alert_id, p.referral_id):
            continue
        referral.settle_elsewhere(
            p.outcome, p.reason, p.effective_on, by=p.closed_by, referral=p.referral_id
        )
        await REFERRALS.save(session, referral, now)
        await outbox.append(session, referral.pull_events(), subject=referral.uscc, at=now)


async def _refer(
    session: AsyncSession,
    dimension: Dimension,
    sub: Subscription,
    envelope: Envelope,
    payload: EventPayload,
    outbox: Outbox,
    delivery: Delivery,
) -> None:
    p: Any = payload
    known = await session.scalar(
        select(referrals.c.id).where(
            referrals.c.id == str(referral_id(envelope.id, sub.kind, sub.receiver))
        )
    )
    if known is not None:
        return
    alert = envelope.type in ALERTS
    referral = Referral.receive(
        dimension=dimension.value,
        kind=sub.kind,
        receiver=sub.receiver,
        sender=envelope.dimension,
        uscc=p.uscc,
        district=p.district,
        trigger_event_id=envelope.id,
        trigger_type=envelope.type,
        effective_on=p.effective_on,
        due_in_days=sub.due_in_days,
        due_on=p.check_by if alert else None,
        alert_id=p.alert_id if alert else None,
        order_case=p.order_case if alert else None,
    )
    now = delivery.clock()
    await REFERRALS.add(session, referral, now)
    await outbox.append(session, referral.pull_events(), subject=referral.uscc, at=now)


def _parties(principal: Principal) -> list[ColumnElement[bool]]:
    doc = referrals.c.doc
    return Scope.of(principal).referral_filter(
        sender=doc["sender"].astext, receiver=doc["receiver"].astext, district=referrals.c.district
    )


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid")

    effective_on: Day


class Statement(Step):
    reason: str = Field(min_length=1, max_length=2000, description="What was done, or why not")


class Action(Statement):
    act_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="The act taken, where the platform records one (required then): the "
        "pricing measure's id for electricity_pricing (drc) and water_pricing (water) at the "
        "energy service; the licence-cancellation request's id for licence_cancellation (samr) "
        "at the quality service; the elimination case whose on-site acceptance was recorded for "
        "dismantling_check (miit) at the technology service; none for ditiaogang_investigation "
        "and revival_check",
    )
    outcome: WatchOutcome | None = Field(
        default=None,
        description="A revival_check's on-site check (required then, refused for every other "
        "kind): revival_confirmed, explained or false_reading; it closes the alert",
    )


async def named_act(
    session: AsyncSession, rule: ActRule | None, referral: Referral, act_id: str | None
) -> dict[str, str | None]:
    """The act an answer "acted on" names, checked: InvalidInput on `act_id` if it is missing
    where the platform records one, unknown, another enterprise's, or not the act asked for."""
    kind = referral.kind.value
    if rule is None:
        if act_id is not None:
            raise InvalidInput(
                f"a {kind} referral names no act: say what was done in reason",
                field="act_id",
                rule="referral.act_named",
            )
        return {"act_type": None, "act_id": None}
    if act_id is None:
        raise InvalidInput(
            f"a {kind} referral is acted on by naming the {rule.noun} taken (act_id)",
            field="act_id",
            rule="referral.act_named",
        )
    t = rule.table
    row = (await session.execute(select(t.c.uscc, t.c.doc).where(t.c.id == act_id))).first()
    if row is None:
        raise InvalidInput(f"no {rule.noun} {act_id}", field="act_id", rule="referral.act_exists")
    if row.uscc != referral.uscc:
        raise InvalidInput(
            f"{rule.noun} {act_id} is another enterprise's, not {referral.uscc}'s",
            field="act_id",
            rule="referral.act_same_enterprise",
        )
    unfit = rule.fits(row.doc)
    if unfit is not None:
        raise InvalidInput(
            f"{rule.noun} {act_id} {unfit}", field="act_id", rule="referral.act_fits_kind"
        )
    return {"act_type": rule.type, "act_id": act_id}


def router(dimension: Dimension, subscriptions: Sequence[Subscription] = ()) -> APIRouter:
    api = APIRouter(prefix="/v1/referrals", tags=["referrals"])
    rules = {(s.kind, t): s.act for s in subscriptions for t in s.triggers}
    confirmations = {s.kind: s.confirmed for s in subscriptions if s.confirmed is not None}

    desk = Desk(dimension)

    async def step(
        work: UnitOfWork,
        referral_id_: str,
        action: str,
        apply: Callable[[Referral], object],
        body: DatedRequest,
    ) -> Referral:
        """One answer, by the receiver: the desk authorises the referral's receiver only."""
        async with work:
            return await desk.act(
                work,
                REFERRALS,
                referral_id_,
                action,
                apply,
                dates={"effective_on": body.effective_on},
                changes=body.model_dump(mode="json"),
                agencies=lambda referral: frozenset({referral.receiver}),
            )

    @api.get("", response_model=Page[Referral], openapi_extra=READ_BY_PARTIES)
    async def list_(
        work: Work,
        paging: Paging,
        uscc: str | None = None,
        state: str | None = None,
        overdue_as_of: Day | None = None,
    ) -> Page[Referral]:
        """The referrals the caller is a party to (or reads as the city bureau or the
        district's government)."""
        assert work.principal is not None
        filters = Filters(uscc=uscc, state=state, overdue_as_of=overdue_as_of)
        query = REFERRALS.query(filters, work.principal).where(*_parties(work.principal))
        async with work:
            items, total = await REFERRALS.page(work.session, query, paging.limit, paging.offset)
        return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)

    @api.get("/{referral_id}", response_model=Referral, openapi_extra=READ_BY_PARTIES)
    async def read(referral_id: str, work: Work) -> Referral:
        """One referral, to its parties (403 to anyone else)."""
        assert work.principal is not None
        async with work:
            referral = await work.store(REFERRALS).look(referral_id)
        Scope.of(work.principal).check_referral(
            referral.sender, referral.receiver, referral.district
        )
        return referral

    @api.post("/{referral_id}/acceptance", response_model=Referral)
    async def accept(referral_id: str, body: Step, work: ReferralWork) -> Referral:
        return await step(
            work, referral_id, "accept", lambda referral: referral.accept(body.effective_on), body
        )

    @api.post("/{referral_id}/action", response_model=Referral)
    async def act(referral_id: str, body: Action, work: ReferralWork) -> Referral:
        """Acted on: what was done (`reason`) and, where the platform records the act, which
        one (`act_id`, of the same enterprise); 422 naming `act_id` otherwise. A revival_check
        is answered with the on-site check's `outcome` (422 naming `outcome` without one, or
        with one for any other kind), which closes the alert at the technology service."""

        async def acted_on(referral: Referral) -> None:
            rule = rules.get((referral.kind, referral.trigger_type))
            named = await named_act(work.session, rule, referral, body.act_id)
            referral.act(
                body.reason, body.effective_on, named["act_type"], named["act_id"], body.outcome
            )
            confirm = confirmations.get(referral.kind)
            if body.outcome is WatchOutcome.REVIVAL_CONFIRMED and confirm is not None:
                await confirm(work, referral, body.reason, body.effective_on)

        return await step(work, referral_id, "act", acted_on, body)

    @api.post("/{referral_id}/declination", response_model=Referral)
    async def decline(referral_id: str, body: Statement, work: ReferralWork) -> Referral:
        return await step(
            work,
            referral_id,
            "decline",
            lambda referral: referral.decline(body.reason, body.effective_on),
            body,
        )

    return api
