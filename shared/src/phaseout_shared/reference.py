"""The codes every service, event and API speaks (VOCABULARY.md).

They are part of the contract between agencies: they travel unchanged.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from typing import Annotated, TypeVar

from pydantic import AfterValidator

E = TypeVar("E", bound=StrEnum)


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

NAMES_EN: dict[str, str] = {
    "miit": "Industry and Information Technology Bureau",
    "drc": "Development and Reform Commission",
    "mee": "Ecology and Environment Bureau",
    "samr": "Market Regulation Administration",
    "mem": "Emergency Management Bureau",
    "water": "Water Affairs Bureau",
    "futian": "Futian",
    "luohu": "Luohu",
    "nanshan": "Nanshan",
    "yantian": "Yantian",
    "baoan": "Bao'an",
    "longgang": "Longgang",
    "longhua": "Longhua",
    "pingshan": "Pingshan",
    "guangming": "Guangming",
    "dapeng": "Dapeng New District",
    "shenshan": "Shenzhen-Shanwei Cooperation Zone",
    "city": "City-wide",
    "steel": "Steel",
    "cement": "Cement",
    "electrolytic_aluminium": "Electrolytic aluminium",
    "flat_glass": "Flat glass",
    "paper": "Paper",
    "dyeing": "Printing and dyeing",
    "leather": "Leather",
    "lead_acid_battery": "Lead-acid batteries",
    "copper_smelting": "Copper smelting",
    "lead_smelting": "Lead smelting",
    "small_thermal_power": "Small thermal power",
    "ceramics": "Ceramics",
    "energy": "Energy",
    "environment": "Environment",
    "quality": "Quality",
    "safety": "Safety",
    "technology": "Technology",
}
"""English display names of the same codes."""

UNITS: dict[str, tuple[str, str]] = {
    "t/a": ("吨/年", "tonnes a year"),
    "m²/a": ("平方米/年", "square metres a year"),
    "m2/a": ("平方米/年", "square metres a year"),
    "m/a": ("米/年", "metres a year"),
    "m³/a": ("立方米/年", "cubic metres a year"),
    "hides/a": ("标张/年", "hides a year"),
    "kVAh/a": ("千伏安时/年", "kVAh a year"),
    "10⁴ kVAh/a": ("万千伏安时/年", "10,000 kVAh a year"),
    "pcs/a": ("件/年", "pieces a year"),
    "MW": ("兆瓦", "MW"),
    "kW": ("千瓦", "kW"),
    "t": ("吨", "tonnes"),
    "m³": ("立方米", "cubic metres"),
    "kA": ("千安", "kA"),
}
"""Capacity units as the agencies record them (`capacity_unit`), named in Chinese and English.
A unit not listed here is shown as recorded."""

STATUS_NAMES: dict[str, tuple[str, str]] = {
    "exited": ("已退出", "Exited"),
    "revived": ("死灰复燃", "Revived"),
}
"""The exit list's statuses."""


def name_of(code: str | None, lang: str = "zh") -> str:
    """A district, industry, dimension or agency code named in `lang` (the code if unknown)."""
    if code is None:
        return ""
    names = NAMES_ZH if lang == "zh" else NAMES_EN
    return names.get(str(code), str(code))


def unit_name(unit: str, lang: str = "zh") -> str:
    """A capacity unit as an official writes it: 吨/年 rather than t/a."""
    named = UNITS.get(unit)
    return unit if named is None else named[0 if lang == "zh" else 1]


def code_of(kind: type[E], value: str) -> E:
    """A member of `kind` from its code or its Chinese or English name (钢铁, Steel, steel).

    Raises ValueError naming the values accepted when none matches.
    """
    wanted = value.strip()
    for member in kind:
        zh = NAMES_ZH.get(member.value, "")
        english = NAMES_EN.get(member.value, "").casefold()
        if wanted.casefold() in (member.value, english) or wanted in (zh, zh.removesuffix("区")):
            return member
    accepted = ", ".join(f"{m.value} ({NAMES_ZH.get(m.value, m.value)})" for m in kind)
    raise ValueError(f"unknown {kind.__name__.lower()} {value!r}: one of {accepted}")


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
