"""mee amends the catalogue: loads a figure awaiting it, or adds a limit (city officers only)."""

from __future__ import annotations

from phaseout_environment.adapters.tables import add_catalogue, current_catalogue
from phaseout_environment.app.desk import DESK
from phaseout_environment.app.publication import names_of
from phaseout_environment.domain.amendment import apply_amendment
from phaseout_environment.domain.catalogue import Catalogue
from phaseout_environment.domain.limits import Amendment
from phaseout_shared.catalogue_names import CATALOGUE_SUBJECT, emit_names
from phaseout_shared.city_time import city_date
from phaseout_shared.domain.aggregate import refusing_invalid_input
from phaseout_shared.reference import CITY
from phaseout_shared.unit_of_work import UnitOfWork


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
    await work.emit([event], subject=CATALOGUE_SUBJECT)
    await emit_names(work, names_of(amended, city_date(work.now)))
    await work.audit("catalogue.amend", amended.label, amendment.model_dump(mode="json"))
    return amended
