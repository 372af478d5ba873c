"""mee amends the catalogue: loads a figure awaiting it, or adds a limit (city officers only)."""

from __future__ import annotations

from phaseout_environment.adapters.tables import add_catalogue, current_catalogue
from phaseout_environment.app.desk import DESK
from phaseout_environment.app.publication import names_of
from phaseout_environment.domain.amendment import AMENDING_AGENCIES, apply_amendment
from phaseout_environment.domain.catalogue import Catalogue
from phaseout_environment.domain.limits import Amendment
from phaseout_shared.amendments import CatalogueBook
from phaseout_shared.unit_of_work import UnitOfWork

BOOK = CatalogueBook(
    desk=DESK,
    agencies=AMENDING_AGENCIES,
    amendment=Amendment,
    current=current_catalogue,
    add=add_catalogue,
    apply=apply_amendment,
    names_of=names_of,
    label=lambda catalogue: catalogue.label,
)
"""The environment catalogue's versions: mee's city officers amend it."""


async def amend_catalogue(work: UnitOfWork, changes: dict[str, object]) -> Catalogue:
    """Apply one amendment to the current version, making the next one."""
    amended, _ = await BOOK.amend(work, changes)
    return amended
