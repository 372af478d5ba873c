"""Table 5 as data: it matches VOCABULARY.md and the plan's wording, and refuses bad data."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from phaseout_shared.domain.conditions import atoms
from phaseout_shared.reference import Industry
from phaseout_technology.domain.catalogue import CATALOGUE_FILE, Catalogue, table5

SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seed" / "000_643c4c816dc8f849.txt"

KINDS_BY_INDUSTRY = {
    "steel": {"blast_furnace", "converter", "electric_arc_furnace", "ditiaogang_furnace"},
    "cement": {"dry_hollow_kiln", "cement_mill", "shaft_kiln", "lepol_kiln", "wet_kiln"},
    "electrolytic_aluminium": {"prebaked_cell", "wet_process_aluminium_fluoride"},
    "flat_glass": {"flat_drawing_line"},
    "paper": {
        "chemical_wood_pulp_line",
        "non_wood_pulp_line",
        "waste_paper_pulp_line",
        "cultural_paper_line",
        "board_paper_line",
    },
    "dyeing": {
        "type74_equipment",
        "open_steam_washing_tank",
        "dyeing_machine",
        "batch_dyeing_machine",
        "dc_motor_line",
        "cast_iron_steamer",
        "cast_iron_washer",
        "bottomless_ager",
        "short_preheat_l_steamer",
    },
    "leather": {"tanning_line"},
    "lead_acid_battery": {
        "battery_product",
        "battery_composition",
        "open_lead_melting_pot",
        "manual_casting",
        "open_lead_powder_mill",
        "manual_powder_conveying",
        "open_paste_mixer",
        "manual_coating",
        "manual_plate_separating",
        "manual_acid_filling",
        "external_formation_welding",
        "manual_welding",
    },
    "copper_smelting": {"smelting_furnace", "acid_gas_cleaning", "untreated_flue_gas_smelting"},
    "lead_smelting": {
        "sintering_pot",
        "sintering_pan",
        "simple_blast_furnace",
        "sinter_blast_furnace_process",
        "sintering_machine",
    },
    "small_thermal_power": {"coal_unit"},
    "ceramics": {"tile_line", "sanitary_line", "kiln", "friction_brick_press"},
}
"""VOCABULARY.md's equipment-kind table."""

ROW_OF_INDUSTRY = {industry: row for row, industry in enumerate(KINDS_BY_INDUSTRY, start=1)}


def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    return data


def test_the_catalogue_is_versioned() -> None:
    assert table5().version == "2019.1"
    assert "表 5" in table5().title_zh


@pytest.mark.parametrize("industry", list(Industry))
def test_every_industry_has_exactly_the_kinds_of_the_vocabulary(industry: Industry) -> None:
    assert set(table5().kinds_of(industry)) == KINDS_BY_INDUSTRY[industry.value]


@pytest.mark.parametrize("kind", sorted(set().union(*KINDS_BY_INDUSTRY.values())))
def test_every_kind_is_judged_by_one_rule_of_its_industry(kind: str) -> None:
    rule = table5().rule_for(kind)
    spec = table5().kinds[kind]
    assert rule.industry == spec.industry
    assert rule.source.table == 5
    assert rule.source.row == ROW_OF_INDUSTRY[spec.industry.value]
    assert rule.id.startswith("T5-")


def test_rule_ids_are_unique() -> None:
    ids = [rule.id for rule in table5().rules]
    assert len(ids) == len(set(ids))


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def plan_text() -> str:
    if not SEED.exists():
        pytest.skip("the plan's text is not beside this checkout")
    return _compact(SEED.read_text(encoding="utf-8"))


@pytest.mark.parametrize("rule", table5().rules, ids=lambda r: r.id)
def test_each_rule_quotes_the_plan(rule: Any) -> None:
    plan = plan_text()
    assert _compact(rule.wording_zh) in plan
    for exemption in rule.exemptions:
        assert _compact(exemption.wording_zh) in plan
    assert rule.wording_en


def test_the_note_on_other_equipment_is_quoted() -> None:
    assert _compact(table5().note_zh) in plan_text()


