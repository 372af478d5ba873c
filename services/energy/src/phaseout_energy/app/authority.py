"""Who may write what in the energy dimension (DOMAIN.md §1).

`miit` and `drc` lead the energy supervision by their division of duties (按职责分工牵头): the
catalogue, inspections, cases, the sweep and the year's list are theirs. `water` owns only the
progressive water price (超定额超计划用水累进加价); who records which price is the pricing
domain's table (`pricing.RECORDING_AGENCIES`). A district officer acts only in that district;
acts that concern the whole city (the catalogue, the sweep, publishing the list) need a city
officer.
"""

from __future__ import annotations

from phaseout_shared import writes
from phaseout_shared.auth import authorise_write
from phaseout_shared.reference import CITY, Agency, Dimension
from phaseout_shared.unit_of_work import UnitOfWork

SUPERVISORS = writes.LEADS[Dimension.ENERGY]
"""The energy leads, as the write table names them (`phaseout_shared.writes`)."""


def authorise(work: UnitOfWork, district: str, agencies: frozenset[Agency] = SUPERVISORS) -> Agency:
    """The caller's agency; Forbidden unless an officer of `agencies` covering `district`."""
    principal = work.principal
    assert principal is not None
    authorise_write(principal, Dimension.ENERGY, district, agencies=agencies)
    assert principal.agency is not None, "authorise_write admits only the agencies named"
    return principal.agency


def authorise_city(work: UnitOfWork, agencies: frozenset[Agency] = SUPERVISORS) -> Agency:
    return authorise(work, CITY, agencies)
