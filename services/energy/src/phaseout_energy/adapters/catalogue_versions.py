"""Keeping the versions of the limits catalogue: version 1 is shipped, each amendment adds one.

A version never changes once written. The current one is the highest; an inspection is judged
by the highest version whose figure for its indicator was in force on the inspection's date.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_energy.adapters.tables import catalogue_versions
from phaseout_energy.domain.catalogue import Catalogue, load_catalogue
from phaseout_shared.domain.errors import Conflict, NotFound

SHIPPED = 1


@cache
def shipped() -> Catalogue:
    """Version 1, from `limits.json`."""
    return load_catalogue()


async def version(session: AsyncSession, number: int) -> Catalogue:
    if number == SHIPPED:
        return shipped()
    doc = await session.scalar(
        select(catalogue_versions.c.doc).where(catalogue_versions.c.version == number)
    )
    if doc is None:
        raise NotFound(f"no version {number} of the limits catalogue", field="version")
    return Catalogue.model_validate(doc)


async def current(session: AsyncSession) -> Catalogue:
    doc = await session.scalar(
        select(catalogue_versions.c.doc).order_by(catalogue_versions.c.version.desc()).limit(1)
    )
    return shipped() if doc is None else Catalogue.model_validate(doc)


async def in_force(session: AsyncSession, indicator_id: str, on: date) -> Catalogue:
    """The highest version whose figure for the indicator was in force on `on` (else v1)."""
    numbers = await session.scalars(
        select(catalogue_versions.c.version).order_by(catalogue_versions.c.version.desc())
    )
    for number in list(numbers):
        catalogue = await version(session, number)
        if catalogue.applies_on(indicator_id, on):
            return catalogue
    return shipped()


async def add(session: AsyncSession, catalogue: Catalogue, now: datetime) -> None:
    """Write a new version; Conflict if another amendment took its number meanwhile."""
    written = await session.scalar(
        insert(catalogue_versions)
        .values(version=catalogue.version, recorded_at=now, doc=catalogue.model_dump(mode="json"))
        .on_conflict_do_nothing()
        .returning(catalogue_versions.c.version)
    )
    if written is None:
        raise Conflict(
            f"version {catalogue.version} was written by another amendment meanwhile; "
            "reload the catalogue and amend again",
            field="version",
        )
