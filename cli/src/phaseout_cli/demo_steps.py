"""The vocabulary of the demo city's year: its stories, the requests that tell them, and one
enterprise's calendar (see `demo_year`)."""

from __future__ import annotations

import random
from calendar import monthrange
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from phaseout_cli.demo_catalogue import EQUIPMENT
from phaseout_cli.demo_city import DemoEnterprise
from phaseout_shared.reference import NAMES_ZH, District

SWEEP_ON = date(2019, 12, 12)
"""The day every agency sweeps for overdue cases; deadlines before it are marked."""
SEALED = dict.fromkeys(
    ("water_cut", "power_cut", "power_units_removed", "main_equipment_sealed", "public_commitment"),
    True,
)


class Story(StrEnum):
    TECH_SEALED = "technology.sealed_and_accepted"
    TECH_DISMANTLED = "technology.dismantled_and_accepted"
    TECH_PENDING = "technology.eliminated_pending"
    TECH_ALLOWED = "technology.allowed"
    ENERGY_RECTIFIED = "energy.rectified"
    ENERGY_EXTENDED = "energy.extended_and_rectified"
    ENERGY_OVERDUE = "energy.overdue_shut_down"
    ENERGY_FAILED = "energy.reinspection_failed_shut_down"
    ENERGY_OPEN = "energy.rectifying"
    ENV_RESTRICTED = "environment.restricted_and_rectified"
    ENV_CLOSED = "environment.suspended_overdue_closed"
    QUALITY_RECTIFIED = "quality.rectified"
    QUALITY_OVERDUE = "quality.overdue_revoked"
    QUALITY_FAILED = "quality.reinspection_failed_revoked"
    SAFETY_HAZARD = "safety.hazard_rectified"
    SAFETY_LIFTED = "safety.suspension_lifted"
    SAFETY_CLOSED = "safety.closed_and_revoked"
    NOTHING = "nothing"

    @property
    def dimension(self) -> str | None:
        return None if self is Story.NOTHING else self.value.split(".")[0]


@dataclass(frozen=True)
class Step:
    """One request an officer makes: `{case}` and `{hazard}` in the path are the ids the
    story's earlier answers returned."""

    service: str
    agency: str
    path: str
    body: Mapping[str, object]
    on: date
    after_sweep: bool = False
    params: Mapping[str, str] = field(default_factory=dict)


class Year:
    """One enterprise's calendar: its first finding a few days after it entered the registers."""

    def __init__(self, e: DemoEnterprise, rng: random.Random) -> None:
        self.e, self.rng = e, rng
        self.d0 = e.effective_on + timedelta(days=rng.randint(3, 12))
        eq = EQUIPMENT[e.industry]
        self.equipment = eq
        self.capacity = str(rng.randrange(eq.capacity[0], eq.capacity[1]) // 10 * 10)

    def day(self, offset: int) -> date:
        return self.d0 + timedelta(days=offset)

    def government(self) -> str:
        """有批准权的人民政府: the district's (a committee for the new district and the zone)."""
        name = NAMES_ZH[self.e.district.value]
        if self.e.district in (District.DAPENG, District.SHENSHAN):
            return f"{name}管理委员会"
        return f"深圳市{name}人民政府"


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (2019-08-31 + 6 → 2020-02-29)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))
