"""Names, not codes: an exit's kind, legal basis, unit and status as officials read them,
from the names the technology service publishes of its catalogue."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from phaseout_aggregator.app.names import Catalogues, exit_names
from phaseout_technology.app.publication import names_of
from phaseout_technology.domain.catalogue import table5


def learnt() -> Catalogues:
    """What the aggregator keeps of the published event (as `project_catalogue` stores it)."""
    event = names_of(table5(), date(2019, 5, 21))
    known = Catalogues()
    for code, kind in event.kinds.items():
        known.entries[("technology", "kind", code)] = {
            event.version: (kind.name_zh, kind.name_en, None)
        }
    for code, rule in event.rules.items():
        item = f"第（{rule.item}）项" if rule.item is not None else ""
        where = f"表 {rule.table} 第 {rule.row} 行{item}|{rule.citation}"
        known.entries[("technology", "rule", code)] = {
            event.version: (rule.wording_zh, rule.wording_en, where)
        }
    return known


def exit_row(**changes: Any) -> dict[str, Any]:
    return {
        "dimension": "technology",
        "industry": "steel",
        "item": "blast_furnace",
        "rule": "T5-steel-blast-furnace",
        "catalogue_version": "2019.1",
        "capacity_unit": "t/a",
        "capacity_amount": Decimal(1),
        "status": "exited",
        **changes,
    }


def test_the_published_catalogue_names_every_kind_and_rule() -> None:
    event = names_of(table5(), date(2019, 5, 21))
    assert event.version == "2019.1" and len(event.kinds) == len(table5().kinds)
    assert event.kinds["blast_furnace"].name_zh == "炼铁高炉"
    rule = event.rules["T5-steel-blast-furnace"]
    assert (rule.table, rule.row, rule.item) == (5, 1, 1)


def test_a_technology_exit_is_named_from_the_catalogue() -> None:
    named = exit_names(exit_row(), learnt())
    assert (named.item.zh, named.item.en) == ("炼铁高炉", "iron-making blast furnace")
    assert named.basis.zh.startswith("淘汰 400 立方米及以下炼铁高炉")
    assert named.basis.zh.endswith("（《行动计划》表 5 第 1 行第（1）项，目录 2019.1 版）")
    assert "T5-" not in named.basis.zh + named.basis.en
    assert (named.unit.zh, named.status.zh, named.status.en) == ("吨/年", "已退出", "Exited")


def test_a_newer_catalogue_version_falls_back_to_the_latest_names_known() -> None:
    named = exit_names(exit_row(catalogue_version="2020.1"), learnt())
    assert named.item.zh == "炼铁高炉"


def test_before_the_names_arrive_the_code_is_shown_rather_than_nothing() -> None:
    named = exit_names(exit_row(), Catalogues())
    assert named.item.zh == "blast_furnace" and named.basis.zh == "T5-steel-blast-furnace"


def test_energy_and_environment_exits_are_told_in_words() -> None:
    energy = exit_names(
        exit_row(
            dimension="energy",
            industry="electrolytic_aluminium",
            item="GB 21346-2013 gb21346.aluminium_liquid_ac_power",
            rule="GB 21346-2013 gb21346.aluminium_liquid_ac_power",
            catalogue_version="1",
        ),
        Catalogues(),
    )
    assert energy.item.zh == "电解铝生产线"
    assert energy.basis.zh == "单位产品能耗超过 GB 21346-2013 限定值（能耗限额目录第 1 版）"
    environment = exit_names(exit_row(dimension="environment", item="1# 窑"), Catalogues())
    assert environment.item.zh == "1# 窑" and "人民政府批准" in environment.basis.zh
