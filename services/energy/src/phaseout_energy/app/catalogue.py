"""The limits catalogue as the agencies use it: amend it, list it, ask it a question."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from phaseout_energy.adapters import catalogue_versions as versions
from phaseout_energy.app.desk import DESK
from phaseout_energy.app.publication import names_of
from phaseout_energy.domain.amendment import apply_amendment
from phaseout_energy.domain.assess import Assessment, assess_measurement
from phaseout_energy.domain.catalogue import (
    AMENDING_AGENCIES,
    Amendment,
    AmendmentRecord,
    Catalogue,
    IndicatorListing,
    LimitStatus,
    NotCovered,
)
from phaseout_shared.amendments import CatalogueBook
from phaseout_shared.contracts.energy import CatalogueAmended
from phaseout_shared.reference import Industry
from phaseout_shared.unit_of_work import UnitOfWork


class CatalogueListing(BaseModel):
    """A version of the catalogue as shown: every indicator, loaded or awaiting the agency."""

    model_config = ConfigDict(frozen=True)

    version: int
    title: str
    loaded: int
    awaiting_agency: int
    rows: tuple[IndicatorListing, ...]
    not_covered: tuple[NotCovered, ...]


def listing(
    catalogue: Catalogue, *, industry: Industry | None, status: LimitStatus | None
) -> CatalogueListing:
    everything = catalogue.listing()
    awaiting = len(catalogue.awaiting_agency())
    return CatalogueListing(
        version=catalogue.version,
        title=catalogue.title,
        loaded=len(everything) - awaiting,
        awaiting_agency=awaiting,
        rows=tuple(
            row
            for row in everything
            if (industry is None or row.industry is industry)
            and (status is None or row.status is status)
        ),
        not_covered=catalogue.not_covered,
    )


async def history(work: UnitOfWork) -> tuple[AmendmentRecord, ...]:
    """The audit trail: every amendment, with the version it made."""
    return (await versions.current(work.session)).history


BOOK = CatalogueBook(
    desk=DESK,
    agencies=AMENDING_AGENCIES,
    amendment=Amendment,
    current=versions.current,
    add=versions.add,
    apply=apply_amendment,
    names_of=names_of,
    label=lambda catalogue: f"v{catalogue.version}",
)
"""The energy catalogue's versions: miit's and drc's city officers amend it."""


async def amend(work: UnitOfWork, proposed: Mapping[str, Any]) -> CatalogueAmended:
    """An energy agency's city officer loads or corrects a figure: the next version holds.

    `proposed` holds the amendment's fields but who made it, which is the caller.
    """
    _, event = await BOOK.amend(work, proposed)
    return event


async def assessment(
    work: UnitOfWork,
    industry: Industry,
    indicator_id: str | None,
    measured_value: Decimal | None,
    unit: str | None,
    *,
    new_plant: bool,
    on: date | None,
) -> Assessment:
    """A verdict, recording nothing: by the figure in force on `on`, else the current one."""
    if on is not None and indicator_id is not None:
        catalogue = await versions.in_force(work.session, indicator_id, on)
    else:
        catalogue = await versions.current(work.session)
    return assess_measurement(
        industry, indicator_id, measured_value, unit, catalogue, new_plant=new_plant
    )
