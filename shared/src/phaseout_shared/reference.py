"""The codes every service, event and API speaks (VOCABULARY.md).

They are part of the contract between agencies: they travel unchanged.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator


class Agency(StrEnum):
    """The six city agencies of the plan."""

    MIIT = "miit"
    DRC = "drc"
    MEE = "mee"
    SAMR = "samr"
    MEM = "mem"
    WATER = "water"


class District(StrEnum):
    """The eleven jurisdictions that execute the plan (具体负责)."""

    FUTIAN = "futian"
    LUOHU = "luohu"
    NANSHAN = "nanshan"
    YANTIAN = "yantian"
    BAOAN = "baoan"
    LONGGANG = "longgang"
    LONGHUA = "longhua"
    PINGSHAN = "pingshan"
    GUANGMING = "guangming"
    DAPENG = "dapeng"
    SHENSHAN = "shenshan"


CITY = "city"
"""The jurisdiction of a city-level officer: city-wide."""


class Industry(StrEnum):
    """The twelve key industries (12 个重点行业)."""

    STEEL = "steel"
    CEMENT = "cement"
    ELECTROLYTIC_ALUMINIUM = "electrolytic_aluminium"
    FLAT_GLASS = "flat_glass"
    PAPER = "paper"
    DYEING = "dyeing"
    LEATHER = "leather"
    LEAD_ACID_BATTERY = "lead_acid_battery"
    COPPER_SMELTING = "copper_smelting"
    LEAD_SMELTING = "lead_smelting"
    SMALL_THERMAL_POWER = "small_thermal_power"
    CERAMICS = "ceramics"


class Dimension(StrEnum):
    """The five enforcement dimensions, one service each."""

    ENERGY = "energy"
    ENVIRONMENT = "environment"
    QUALITY = "quality"
    SAFETY = "safety"
    TECHNOLOGY = "technology"


OWNERS: dict[Dimension, frozenset[Agency]] = {
    Dimension.ENERGY: frozenset({Agency.MIIT, Agency.DRC, Agency.WATER}),
    Dimension.ENVIRONMENT: frozenset({Agency.MEE}),
    Dimension.QUALITY: frozenset({Agency.SAMR}),
    Dimension.SAFETY: frozenset({Agency.MEM}),
    Dimension.TECHNOLOGY: frozenset({Agency.MIIT, Agency.DRC}),
}
"""Which agencies may write to each dimension's service (VOCABULARY.md, owners)."""

CITY_BUREAU = Agency.MIIT
"""The agency that consolidates the campaign city-wide (the "city bureau")."""

NAMES_ZH: dict[str, str] = {
    "miit": "市工业和信息化局",
    "drc": "市发展改革委",
    "mee": "市生态环境局",
    "samr": "市市场监管局",
    "mem": "市应急管理局",
    "water": "市水务局",
    "futian": "福田区",
    "luohu": "罗湖区",
    "nanshan": "南山区",
    "yantian": "盐田区",
    "baoan": "宝安区",
    "longgang": "龙岗区",
    "longhua": "龙华区",
    "pingshan": "坪山区",
    "guangming": "光明区",
    "dapeng": "大鹏新区",
    "shenshan": "深汕特别合作区",
    "city": "全市",
    "steel": "钢铁",
    "cement": "水泥",
    "electrolytic_aluminium": "电解铝",
    "flat_glass": "平板玻璃",
    "paper": "造纸",
    "dyeing": "印染",
    "leather": "制革",
    "lead_acid_battery": "铅蓄电池",
    "copper_smelting": "铜冶炼",
    "lead_smelting": "铅冶炼",
    "small_thermal_power": "小火电",
    "ceramics": "陶瓷",
    "energy": "工业能耗",
    "environment": "环保",
    "quality": "质量",
    "safety": "安全",
    "technology": "技术",
}
"""Chinese display names of every code above."""

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class InvalidUSCC(ValueError):
    """A unified social credit code that is malformed or fails its check character."""


def uscc_check_character(first17: str) -> str:
    """The check character of a code's first 17 characters, per GB 32100-2015."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


@functools.lru_cache(maxsize=1 << 16)
def validate_uscc(code: str) -> str:
    """Return the code if it is a valid 统一社会信用代码, or raise InvalidUSCC saying why.

    Lowercase letters are refused rather than folded: the code is printed in capitals on the
    licence, and a different spelling would make a second identity for one enterprise.
    Valid codes are remembered (every event names one, and an enterprise has many events).
    """
    if len(code) != 18:
        raise InvalidUSCC(f"must be 18 characters, got {len(code)}")
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        raise InvalidUSCC(f"characters not in the code alphabet: {''.join(bad)!r}")
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise InvalidUSCC(f"check character is {code[17]!r}, expected {expected!r}")
    return code


USCC = Annotated[str, AfterValidator(validate_uscc)]
"""A pydantic field type for an enterprise's unified social credit code."""
