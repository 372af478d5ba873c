"""The demo city's enterprises: a few hundred, with valid codes, across the eleven districts and
twelve industries, each on the registers of the agencies that supervise its industry.

Everything here is decided by the seed; nothing is sent anywhere.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from phaseout_shared.reference import (
    NAMES_ZH,
    USCC_ALPHABET,
    District,
    Industry,
    uscc_check_character,
)

NO_ENERGY_LIMIT = {Industry.DYEING, Industry.LEAD_ACID_BATTERY}
NO_QUALITY_LAW = {Industry.COPPER_SMELTING, Industry.LEAD_SMELTING, Industry.SMALL_THERMAL_POWER}
WRITER = {
    "energy": "miit",
    "environment": "mee",
    "quality": "samr",
    "safety": "mem",
    "technology": "miit",
}
"""The agency whose officers register an enterprise with each dimension's service."""
TRADE_NAMES = ["华兴", "鹏程", "宏达", "永利", "金桥", "海韵", "新南", "东盛", "瑞丰", "恒通"]
TRADE_NAMES += ["嘉和", "明辉"]


@dataclass(frozen=True)
class DemoEnterprise:
    uscc: str
    name: str
    district: District
    industry: Industry
    effective_on: date
    """The day it entered the registers (April–May 2019, the plan's deployment)."""

    def dimensions(self) -> list[str]:
        dims = ["environment", "safety", "technology"]
        if self.industry not in NO_ENERGY_LIMIT:
            dims.append("energy")
        if self.industry not in NO_QUALITY_LAW:
            dims.append("quality")
        return sorted(dims)

    def registration(self) -> dict[str, str]:
        return {
            "uscc": self.uscc,
            "name": self.name,
            "district": self.district.value,
            "industry": self.industry.value,
            "effective_on": self.effective_on.isoformat(),
        }


def enterprises(count: int, seed: int) -> Iterator[DemoEnterprise]:
    rng = random.Random(seed)
    seen: set[str] = set()
    while len(seen) < count:
        body = "91440300" + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
        uscc = body + uscc_check_character(body)
        if uscc in seen:
            continue
        seen.add(uscc)
        district, industry = rng.choice(list(District)), rng.choice(list(Industry))
        name = f"深圳市{rng.choice(TRADE_NAMES)}{NAMES_ZH[industry.value]}有限公司{len(seen):03d}"
        on = date(2019, 4, 1) + timedelta(days=rng.randrange(60))
        yield DemoEnterprise(uscc, name, district, industry, on)
