"""What the demo city's officers find, industry by industry: the equipment a technology survey
records (one item Table 5 eliminates, one it allows), the energy indicator with a cited limit, the
environment limit with a cited figure, and the product a quality spot check samples.

Only figures the platform ships with a cited source are used: energy inspections run where
Table 1's limits are loaded (electrolytic aluminium, pulp), environment measurements where the
limits catalogue has a figure (cement, steel sintering, small thermal power); elsewhere the
environment finding is a violation of another ground.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from phaseout_shared.reference import Industry

IND = Industry


@dataclass(frozen=True)
class Equipment:
    item: str
    """What the site calls it (the survey's item id and the closure's line)."""
    eliminated: dict[str, object]
    allowed: dict[str, object] | None
    unit: str
    capacity: tuple[int, int]
    """The range the demo draws a capacity from, in `unit`."""


@dataclass(frozen=True)
class Indicator:
    indicator_id: str
    unit: str
    limit: Decimal


@dataclass(frozen=True)
class Product:
    product: str
    standard: str
    failed_item: str


EQUIPMENT: dict[Industry, Equipment] = {
    IND.STEEL: Equipment(
        "1# 高炉",
        {"kind": "blast_furnace", "volume_m3": 350},
        {"kind": "blast_furnace", "volume_m3": 1080},
        "t/a",
        (300_000, 600_000),
    ),
    IND.CEMENT: Equipment(
        "2# 机立窑",
        {"kind": "shaft_kiln"},
        {"kind": "cement_mill", "diameter_m": 3.8},
        "t/a",
        (100_000, 300_000),
    ),
    IND.ELECTROLYTIC_ALUMINIUM: Equipment(
        "一车间预焙槽系列",
        {"kind": "prebaked_cell", "current_ka": 120},
        {"kind": "prebaked_cell", "current_ka": 300},
        "t/a",
        (50_000, 150_000),
    ),
    IND.FLAT_GLASS: Equipment(
        "1# 平拉线", {"kind": "flat_drawing_line"}, None, "t/a", (60_000, 150_000)
    ),
    IND.PAPER: Equipment(
        "3# 文化纸机",
        {"kind": "cultural_paper_line", "width_m": 1.6, "speed_m_per_min": 100},
        {"kind": "cultural_paper_line", "width_m": 2.4, "speed_m_per_min": 300},
        "t/a",
        (10_000, 34_000),
    ),
    IND.DYEING: Equipment(
        "A 车间染色机",
        {
            "kind": "dyeing_machine",
            "role": "continuous_dyeing",
            "origin": "domestic",
            "age_years": 18,
        },
        {
            "kind": "dyeing_machine",
            "role": "continuous_dyeing",
            "origin": "domestic",
            "age_years": 6,
        },
        "m/a",
        (2_000_000, 8_000_000),
    ),
    IND.LEATHER: Equipment(
        "1# 制革线",
        {"kind": "tanning_line", "feed": "raw_hide", "capacity_hides_per_year": 30000},
        {"kind": "tanning_line", "feed": "raw_hide", "capacity_hides_per_year": 80000},
        "hides/a",
        (20_000, 45_000),
    ),
    IND.LEAD_ACID_BATTERY: Equipment(
        "和膏工段", {"kind": "open_paste_mixer"}, None, "kVAh/a", (100_000, 400_000)
    ),
    IND.COPPER_SMELTING: Equipment(
        "1# 反射炉",
        {"kind": "smelting_furnace", "type": "reverberatory"},
        {"kind": "smelting_furnace", "type": "other"},
        "t/a",
        (20_000, 60_000),
    ),
    IND.LEAD_SMELTING: Equipment(
        "烧结锅",
        {"kind": "sintering_pot"},
        {"kind": "sintering_machine", "acid_plant": True, "tail_gas_absorption": True},
        "t/a",
        (10_000, 40_000),
    ),
    IND.SMALL_THERMAL_POWER: Equipment(
        "1# 燃煤机组",
        {"kind": "coal_unit", "capacity_mw": 50, "meets_standards": False},
        {"kind": "coal_unit", "capacity_mw": 50, "meets_standards": True},
        "MW",
        (25, 135),
    ),
    IND.CERAMICS: Equipment(
        "1# 土窑",
        {"kind": "kiln", "type": "earth"},
        {"kind": "tile_line", "capacity_m2_per_year": 3_000_000},
        "m²/a",
        (300_000, 900_000),
    ),
}

ENERGY: dict[Industry, Indicator] = {
    IND.ELECTROLYTIC_ALUMINIUM: Indicator(
        "gb21346.aluminium_liquid_ac_power", "kWh/t", Decimal(13700)
    ),
    IND.PAPER: Indicator("gb31825.deinked_waste_paper_pulp", "kgce/adt", Decimal(210)),
}
"""GB 21346-2013 and GB 31825-2015, whose limits ship with the catalogue's first version."""

EMISSIONS: dict[Industry, Indicator] = {
    IND.CEMENT: Indicator("gb4915.kiln.nox", "mg/m³", Decimal(320)),
    IND.STEEL: Indicator("gb28662.sintering.so2", "mg/m³", Decimal(180)),
    IND.SMALL_THERMAL_POWER: Indicator("ultra_low.coal_unit.nox", "mg/m³", Decimal(50)),
}
"""Special emission limits and ultra-low emission, with cited figures."""

PRODUCTS: dict[Industry, Product] = {
    IND.STEEL: Product("热轧带肋钢筋", "GB/T 1499.2-2018", "屈服强度"),
    IND.CEMENT: Product("通用硅酸盐水泥", "GB 175-2007", "3 天抗压强度"),
    IND.ELECTROLYTIC_ALUMINIUM: Product("重熔用铝锭", "GB/T 1196-2017", "化学成分"),
    IND.FLAT_GLASS: Product("钢化玻璃", "GB 15763.2-2005", "碎片状态"),
    IND.PAPER: Product("复印纸", "GB/T 24988-2010", "定量"),
    IND.DYEING: Product("针织内衣", "GB 18401-2010", "甲醛含量"),
    IND.LEATHER: Product("皮鞋", "QB/T 1002-2015", "耐折性能"),
    IND.LEAD_ACID_BATTERY: Product("电动助力车用铅酸蓄电池", "GB/T 22199.1-2017", "20h 率容量"),
    IND.CERAMICS: Product("陶瓷砖", "GB/T 4100-2015", "吸水率"),
}
"""Table 3's industries under the Product Quality Law, each with a product and its standard."""
