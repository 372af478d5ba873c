"""Who may write here: mee alone (VOCABULARY.md), a district officer only in that district."""

from __future__ import annotations

from phaseout_shared import writes
from phaseout_shared.auth import authorise_write
from phaseout_shared.reference import CITY, Dimension
from phaseout_shared.unit_of_work import UnitOfWork

MEE = writes.LEADS[Dimension.ENVIRONMENT]


def authorise(work: UnitOfWork, district: str = CITY) -> None:
    """A write in `district`; `city` (the default) admits only city-level mee officers."""
    assert work.principal is not None
    authorise_write(work.principal, Dimension.ENVIRONMENT, district, agencies=MEE)
