"""The catalogue's names for everyone who shows kinds and rules: published once per version.

At start the service publishes the Table 5 catalogue it holds (the names of its equipment kinds,
the plan's wording of its rules) as `phaseout.technology.catalogue.published.v1`, unless its
outbox already holds that version's event. The aggregator names what it lists from it, so that a
new catalogue version reaches the city's lists without a copy of the catalogue anywhere else.
"""

from __future__ import annotations

import logging
from datetime import date

from fastapi import FastAPI
from sqlalchemy import select

from phaseout_shared.city_time import city_date
from phaseout_shared.contracts.technology import CataloguePublished, KindName, RuleName
from phaseout_shared.db import outbox
from phaseout_shared.domain.errors import DomainError
from phaseout_shared.unit_of_work import UnitOfWork
from phaseout_technology.domain.catalogue import Catalogue, table5

log = logging.getLogger(__name__)

CATALOGUE_SUBJECT = "catalogue"
"""The key of catalogue events: they concern no enterprise, and stay in order on one partition."""


def names_of(catalogue: Catalogue, on: date) -> CataloguePublished:
    """The catalogue's names and wording, as the event carries them."""
    return CataloguePublished(
        version=catalogue.version,
        effective_on=on,
        title_zh=catalogue.title_zh,
        title_en=catalogue.title_en,
        kinds={
            code: KindName(industry=spec.industry, name_zh=spec.name_zh, name_en=spec.name_en)
            for code, spec in catalogue.kinds.items()
        },
        rules={
            rule.id: RuleName(
                industry=rule.industry,
                wording_zh=rule.wording_zh,
                wording_en=rule.wording_en,
                table=rule.source.table,
                row=rule.source.row,
                item=rule.source.item,
                citation=rule.citation,
            )
            for rule in catalogue.rules
        },
    )


async def publish_catalogue(app: FastAPI) -> None:
    """Publish the catalogue's names unless this version's event is already in the outbox.

    It never stops the service from starting: an event the outbox refuses (larger than
    `PHASEOUT_MAX_EVENT_BYTES`) is logged, and the lists show the codes until it can be sent."""
    try:
        await _publish(app)
    except DomainError as exc:
        log.error("the catalogue's names were not published: %s", exc.reason)


async def _publish(app: FastAPI) -> None:
    state = app.state
    async with UnitOfWork(state.db.sessions, state.outbox, state.clock) as work:
        event = names_of(table5(), city_date(work.now))
        known = await work.session.scalar(
            select(outbox.c.seq)
            .where(
                outbox.c.type == CataloguePublished.event_type,
                outbox.c.data["version"].astext == event.version,
            )
            .limit(1)
        )
        if known is None:
            await work.emit([event], subject=CATALOGUE_SUBJECT)
