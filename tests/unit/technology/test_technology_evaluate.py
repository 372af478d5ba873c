"""Every Table 5 row at its threshold, just inside and just outside; exemptions; refusals."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, cast

import pytest

from phaseout_shared.contracts.technology import EquipmentSurveyed, Measure, Outcome
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.reference import District
from phaseout_technology.domain.evaluate import evaluate

ELIMINATE, ALLOWED = Outcome.ELIMINATE, Outcome.ALLOWED

READINGS = {
    "le": "及以下 (at or below, ≤)",
    "lt": "以下 (below, <)",
    "超过": "超过 (over, >)",
    "高于": "高于 (above, >)",
    "大于": "大于 (greater than, >)",
}

# industry, kind, the other parameters (on their eliminated side), parameter, threshold, reading
THRESHOLDS: list[tuple[str, str, dict[str, Any], str, str, str, str]] = [
    ("steel", "blast_furnace", {}, "volume_m3", "400", "le", "T5-steel-blast-furnace"),
    ("steel", "converter", {}, "capacity_t", "30", "le", "T5-steel-converter"),
    (
        "steel",
        "electric_arc_furnace",
        {},
        "capacity_t",
        "30",
        "le",
        "T5-steel-electric-arc-furnace",
    ),
    ("cement", "cement_mill", {}, "diameter_m", "3", "lt", "T5-cement-mill"),
    (
        "electrolytic_aluminium",
        "prebaked_cell",
        {},
        "current_ka",
        "160",
        "lt",
        "T5-electrolytic-aluminium-prebaked-cell",
    ),
    (
        "paper",
        "chemical_wood_pulp_line",
        {},
        "capacity_t_per_year",
        "51000",
        "lt",
        "T5-paper-chemical-wood-pulp",
    ),
    (
        "paper",
        "non_wood_pulp_line",
        {},
        "capacity_t_per_year",
        "34000",
        "lt",
        "T5-paper-non-wood-pulp",
    ),
    (
        "paper",
        "waste_paper_pulp_line",
        {},
        "capacity_t_per_year",
        "10000",
        "le",
        "T5-paper-waste-paper-pulp",
    ),
    (
        "paper",
        "cultural_paper_line",
        {"speed_m_per_min": 100},
        "width_m",
        "1.76",
        "le",
        "T5-paper-cultural-paper",
    ),
    (
        "paper",
        "cultural_paper_line",
        {"width_m": 1.5},
        "speed_m_per_min",
        "120",
        "lt",
        "T5-paper-cultural-paper",
    ),
    (
        "paper",
        "board_paper_line",
        {"speed_m_per_min": 60},
        "width_m",
        "2",
        "le",
        "T5-paper-board-paper",
    ),
    (
        "paper",
        "board_paper_line",
        {"width_m": 1.8},
        "speed_m_per_min",
        "80",
        "lt",
        "T5-paper-board-paper",
    ),
    (
        "dyeing",
        "dyeing_machine",
        {"role": "setting", "origin": "domestic"},
        "age_years",
        "15",
        "超过",
        "T5-dyeing-aged-machines",
    ),
    (
        "dyeing",
        "dyeing_machine",
        {"role": "rotary_screen_printing", "origin": "imported"},
        "age_years",
        "20",
        "超过",
        "T5-dyeing-aged-machines",
    ),
    (
        "dyeing",
        "batch_dyeing_machine",
        {"fibre": "cotton", "age_years": 16},
        "liquor_ratio",
        "10",
        "大于",
        "T5-dyeing-batch-dyeing",
    ),
    (
        "dyeing",
        "batch_dyeing_machine",
        {"fibre": "chemical", "liquor_ratio": 12},
        "age_years",
        "15",
        "超过",
        "T5-dyeing-batch-dyeing",
    ),
    (
        "leather",
        "tanning_line",
        {"feed": "raw_hide"},
        "capacity_hides_per_year",
        "50000",
        "lt",
        "T5-leather-tanning-line",
    ),
    (
        "leather",
        "tanning_line",
        {"feed": "wet_blue"},
        "capacity_hides_per_year",
        "30000",
        "lt",
        "T5-leather-tanning-line",
    ),
    (
        "lead_acid_battery",
        "battery_composition",
        {"arsenic_pct": 0.05},
        "cadmium_pct",
        "0.002",
        "高于",
        "T5-lead-acid-battery-cadmium-arsenic",
    ),
    (
        "lead_acid_battery",
        "battery_composition",
        {"cadmium_pct": 0.001},
        "arsenic_pct",
        "0.1",
        "高于",
        "T5-lead-acid-battery-cadmium-arsenic",
    ),
    (
        "small_thermal_power",
        "coal_unit",
        {},
        "capacity_mw",
        "300",
        "lt",
        "T5-small-thermal-power-coal-unit",
    ),
    (
        "ceramics",
        "tile_line",
        {},
        "capacity_m2_per_year",
        "1000000",
        "lt",
        "T5-ceramics-tile-line",
    ),
    (
        "ceramics",
        "sanitary_line",
        {"grade": "low"},
        "capacity_pieces_per_year",
        "200000",
        "lt",
        "T5-ceramics-sanitary-line",
    ),
]


def _id(row: tuple[Any, ...]) -> str:
    return f"{row[1]}.{row[3]}"


def _offsets(reading: str, limit: Decimal) -> tuple[Decimal, Decimal]:
    """(just inside, just outside) the eliminated side of a threshold."""
    step = limit / 1000
    return (
        (limit + step, limit - step)
        if reading not in ("le", "lt")
        else (limit - step, limit + step)
    )


@pytest.mark.parametrize("row", THRESHOLDS, ids=_id)
def test_exactly_at_the_threshold_follows_the_plans_reading(row: tuple[Any, ...]) -> None:
    industry, kind, others, param, limit, reading, rule = row
    verdict = evaluate(industry, {"kind": kind, **others, param: Decimal(limit)})
    assert verdict.verdict is (ELIMINATE if reading == "le" else ALLOWED)
    assert verdict.rule == rule
    assert READINGS[reading] in verdict.reading
    assert f"{param} {limit} " in verdict.basis


@pytest.mark.parametrize("row", THRESHOLDS, ids=_id)
def test_at_the_threshold_as_json_numbers(row: tuple[Any, ...]) -> None:
    industry, kind, others, param, limit, reading, _ = row
    number = float(limit) if "." in limit else int(limit)
    verdict = evaluate(industry, {"kind": kind, **others, param: number})
    assert verdict.verdict is (ELIMINATE if reading == "le" else ALLOWED)


@pytest.mark.parametrize("row", THRESHOLDS, ids=_id)
def test_just_inside_the_threshold_is_eliminated(row: tuple[Any, ...]) -> None:
    industry, kind, others, param, limit, reading, rule = row
    inside, _ = _offsets(reading, Decimal(limit))
    verdict = evaluate(industry, {"kind": kind, **others, param: inside})
    assert verdict.verdict is ELIMINATE
    assert verdict.rule == rule
    assert READINGS[reading] in verdict.reading
    assert verdict.basis.startswith(param) or f"; {param}" in verdict.basis
    assert "eliminated by Table 5, row" in verdict.basis


@pytest.mark.parametrize("row", THRESHOLDS, ids=_id)
def test_just_outside_the_threshold_is_allowed(row: tuple[Any, ...]) -> None:
    industry, kind, others, param, limit, reading, rule = row
    _, outside = _offsets(reading, Decimal(limit))
    verdict = evaluate(industry, {"kind": kind, **others, param: outside})
    assert verdict.verdict is ALLOWED
    assert verdict.rule == rule
    assert READINGS[reading] in verdict.reading
    assert f"{param} {outside} is not" in verdict.basis
    assert "not eliminated by Table 5, row" in verdict.basis
    assert verdict.exemption is None


def test_the_basis_names_the_row_and_the_reading() -> None:
    verdict = evaluate("steel", {"kind": "blast_furnace", "volume_m3": 400})
    assert verdict.basis.startswith("volume_m3 400 ≤ 400 (及以下, at or below)")
    assert "eliminated by Table 5, row 1 (steel), item (1)" in verdict.basis
    assert verdict.catalogue_version == "2019.1"
    assert (verdict.kind, verdict.industry) == ("blast_furnace", "steel")


@pytest.mark.parametrize(
    ("industry", "item", "rule"),
    [
        ("paper", {"kind": "cultural_paper_line", "width_m": 1.76, "speed_m_per_min": 120}, "lt"),
        ("paper", {"kind": "board_paper_line", "width_m": 2.01, "speed_m_per_min": 10}, "le"),
    ],
)
def test_a_line_must_fail_both_limits(industry: str, item: dict[str, Any], rule: str) -> None:
    verdict = evaluate(industry, item)
    assert verdict.verdict is ALLOWED
    assert verdict.reading == READINGS[rule]


ALWAYS = [
    ("steel", "ditiaogang_furnace", "T5-steel-ditiaogang"),
    ("cement", "shaft_kiln", "T5-cement-backward-kilns"),
    ("cement", "lepol_kiln", "T5-cement-backward-kilns"),
    ("cement", "wet_kiln", "T5-cement-backward-kilns"),
    (
        "electrolytic_aluminium",
        "wet_process_aluminium_fluoride",
        "T5-electrolytic-aluminium-wet-fluoride",
    ),
    ("flat_glass", "flat_drawing_line", "T5-flat-glass-flat-drawing"),
    ("dyeing", "open_steam_washing_tank", "T5-dyeing-open-washing-tank"),
    ("dyeing", "dc_motor_line", "T5-dyeing-dc-motor-line"),
    ("dyeing", "cast_iron_steamer", "T5-dyeing-cast-iron-steaming"),
    ("dyeing", "cast_iron_washer", "T5-dyeing-cast-iron-steaming"),
    ("dyeing", "bottomless_ager", "T5-dyeing-cast-iron-steaming"),
    ("dyeing", "short_preheat_l_steamer", "T5-dyeing-cast-iron-steaming"),
    (
        "lead_acid_battery",
        "open_lead_melting_pot",
        "T5-lead-acid-battery-open-melting-manual-casting",
    ),
    ("lead_acid_battery", "manual_casting", "T5-lead-acid-battery-open-melting-manual-casting"),
    ("lead_acid_battery", "open_lead_powder_mill", "T5-lead-acid-battery-open-powder-mill"),
    ("lead_acid_battery", "manual_powder_conveying", "T5-lead-acid-battery-open-powder-mill"),
    ("lead_acid_battery", "open_paste_mixer", "T5-lead-acid-battery-open-paste-mixer"),
    ("lead_acid_battery", "manual_coating", "T5-lead-acid-battery-manual-processes"),
    ("lead_acid_battery", "manual_plate_separating", "T5-lead-acid-battery-manual-processes"),
    ("lead_acid_battery", "manual_acid_filling", "T5-lead-acid-battery-manual-processes"),
    ("lead_acid_battery", "external_formation_welding", "T5-lead-acid-battery-manual-processes"),
    ("lead_acid_battery", "manual_welding", "T5-lead-acid-battery-manual-processes"),
    ("copper_smelting", "untreated_flue_gas_smelting", "T5-copper-smelting-untreated-flue-gas"),
    ("lead_smelting", "sintering_pot", "T5-lead-smelting-sintering-pots"),
    ("lead_smelting", "sintering_pan", "T5-lead-smelting-sintering-pots"),
    ("lead_smelting", "simple_blast_furnace", "T5-lead-smelting-sintering-pots"),
    ("lead_smelting", "sinter_blast_furnace_process", "T5-lead-smelting-sinter-blast-furnace"),
    ("ceramics", "friction_brick_press", "T5-ceramics-friction-press"),
]


@pytest.mark.parametrize(("industry", "kind", "rule"), ALWAYS, ids=[k for _, k, _ in ALWAYS])
def test_always_kinds_are_always_eliminated(industry: str, kind: str, rule: str) -> None:
    verdict = evaluate(industry, {"kind": kind})
    assert verdict.verdict is ELIMINATE
    assert verdict.rule == rule
    assert verdict.reading == "一律 (always)"


def test_ditiaogang_orders_shutdown_dismantling_and_investigation() -> None:
    verdict = evaluate("steel", {"kind": "ditiaogang_furnace"})
    assert verdict.measures == (
        Measure.SHUT_DOWN_AT_ONCE,
        Measure.DISMANTLE_ONLY,
        Measure.INVESTIGATE,
    )
    assert evaluate("steel", {"kind": "converter", "capacity_t": 20}).measures == ()


CATEGORIES = [
    ("lead_acid_battery", "battery_product", "type", "open", ELIMINATE),
    ("lead_acid_battery", "battery_product", "type", "dry_charged", ELIMINATE),
    ("lead_acid_battery", "battery_product", "type", "other", ALLOWED),
    ("copper_smelting", "smelting_furnace", "type", "blast", ELIMINATE),
    ("copper_smelting", "smelting_furnace", "type", "electric", ELIMINATE),
    ("copper_smelting", "smelting_furnace", "type", "reverberatory", ELIMINATE),
    ("copper_smelting", "smelting_furnace", "type", "other", ALLOWED),
    ("copper_smelting", "acid_gas_cleaning", "method", "dry", ELIMINATE),
    ("copper_smelting", "acid_gas_cleaning", "method", "water_wash", ELIMINATE),
    ("copper_smelting", "acid_gas_cleaning", "method", "hot_concentrated_acid_wash", ELIMINATE),
    ("copper_smelting", "acid_gas_cleaning", "method", "other", ALLOWED),
    ("ceramics", "kiln", "type", "earth", ELIMINATE),
    ("ceramics", "kiln", "type", "down_draught", ELIMINATE),
    ("ceramics", "kiln", "type", "multi_hole", ELIMINATE),
    ("ceramics", "kiln", "type", "coal_open_flame_tunnel", ELIMINATE),
    ("ceramics", "kiln", "type", "muffle_tunnel", ELIMINATE),
    ("ceramics", "kiln", "type", "saggar_sanitary_tunnel", ELIMINATE),
    ("ceramics", "kiln", "type", "other", ALLOWED),
]


@pytest.mark.parametrize(
    ("industry", "kind", "param", "value", "outcome"),
    CATEGORIES,
    ids=[f"{k}.{v}" for _, k, _, v, _ in CATEGORIES],
)
def test_named_categories_are_eliminated(
    industry: str, kind: str, param: str, value: str, outcome: Outcome
) -> None:
    verdict = evaluate(industry, {"kind": kind, param: value})
    assert verdict.verdict is outcome
    assert verdict.reading == "属于 (one of)"


EXEMPTIONS = [
    ("steel", {"kind": "blast_furnace", "volume_m3": 400}, "foundry_qualified", "foundry"),
    ("steel", {"kind": "blast_furnace", "volume_m3": 120}, "foundry_qualified", "foundry"),
    ("steel", {"kind": "electric_arc_furnace", "capacity_t": 30}, "high_alloy", "high-alloy"),
    ("cement", {"kind": "dry_hollow_kiln"}, "special_cement", "special-cement"),
    ("dyeing", {"kind": "type74_equipment"}, "modified", "modified-type74"),
]


@pytest.mark.parametrize(
    ("industry", "item", "flag", "exemption"), EXEMPTIONS, ids=[e[2] for e in EXEMPTIONS]
)
def test_an_exemption_allows_what_the_row_would_eliminate(
    industry: str, item: dict[str, Any], flag: str, exemption: str
) -> None:
    eliminated = evaluate(industry, {**item, flag: False})
    assert eliminated.verdict is ELIMINATE
    assert f"not exempt ({flag} is false)" in eliminated.basis
    assert evaluate(industry, item) == eliminated
    exempt = evaluate(industry, {**item, flag: True})
    assert exempt.verdict is ALLOWED
    assert exempt.exemption is not None and exempt.exemption.startswith(exemption)
    assert exempt.reading == "除外 (exemption)"
    assert f"but {flag} is true" in exempt.basis
    assert "除外" in exempt.basis or "未经改造" in exempt.basis


@pytest.mark.parametrize(
    ("origin", "age", "outcome"),
    [
        ("domestic", 15, ALLOWED),
        ("domestic", 15.5, ELIMINATE),
        ("domestic", 20, ELIMINATE),
        ("imported", 16, ALLOWED),
        ("imported", 20, ALLOWED),
        ("imported", 20.5, ELIMINATE),
    ],
)
def test_imported_dyeing_machines_are_judged_at_twenty_years(
    origin: str, age: float, outcome: Outcome
) -> None:
    item = {"kind": "dyeing_machine", "role": "pretreatment", "origin": origin, "age_years": age}
    assert evaluate("dyeing", item).verdict is outcome


@pytest.mark.parametrize(
    ("acid_plant", "tail_gas_absorption", "outcome"),
    [
        (False, False, ELIMINATE),
        (True, False, ELIMINATE),
        (False, True, ELIMINATE),
        (True, True, ALLOWED),
    ],
)
def test_a_sintering_machine_needs_both_acid_plant_and_tail_gas_absorption(
    acid_plant: bool, tail_gas_absorption: bool, outcome: Outcome
) -> None:
    item = {
        "kind": "sintering_machine",
        "acid_plant": acid_plant,
        "tail_gas_absorption": tail_gas_absorption,
    }
    assert evaluate("lead_smelting", item).verdict is outcome


@pytest.mark.parametrize(
    ("industry", "item", "outcome"),
    [
        ("small_thermal_power", {"kind": "coal_unit", "capacity_mw": 200}, ELIMINATE),
        (
            "small_thermal_power",
            {"kind": "coal_unit", "capacity_mw": 200, "meets_standards": True},
            ALLOWED,
        ),
        (
            "ceramics",
            {"kind": "sanitary_line", "grade": "other", "capacity_pieces_per_year": 1000},
            ALLOWED,
        ),
        (
            "dyeing",
            {"kind": "batch_dyeing_machine", "fibre": "other", "liquor_ratio": 20, "age_years": 30},
            ALLOWED,
        ),
        (
            "leather",
            {"kind": "tanning_line", "feed": "wet_blue", "capacity_hides_per_year": 40000},
            ALLOWED,
        ),
        (
            "leather",
            {"kind": "tanning_line", "feed": "raw_hide", "capacity_hides_per_year": 40000},
            ELIMINATE,
        ),
    ],
)
def test_qualifiers_of_the_rows(industry: str, item: dict[str, Any], outcome: Outcome) -> None:
    assert evaluate(industry, item).verdict is outcome


BLAST = {"kind": "blast_furnace", "volume_m3": 300}

REFUSALS: list[tuple[str, str, object, str]] = [
    ("unknown kind", "steel", {"kind": "time_machine"}, "equipment.kind"),
    ("no kind", "steel", {"volume_m3": 300}, "equipment.kind"),
    ("kind not a string", "steel", {"kind": 7}, "equipment.kind"),
    ("kind of another industry", "cement", BLAST, "equipment.kind"),
    ("unknown industry", "textiles", BLAST, "industry"),
    ("not an object", "steel", ["blast_furnace"], "equipment"),
    ("missing number", "steel", {"kind": "blast_furnace"}, "equipment.volume_m3"),
    ("null number", "steel", {"kind": "blast_furnace", "volume_m3": None}, "equipment.volume_m3"),
    ("negative", "steel", {**BLAST, "volume_m3": -1}, "equipment.volume_m3"),
    ("negative decimal", "steel", {**BLAST, "volume_m3": Decimal("-0.1")}, "equipment.volume_m3"),
    ("bool as number", "steel", {**BLAST, "volume_m3": True}, "equipment.volume_m3"),
    ("false as number", "steel", {**BLAST, "volume_m3": False}, "equipment.volume_m3"),
    ("string as number", "steel", {**BLAST, "volume_m3": "400"}, "equipment.volume_m3"),
    ("nan", "steel", {**BLAST, "volume_m3": float("nan")}, "equipment.volume_m3"),
    ("infinity", "steel", {**BLAST, "volume_m3": float("inf")}, "equipment.volume_m3"),
    ("decimal nan", "steel", {**BLAST, "volume_m3": Decimal("NaN")}, "equipment.volume_m3"),
    ("list as number", "steel", {**BLAST, "volume_m3": [400]}, "equipment.volume_m3"),
    ("number as bool", "steel", {**BLAST, "foundry_qualified": 1}, "equipment.foundry_qualified"),
    (
        "string as bool",
        "steel",
        {**BLAST, "foundry_qualified": "true"},
        "equipment.foundry_qualified",
    ),
    ("unknown parameter", "steel", {**BLAST, "colour": "red"}, "equipment.colour"),
    (
        "parameter of an always kind",
        "steel",
        {"kind": "ditiaogang_furnace", "volume_m3": 5},
        "equipment.volume_m3",
    ),
    (
        "bad enum value",
        "dyeing",
        {"kind": "dyeing_machine", "role": "setting", "origin": "korean", "age_years": 3},
        "equipment.origin",
    ),
    (
        "enum as number",
        "ceramics",
        {"kind": "kiln", "type": 3},
        "equipment.type",
    ),
    ("missing enum", "ceramics", {"kind": "kiln"}, "equipment.type"),
    (
        "enum in the wrong case",
        "copper_smelting",
        {"kind": "smelting_furnace", "type": "Blast"},
        "equipment.type",
    ),
]


@pytest.mark.parametrize(
    ("industry", "item", "field"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_what_cannot_be_judged_is_refused_never_allowed(
    industry: str, item: object, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        evaluate(industry, cast(Mapping[str, object], item))
    assert refused.value.field == field
    assert refused.value.reason


def test_a_refusal_says_what_is_wrong() -> None:
    with pytest.raises(InvalidInput, match="equipment of steel, not of cement"):
        evaluate("cement", BLAST)
    with pytest.raises(InvalidInput, match="must be a number"):
        evaluate("steel", {**BLAST, "volume_m3": True})
    with pytest.raises(InvalidInput, match="must not be negative"):
        evaluate("steel", {**BLAST, "volume_m3": -5})
    with pytest.raises(InvalidInput, match="must be one of domestic, imported"):
        evaluate("dyeing", {"kind": "dyeing_machine", "role": "setting", "origin": "x"})


def test_a_verdict_becomes_the_survey_event() -> None:
    verdict = evaluate("steel", {"kind": "blast_furnace", "volume_m3": 380.5})
    event = verdict.surveyed(
        uscc="91440300708461136T",
        district=District.BAOAN,
        item_id="BF-2",
        effective_on=date(2019, 6, 3),
    )
    assert isinstance(event, EquipmentSurveyed)
    assert event.event_type == "phaseout.technology.equipment.surveyed.v1"
    assert event.verdict is ELIMINATE
    assert event.parameters == {"volume_m3": 380.5, "foundry_qualified": False}
    assert event.rule == "T5-steel-blast-furnace"
    assert event.model_dump(mode="json")["parameters"]["volume_m3"] == 380.5
