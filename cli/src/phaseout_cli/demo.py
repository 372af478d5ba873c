"""`phaseout demo`: a fictional city loaded through the public APIs, deterministic from a seed.

This version loads the enterprise registers: a few hundred enterprises with valid codes across
the eleven districts and twelve industries, each on the registers of the agencies that supervise
its industry. Every write goes through an agency service's API with a development token.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import httpx

from phaseout_shared import auth
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
TRADE_NAMES = [
    "华兴",
    "鹏程",
    "宏达",
    "永利",
    "金桥",
    "海韵",
    "新南",
    "东盛",
    "瑞丰",
    "恒通",
    "嘉和",
    "明辉",
]


@dataclass(frozen=True)
class DemoEnterprise:
    uscc: str
    name: str
    district: District
    industry: Industry
    effective_on: date

    def dimensions(self) -> list[str]:
        dims = ["environment", "safety", "technology"]
        if self.industry not in NO_ENERGY_LIMIT:
            dims.append("energy")
        if self.industry not in NO_QUALITY_LAW:
            dims.append("quality")
        return sorted(dims)


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


def load(ports: dict[str, int], private_key: str, *, count: int = 300, seed: int = 2019) -> int:
    """Register the demo enterprises; returns how many registrations were accepted."""
    tokens = {
        a: auth.issue(private_key, sub="demo", agency=a, jurisdiction="city", roles=["officer"])
        for a in set(WRITER.values())
    }
    accepted = 0
    with httpx.Client(timeout=10) as http:
        for i, e in enumerate(enterprises(count, seed), 1):
            for dim in e.dimensions():
                r = http.post(
                    f"http://127.0.0.1:{ports[dim]}/v1/enterprises",
                    json={
                        "uscc": e.uscc,
                        "name": e.name,
                        "district": e.district.value,
                        "industry": e.industry.value,
                        "effective_on": e.effective_on.isoformat(),
                    },
                    headers={"Authorization": f"Bearer {tokens[WRITER[dim]]}"},
                )
                if r.status_code == 201:
                    accepted += 1
                elif r.status_code != 409:
                    r.raise_for_status()
            if i % 50 == 0 or i == count:
                print(f"\rdemo: {i}/{count} enterprises", end="", flush=True)
    print()
    return accepted
