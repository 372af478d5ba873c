"""Who may write here, and the step the writes go through: mem alone (市应急管理局), a district
officer only for enterprises of that district."""

from __future__ import annotations

from phaseout_shared.commands import Desk
from phaseout_shared.reference import Dimension

DESK = Desk(Dimension.SAFETY)
