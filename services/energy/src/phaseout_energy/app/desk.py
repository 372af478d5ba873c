"""Who may write what in the energy dimension (DOMAIN.md §1), and the step its writes go through.

`miit` and `drc` lead the energy supervision by their division of duties (按职责分工牵头): the
catalogue, inspections, cases, the sweep and the year's list are theirs. `water` owns only the
progressive water price (超定额超计划用水累进加价); who records which price is the pricing
domain's table (`pricing.RECORDING_AGENCIES`). A district officer acts only in that district;
acts that concern the whole city (the catalogue, the sweep, publishing the list) need a city
officer (`DESK.authorise(work, CITY)`).
"""

from __future__ import annotations

from phaseout_shared import writes
from phaseout_shared.commands import Desk
from phaseout_shared.reference import Dimension

SUPERVISORS = writes.LEADS[Dimension.ENERGY]
"""The energy leads, as the write table names them (`phaseout_shared.writes`)."""

DESK = Desk(Dimension.ENERGY, SUPERVISORS)
