"""Who may write here, and the step the writes go through (DOMAIN.md §5, `docs/domain.md`):
surveys, cases and tips are miit's; market-access checks of new projects are drc's."""

from __future__ import annotations

from phaseout_shared import writes
from phaseout_shared.commands import Desk
from phaseout_shared.reference import Dimension

SURVEYORS = writes.LEADS[Dimension.TECHNOLOGY]
MARKET_ACCESS = writes.allowed(Dimension.TECHNOLOGY, "POST", "/v1/project-checks")
DESK = Desk(Dimension.TECHNOLOGY, SURVEYORS)
