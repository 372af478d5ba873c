"""Names, not codes: an exit's kind, legal basis, unit and status as officials read them,
from the names the technology, energy and environment services publish of their catalogues."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from phaseout_aggregator.app.names import Catalogues, catalogue_rows, exit_names
from phaseout_energy.adapters.catalogue_versions import shipped as limits
from phaseout_energy.app import publication as energy
from phaseout_environment.app import publication as environment
from phaseout_environment.domain.catalogue import shipped as table2
from phaseout_shared.contracts.base import CatalogueNames, EntryKind
from phaseout_shared.limits import MAX_EVENT_BYTES
from phaseout_technology.app.publication import names_of
from phaseout_technology.domain.catalogue import table5

ON = date(2019, 5, 21)


def published() -> dict[str, CatalogueNames]:
    return {
        "technology": names_of(table5(), ON),
        "energy": energy.names_of(limits(), ON),
        "environment": environment.names_of(table2(), ON),
    }


def learnt(events: dict[str, CatalogueNames] | None = None) -> Catalogues:
    """What the aggregator keeps of the published events (the rows `project_catalogue` stores)."""
    known = Catalogues()
    for dimension, event in (events or published()).items():
        for row in catalogue_rows(dimension, "e-1", event):
            names = (row["name_zh"], row["name_en"], row["citation"])
            key = (dimension, row["entry"], row["code"])
            known.entries.setdefault(key, {})[row["version"]] = names
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


ENERGY_CODE = "GB 21346-2013 gb21346.aluminium_liquid_ac_power"


def energy_exit(**changes: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "dimension": "energy",
        "industry": "electrolytic_aluminium",
        "item": ENERGY_CODE,
        "rule": ENERGY_CODE,
        "catalogue_version": "1",
    }
    return exit_row(**{**facts, **changes})


def test_an_energy_exit_is_named_from_the_limits_catalogue() -> None:
    named = exit_names(energy_exit(), learnt())
    assert (named.item.zh, named.item.en) == ("铝液生产线", "molten aluminium line")
    assert named.basis.zh == (
        "铝液交流电耗超过《电解铝企业单位产品能源消耗限额》（GB 21346-2013）限定值"
        "（《行动计划》表 1，目录 1 版）"
    )
    assert named.basis.en.startswith("molten aluminium: AC power consumption over the limit")
    assert "gb21346." not in named.basis.zh + named.basis.en + named.item.zh


def test_an_energy_exit_under_an_amended_version_keeps_the_names_of_the_latest_known() -> None:
    named = exit_names(energy_exit(catalogue_version="3"), learnt())
    assert named.item.zh == "铝液生产线" and named.basis.zh.endswith("目录 3 版）")


def test_an_environment_exit_names_its_ground_and_where_the_plan_states_it() -> None:
    named = exit_names(
        exit_row(
            dimension="environment",
            item="1# 窑",
            rule="G-over-emission-standard",
            catalogue_version="1",
        ),
        learnt(),
    )
    assert named.item.zh == "1# 窑"
    assert named.basis.zh == "超过大气和水等污染物排放标准排污（《行动计划》二（二）3，目录 1 版）"
    assert named.basis.en.endswith("(section 二（二）3, catalogue 1)")


def test_an_environment_exit_under_an_equipment_rule_or_a_limit_is_named() -> None:
    known = learnt()
    banned = exit_names(
        exit_row(
            dimension="environment",
            item="coal_gas_generator",
            rule="T2-gas-generator",
            catalogue_version="1",
        ),
        known,
    )
    assert banned.item.zh == "煤气发生炉"
    assert banned.basis.zh.startswith("淘汰炉膛直径 3 米以下燃料类煤气发生炉")
    assert "表 2 第 1、2、3、4、8、9、10 行" in banned.basis.zh
    over = exit_names(
        exit_row(
            dimension="environment",
            item="烧结机",
            rule="gb28662.sintering.particulates",
            catalogue_version="1",
        ),
        known,
    )
    assert over.basis.zh.startswith("烧结机、球团焙烧设备颗粒物超过《钢铁烧结")
    assert "表 2 第 1 行第（2）项" in over.basis.zh


def test_every_rule_an_energy_or_environment_exit_may_carry_is_published() -> None:
    events = published()
    for dimension, codes in {
        "energy": {energy.basis_code(s, i) for s in limits().standards for i in s.indicators},
        "environment": {g.id for g in table2().grounds}
        | {r.id for r in table2().equipment_rules}
        | {limit.id for s in table2().standards for limit in s.limits},
    }.items():
        rules = {e.code for e in events[dimension].named() if e.entry is EntryKind.RULE}
        assert rules == codes, dimension


def test_each_published_catalogue_fits_in_one_event() -> None:
    for dimension, event in published().items():
        size = len(event.model_dump_json().encode())
        assert size < MAX_EVENT_BYTES / 2, (dimension, size)


def test_before_the_names_arrive_energy_and_environment_show_their_codes() -> None:
    energy_named = exit_names(energy_exit(), Catalogues())
    assert energy_named.item.zh == ENERGY_CODE and energy_named.basis.zh == ENERGY_CODE
    environment_named = exit_names(
        exit_row(dimension="environment", item="1# 窑", rule="G-no-permit"), Catalogues()
    )
    assert environment_named.basis.zh == "G-no-permit"
