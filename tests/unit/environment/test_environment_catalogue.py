"""The environment catalogue as data: the plan's own words, every row, the cited figures."""

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from environment_examples import CATALOGUE
from pydantic import ValidationError

from phaseout_environment.domain.catalogue import CATALOGUE_FILE, Catalogue, RequirementKind
from phaseout_environment.domain.limits import LimitStatus
from phaseout_shared.contracts.environment import Basin, ViolationKind
from phaseout_shared.reference import Industry

SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seed" / "000_643c4c816dc8f849.txt"
PLAN = re.sub(r"\s+", "", SEED.read_text(encoding="utf-8")) if SEED.exists() else None

TABLE_2 = {
    "steel": {
        1: "small_project_enforcement",
        2: "special_emission_limits",
        3: "equipment_ban",
    },
    "cement": {1: "special_emission_limits", 2: "equipment_ban"},
    "electrolytic_aluminium": {1: "pending_provincial_standard", 2: "equipment_ban"},
    "flat_glass": {1: "pending_provincial_standard", 2: "equipment_ban"},
    "paper": {
        1: "small_project_enforcement",
        2: "basin_water_standard",
        3: "coal_boiler_elimination",
    },
    "dyeing": {
        1: "small_project_enforcement",
        2: "basin_water_standard",
        3: "coal_boiler_elimination",
    },
    "leather": {1: "small_project_enforcement", 2: "coal_boiler_elimination"},
    "lead_acid_battery": {1: "discharge_standard", 2: "equipment_ban"},
    "copper_smelting": {1: "pending_provincial_standard", 2: "equipment_ban"},
    "lead_smelting": {1: "pending_provincial_standard", 2: "equipment_ban"},
    "small_thermal_power": {None: "ultra_low_emission"},
    "ceramics": {1: "pending_provincial_standard", 2: "coal_to_gas"},
}
"""Table 2 of the plan: each row's items, by the kind of requirement."""

SHIPPED = {
    "gb28662.sintering.particulates": (Decimal(40), "mg/m³", "鄂州"),
    "gb28662.sintering.so2": (Decimal(180), "mg/m³", "鄂州"),
    "gb4915.kiln.particulates": (Decimal(20), "mg/m³", "GB 4915-2013"),
    "gb4915.kiln.so2": (Decimal(100), "mg/m³", "GB 4915-2013"),
    "gb4915.kiln.nox": (Decimal(320), "mg/m³", "GB 4915-2013"),
    "ultra_low.coal_unit.particulates": (Decimal(10), "mg/m³", "煤电节能减排升级与改造行动计划"),
    "ultra_low.coal_unit.so2": (Decimal(35), "mg/m³", "煤电节能减排升级与改造行动计划"),
    "ultra_low.coal_unit.nox": (Decimal(50), "mg/m³", "煤电节能减排升级与改造行动计划"),
}
"""Every figure shipped, with the words its source is recognised by."""


def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    return data


def in_the_plan(text: str) -> bool:
    if PLAN is None:
        pytest.skip("the plan's text is not beside this checkout")
    return all(re.sub(r"\s+", "", part) in PLAN for part in text.split("…"))


def test_the_catalogue_is_version_1_of_the_2019_plan() -> None:
    assert CATALOGUE.version == 1 and CATALOGUE.label == "1"
    assert "表 2" in CATALOGUE.title_zh and "76 号" in CATALOGUE.document


@pytest.mark.parametrize("industry", list(Industry))
def test_every_row_of_table_2_is_in_the_catalogue(industry: Industry) -> None:
    rows = [r for r in CATALOGUE.requirements_for(industry) if r.source.table == 2]
    found = {r.source.item: r.kind.value for r in rows}
    assert found == TABLE_2[industry.value]
    assert {r.source.row for r in rows} == {list(TABLE_2).index(industry.value) + 1}


@pytest.mark.parametrize(
    "text",
    [r.wording_zh for r in CATALOGUE.requirements]
    + [g.wording_zh for g in CATALOGUE.grounds]
    + [r.wording_zh for r in CATALOGUE.equipment_rules],
)
def test_every_wording_is_the_plans_own(text: str) -> None:
    assert in_the_plan(text), text


@pytest.mark.parametrize(
    ("section", "kind"),
    [
        ("二（二）1", RequirementKind.KEY_SUPERVISION_LIST),
        ("二（二）2", RequirementKind.COAL_BOILER_CONVERSION),
        ("二（二）3", RequirementKind.ONLINE_MONITORING),
        ("二（二）3", RequirementKind.DISCHARGE_PERMITS),
        ("二（二）3", RequirementKind.SANCTIONS),
    ],
)
def test_section_two_two_applies_to_all_twelve_industries(
    section: str, kind: RequirementKind
) -> None:
    (row,) = [r for r in CATALOGUE.requirements if r.kind is kind]
    assert row.source.section == section and set(row.industries) == set(Industry)


