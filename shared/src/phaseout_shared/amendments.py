"""The command step of a catalogue amendment, for every dimension that keeps a catalogue of
figures its agency may load or correct (energy's Table 1 limits, environment's limits).

An amendment concerns no district: a city officer of the amending agencies makes it. The
proposed fields become the domain's amendment, signed with the caller's agency and name (a
model's validation error is a 422 naming the field); the domain applies it to the version in
force, making the next version and the event that announces it; the version is kept, the
event emitted on the catalogue's subject, the new version's names published
(`catalogue_names`), and the amendment audited — all in the caller's unit of work.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared.catalogue_names import CATALOGUE_SUBJECT, emit_names
from phaseout_shared.city_time import city_date
from phaseout_shared.commands import Desk
from phaseout_shared.contracts.base import CatalogueNames, EventPayload
from phaseout_shared.domain.aggregate import refusing_invalid_input
from phaseout_shared.reference import CITY, Agency
from phaseout_shared.unit_of_work import UnitOfWork

C = TypeVar("C")
"""A version of the catalogue."""
M = TypeVar("M", bound=BaseModel)
"""The domain's amendment."""
E = TypeVar("E", bound=EventPayload)
"""The event announcing the version an amendment made."""


@dataclass(frozen=True)
class CatalogueBook(Generic[C, M, E]):
    """How one dimension keeps its catalogue's versions, and who may amend it."""

    desk: Desk
    agencies: frozenset[Agency]
    """The agencies whose city officers amend the catalogue."""
    amendment: type[M]
    current: Callable[[AsyncSession], Awaitable[C]]
    """The version in force, read in the session."""
    add: Callable[[AsyncSession, C, datetime], Awaitable[None]]
    """Keep a new version (Conflict when another amendment made it first)."""
    apply: Callable[[C, M], tuple[C, E]]
    """The domain's rule: the next version, and the event announcing it."""
    names_of: Callable[[C, date], CatalogueNames]
    label: Callable[[C], str]
    """How the audit names a version."""

    async def amend(self, work: UnitOfWork, proposed: Mapping[str, object]) -> tuple[C, E]:
        """Apply one amendment to the version in force: the next version, and its event."""
        agency = self.desk.authorise(work, CITY, self.agencies)
        assert work.principal is not None, "authorise admits only a principal"
        with refusing_invalid_input():
            amendment = self.amendment.model_validate(
                {**proposed, "amended_by": agency, "officer": work.principal.sub}
            )
        amended, event = self.apply(await self.current(work.session), amendment)
        await self.add(work.session, amended, work.now)
        await work.emit([event], subject=CATALOGUE_SUBJECT)
        await emit_names(work, self.names_of(amended, city_date(work.now)))
        await work.audit("catalogue.amend", self.label(amended), amendment.model_dump(mode="json"))
        return amended, event
