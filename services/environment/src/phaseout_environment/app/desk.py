"""Who may write here, and the step the writes go through: mee alone (VOCABULARY.md), a district
officer only in that district; `city` admits only city-level mee officers."""

from __future__ import annotations

from phaseout_shared import writes
from phaseout_shared.commands import Desk
from phaseout_shared.reference import Dimension

MEE = writes.LEADS[Dimension.ENVIRONMENT]
DESK = Desk(Dimension.ENVIRONMENT, MEE)