@pytest.mark.parametrize(
    ("rule_id", "exemption"),
    [
        ("T5-steel-blast-furnace", "foundry-blast-furnace"),
        ("T5-steel-electric-arc-furnace", "high-alloy-electric-arc-furnace"),
        ("T5-cement-dry-hollow-kiln", "special-cement"),
        ("T5-dyeing-type74", "modified-type74"),
    ],
)
def test_the_plans_exemptions_are_data(rule_id: str, exemption: str) -> None:
    rule = next(r for r in table5().rules if r.id == rule_id)
    assert [e.id for e in rule.exemptions] == [exemption]


@pytest.mark.parametrize(
    ("rule_id", "terms"),
    [
        ("T5-steel-blast-furnace", ["及以下"]),
        ("T5-cement-mill", ["以下"]),
        ("T5-paper-cultural-paper", ["及以下", "以下"]),
        ("T5-paper-board-paper", ["及以下", "以下"]),
        ("T5-dyeing-aged-machines", ["超过", "超过"]),
        ("T5-dyeing-batch-dyeing", ["大于", "超过"]),
        ("T5-lead-acid-battery-cadmium-arsenic", ["高于", "高于"]),
    ],
)
def test_thresholds_keep_the_plans_word(rule_id: str, terms: list[str]) -> None:
    rule = next(r for r in table5().rules if r.id == rule_id)
    found = [a.term for a in atoms(rule.eliminate_when) if hasattr(a, "term")]
    assert found == terms
    for term in terms:
        assert term in rule.wording_zh


def test_numbers_are_required_and_booleans_default_to_false() -> None:
    for spec in table5().kinds.values():
        for param in spec.parameters.values():
            assert param.required is (param.type != "boolean")
            if param.type == "number":
                assert param.floor == 0


def test_only_ditiaogang_orders_measures_at_once() -> None:
    with_measures = [r.id for r in table5().rules if r.measures]
    assert with_measures == ["T5-steel-ditiaogang"]


def _rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    rule: dict[str, Any] = next(r for r in data["rules"] if r["id"] == rule_id)
    return rule


def _term_mismatch(data: dict[str, Any]) -> None:
    _rule(data, "T5-steel-converter")["eliminate_when"]["term"] = "以下"


def _unknown_param(data: dict[str, Any]) -> None:
    _rule(data, "T5-steel-converter")["eliminate_when"]["param"] = "volume_m3"


def _param_of_wrong_type(data: dict[str, Any]) -> None:
    _rule(data, "T5-steel-converter")["eliminate_when"] = {"param": "capacity_t", "is": True}


def _enum_value_not_allowed(data: dict[str, Any]) -> None:
    _rule(data, "T5-ceramics-kilns")["eliminate_when"]["in"].append("space_kiln")


def _kind_with_two_rules(data: dict[str, Any]) -> None:
    _rule(data, "T5-steel-converter")["kinds"].append("blast_furnace")


def _kind_without_rule(data: dict[str, Any]) -> None:
    data["rules"] = [r for r in data["rules"] if r["id"] != "T5-steel-converter"]


def _kind_of_another_industry(data: dict[str, Any]) -> None:
    _rule(data, "T5-cement-mill")["kinds"].append("converter")
    _rule(data, "T5-steel-converter")["kinds"].remove("converter")


def _unknown_kind(data: dict[str, Any]) -> None:
    _rule(data, "T5-steel-converter")["kinds"].append("time_machine")


def _required_boolean(data: dict[str, Any]) -> None:
    data["kinds"]["blast_furnace"]["parameters"]["foundry_qualified"]["required"] = True


def _enum_without_values(data: dict[str, Any]) -> None:
    data["kinds"]["kiln"]["parameters"]["type"]["allowed"] = []


def _duplicate_rule(data: dict[str, Any]) -> None:
    _rule(data, "T5-steel-blast-furnace")["id"] = "T5-steel-converter"


@pytest.mark.parametrize(
    "damage",
    [
        _term_mismatch,
        _unknown_param,
        _param_of_wrong_type,
        _enum_value_not_allowed,
        _kind_with_two_rules,
        _kind_without_rule,
        _kind_of_another_industry,
        _unknown_kind,
        _required_boolean,
        _enum_without_values,
        _duplicate_rule,
    ],
)
def test_an_inconsistent_catalogue_is_refused_when_loaded(damage: Any) -> None:
    data = raw()
    Catalogue.model_validate(data)
    damage(data)
    with pytest.raises(ValidationError):
        Catalogue.model_validate(data)