@pytest.mark.parametrize("violation", list(ViolationKind))
def test_every_ground_of_a_case_cites_the_plan(violation: ViolationKind) -> None:
    ground = CATALOGUE.ground(violation)
    assert ground.requirements and all(CATALOGUE.requirement(r) for r in ground.requirements)


@pytest.mark.parametrize("limit_id", list(SHIPPED))
def test_every_shipped_figure_has_its_source(limit_id: str) -> None:
    found = CATALOGUE.find_limit(limit_id)
    assert found is not None
    _, limit = found
    figure, unit, cited = SHIPPED[limit_id]
    assert (limit.limit, limit.unit, limit.status) == (figure, unit, LimitStatus.LOADED)
    assert limit.source is not None and limit.source.url and limit.source.excerpt
    assert cited in limit.source.document + limit.source.excerpt
    assert str(figure) in limit.source.excerpt


def test_no_other_figure_is_shipped_and_the_rest_await_mee() -> None:
    rows = CATALOGUE.listing()
    assert {r.limit_id for r in rows if r.status is LimitStatus.LOADED} == set(SHIPPED)
    awaiting = CATALOGUE.listing(status=LimitStatus.AWAITING_AGENCY)
    assert awaiting and all(r.limit is None and r.source is None for r in awaiting)
    assert len(awaiting) + len(SHIPPED) == len(rows)


@pytest.mark.parametrize(
    ("industry", "standards"),
    [
        (Industry.STEEL, {"GB 28662-2012", "GB 28663-2012", "GB 28664-2012", "GB 28665-2012"}),
        (Industry.CEMENT, {"GB 4915-2013"}),
        (Industry.PAPER, {"DB 44/2130-2018"}),
        (Industry.DYEING, {"DB 44/2130-2018"}),
        (Industry.LEAD_ACID_BATTERY, {"GB 30484-2013"}),
        (Industry.SMALL_THERMAL_POWER, {None}),
    ],
)
def test_the_standards_table_2_names_for_each_industry(
    industry: Industry, standards: set[str | None]
) -> None:
    assert {s.code for s in CATALOGUE.standards_for(industry)} == standards


def test_the_special_limits_apply_to_existing_steel_and_cement_from_2019() -> None:
    for industry in (Industry.STEEL, Industry.CEMENT):
        for standard in CATALOGUE.standards_for(industry):
            assert str(standard.effective_from) == "2019-01-01"
            assert standard.dates_source is not None
            assert "自2019年1月1日起" in (standard.dates_source.excerpt or "")


def test_the_basin_standards_cover_the_three_rivers_for_paper_and_dyeing() -> None:
    basins = {b for s in CATALOGUE.standards if s.basins for b in s.basins}
    assert basins == set(Basin)
    for standard in (s for s in CATALOGUE.standards if s.basins):
        assert set(standard.industries) == {Industry.PAPER, Industry.DYEING}
        assert all(limit.unit == "mg/L" for limit in standard.limits)


@pytest.mark.parametrize(
    "industry",
    [
        Industry.ELECTROLYTIC_ALUMINIUM,
        Industry.COPPER_SMELTING,
        Industry.LEAD_SMELTING,
        Industry.FLAT_GLASS,
        Industry.CERAMICS,
    ],
)
def test_awaited_provincial_standards_have_no_limits_yet(industry: Industry) -> None:
    (standard,) = CATALOGUE.standards_for(industry)
    assert standard.pending_publication and not standard.limits and standard.code is None
    assert "印发后遵照执行" in CATALOGUE.requirement(standard.requirements[0]).wording_zh


def broken(path: str, value: Any) -> dict[str, Any]:
    data = raw()
    *parents, last = path.split(".")
    target: Any = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        ("standards.0.limits.0.unit", "mg/L", "air limits are in mg/m³"),
        ("standards.0.limits.0.source", None, "a figure needs its source"),
        ("standards.0.limits.2.limit", 300, "loaded if and only if"),
        ("standards.1.id", "gb28662-2012-special", "appears twice"),
        ("standards.0.requirements", ["T2-nowhere"], "no requirement T2-nowhere"),
        ("equipment_rules.3.industries", ["paper", "steel"], "has two rules"),
        ("equipment_rules.0.when.any.1.in", ["tiny"], "not all allowed"),
        ("equipment_rules.0.when.any.0.all.1.op", "le", "is read as lt"),
        ("grounds.0.violation", "solid_waste", "needs one ground"),
        ("standards.9.limits", [{**raw()["standards"][0]["limits"][2], "id": "x"}], "pending"),
    ],
)
def test_a_catalogue_that_contradicts_itself_is_refused(
    path: str, value: Any, problem: str
) -> None:
    with pytest.raises(ValidationError, match=problem):
        Catalogue.model_validate(broken(path, value))


def test_the_shipped_file_is_what_loads() -> None:
    assert Catalogue.model_validate(raw()) == CATALOGUE
