"""Projections of every agency's cases and of the capacity that exited, kept as history.

Each case event adds a row: the state it leaves its case in, from its effective date. A case as
of a date is its latest row on or before that date, so `as_of` answers are exact and a late
event (effective before one already applied) takes its place in the history, not over it.
Every case event carries the `state` it leaves its case in (technology's older events are
mapped here) and, but technology's, its next `deadline`; what a state means to the city is its
stage (`contracts.stages`). An exit event (technology's passed
on-site acceptance, energy's verified shutdown, closures) puts capacity on the exit list with
its legal basis; a revival found later marks it `revived` from that date.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import case_events, exit_events, identity
from phaseout_aggregator.app.upsert import insert_new
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.envelope import Envelope

TECHNOLOGY_STATES = {
    "phaseout.technology.case.opened.v1": "open",
    "phaseout.technology.shutdown.ordered.v1": "open",
    "phaseout.technology.ditiaogang.investigation_opened.v1": "open",
    "phaseout.technology.case.dismantled.v1": "dismantled",
    "phaseout.technology.case.sealed.v1": "sealed",
    "phaseout.technology.case.acceptance_passed.v1": "exited",
    "phaseout.technology.case.acceptance_failed.v1": "open",
    "phaseout.technology.case.revival_found.v1": "open",
}
"""The state each technology case event leaves its case in, for the events published before
technology's case events carried their `state`."""

EXITS = {
    "phaseout.technology.case.acceptance_passed.v1",
    "phaseout.energy.shutdown.verified.v1",
    "phaseout.environment.closure.ordered.v1",
    "phaseout.safety.case.closed.v1",
}
REVIVALS = {
    "phaseout.technology.case.revival_found.v1",
    "phaseout.environment.case.reopened.v1",
    "phaseout.energy.case.revival_found.v1",
    "phaseout.safety.case.revival_found.v1",
}
EXITS_AND_REVIVALS = EXITS | REVIVALS


async def _industry(session: AsyncSession, uscc: str, payload: Any) -> str | None:
    found = getattr(payload, "industry", None)
    if found is not None:
        return str(found)
    industry = await session.scalar(
        select(identity.c.industry)
        .where(identity.c.uscc == uscc)
        .order_by(identity.c.dimension)
        .limit(1)
    )
    return None if industry is None else str(industry)


def case_row(envelope: Envelope, payload: EventPayload) -> dict[str, Any] | None:
    """The case event's row, its industry as the event says it (None if it does not: then it is
    the industry of the enterprise's register row of the first dimension, as projected when the
    event is applied); None if it is no case event."""
    p: Any = payload
    f = p.__dict__  # the payload's fields (reading a field it lacks through getattr is slow)
    state = f.get("state") or TECHNOLOGY_STATES.get(envelope.type)
    if state is None:
        return None
    industry = f.get("industry")
    return dict(
        event_id=envelope.id,
        dimension=envelope.dimension,
        case_id=str(p.case_id),
        uscc=envelope.subject,
        district=str(p.district),
        industry=None if industry is None else str(industry),
        state=str(state),
        deadline=f.get("deadline"),
        effective_on=p.effective_on,
        recorded_at=envelope.time,
        sequence=payload.sequence,
        type=envelope.type,
    )


async def project_case(session: AsyncSession, envelope: Envelope, payload: EventPayload) -> None:
    row = case_row(envelope, payload)
    if row is None:
        return
    row["industry"] = await _industry(session, envelope.subject, payload)
    await insert_new(session, case_events, row)


def exit_row(envelope: Envelope, payload: EventPayload) -> dict[str, Any] | None:
    """The exit (or revival) row of an event; None if it is neither."""
    if envelope.type not in EXITS_AND_REVIVALS:
        return None
    p: Any = payload
    f = p.__dict__
    basis = f.get("rule") or f"{p.standard} {p.indicator_id}"
    return dict(
        event_id=envelope.id,
        dimension=envelope.dimension,
        case_id=str(p.case_id),
        uscc=p.uscc,
        district=str(p.district),
        industry=str(p.industry),
        item=f.get("kind") or f.get("item") or basis,
        capacity_amount=p.capacity_amount,
        capacity_unit=p.capacity_unit,
        rule=basis,
        catalogue_version=str(p.catalogue_version),
        status="revived" if envelope.type in REVIVALS else "exited",
        effective_on=p.effective_on,
        recorded_at=envelope.time,
        sequence=payload.sequence,
        basis=words if isinstance(words := f.get("basis"), str) else None,
    )


async def project_exit(session: AsyncSession, envelope: Envelope, payload: EventPayload) -> None:
    row = exit_row(envelope, payload)
    if row is not None:
        await insert_new(session, exit_events, row)
