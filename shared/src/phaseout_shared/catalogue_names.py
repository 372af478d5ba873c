"""A catalogue's names for everyone who shows its codes: published once per version.

An agency that keeps a catalogue (technology's Table 5, energy's Table 1 limits, environment's
Table 2 and grounds) publishes its names as `phaseout.<dimension>.catalogue.published.v1`
(`contracts.base.CatalogueNames`): at start, for the version in force, and when an amendment
makes a new version. It is emitted unless the outbox already holds that version's event, so a
restart publishes nothing new. The aggregator names exits by these events, so that a new
catalogue version reaches the city's lists without a copy of the catalogue anywhere else.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared.city_time import city_date
from phaseout_shared.contracts.base import CatalogueNames
from phaseout_shared.db import outbox
from phaseout_shared.domain.errors import DomainError
from phaseout_shared.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

CATALOGUE_SUBJECT = "catalogue"
"""The key of catalogue events: they concern no enterprise, and stay in order on one partition."""

NamesOf = Callable[[AsyncSession, date], Awaitable[CatalogueNames]]
"""How a service names the catalogue version in force (read in the session), on a date."""


async def emit_names(work: UnitOfWork, names: CatalogueNames) -> bool:
    """Emit the names of a catalogue version in this transaction, unless the outbox already
    holds that version's event; whether it was emitted."""
    known = await work.session.scalar(
        select(outbox.c.seq)
        .where(
            outbox.c.type == names.event_type,
            outbox.c.data["version"].astext == names.version,
        )
        .limit(1)
    )
    if known is not None:
        return False
    await work.emit([names], subject=CATALOGUE_SUBJECT)
    return True


def publishing(names_of: NamesOf) -> Callable[[FastAPI], Awaitable[None]]:
    """A start-up hook publishing the names of the catalogue version in force.

    It never stops the service from starting: an event the outbox refuses (larger than
    `PHASEOUT_MAX_EVENT_BYTES`) is logged, and the lists show the codes until it can be sent."""

    async def publish(app: FastAPI) -> None:
        state = app.state
        try:
            async with UnitOfWork(state.db.sessions, state.outbox, state.clock) as work:
                await emit_names(work, await names_of(work.session, city_date(work.now)))
        except DomainError as exc:
            log.error("the catalogue's names were not published: %s", exc.reason)

    return publish
