"""mee amends the catalogue: loads a figure awaiting it, or adds a limit (city officers only)."""

from __future__ import annotations

from phaseout_environment.adapters.tables import add_catalogue, current_catalogue
from phaseout_environment.app.desk import DESK
from phaseout_environment.domain.amendment import apply_amendment
from phaseout_environment.domain.catalogue import Catalogue
from phaseout_environment.domain.limits import Amendment
from phaseout_shared.domain.aggregate import refusing_invalid_input
from phaseout_shared.reference import CITY
from phaseout_shared.unit_of_work import UnitOfWork

SUBJECT = "catalogue"
"""The events of the catalogue concern no one enterprise: they share one key, in order."""


async def amend_catalogue(work: UnitOfWork, changes: dict[str, object]) -> Catalogue:
    """Apply one amendment to the current version, making the next one."""
    DESK.authorise(work, CITY)
    assert work.principal is not None
    with refusing_invalid_input():
        amendment = Amendment.model_validate(
            {**changes, "amended_by": work.principal.agency, "officer": work.principal.sub}
        )
    amended, event = apply_amendment(await current_catalogue(work.session), amendment)
    await add_catalogue(work.session, amended, work.now)
    await work.emit([event], subject=SUBJECT)
    await work.audit("catalogue.amend", amended.label, amendment.model_dump(mode="json"))
    return amended
