"""`phaseout catalogue technology` and `phaseout assess technology`: names accepted wherever
codes are, both languages shown, the verdict in words on request."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from phaseout_cli.main import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_catalogue_lists_kinds_and_parameters_in_both_languages() -> None:
    code, out, _ = run("catalogue", "technology", "--industry", "钢铁")
    assert code == 0
    assert "炼铁高炉 | iron-making blast furnace  [blast_furnace]" in out
    assert "volume_m3 (m³)  数值 number  必填 required" in out
    assert "预焙槽" not in out, "only the industry asked for"


def test_the_catalogue_as_json_names_every_kind() -> None:
    code, out, _ = run("catalogue", "technology", "--json")
    listed = json.loads(out)
    assert code == 0 and listed["version"] == "2019.1"
    furnace = listed["kinds"]["blast_furnace"]
    assert furnace["name_zh"] == "炼铁高炉" and furnace["industry_zh"] == "钢铁"
    assert furnace["parameters"]["volume_m3"]["unit"] == "m³"
    assert all(k["name_zh"] and k["name_en"] for k in listed["kinds"].values())


def test_an_unknown_industry_is_refused_naming_the_accepted_ones() -> None:
    code, _, err = run("catalogue", "technology", "--industry", "铁")
    assert code == 2
    assert json.loads(err)["error"]["field"] == "industry" and "钢铁" in err


def test_chinese_names_are_accepted_and_the_verdict_is_told_in_chinese() -> None:
    item = json.dumps({"kind": "炼铁高炉", "volume_m3": 400}, ensure_ascii=False)
    code, out, _ = run("assess", "technology", "--industry", "钢铁", "--equipment", item)
    verdict = json.loads(out)
    assert code == 0 and verdict["verdict"] == "eliminate" and verdict["kind"] == "blast_furnace"
    code, out, _ = run(
        "assess", "technology", "--industry", "钢铁", "--equipment", item, "--lang", "zh"
    )
    assert code == 0 and out.startswith(
        "钢铁 · 炼铁高炉：淘汰\n依据：淘汰 400 立方米及以下炼铁高炉"
    )
    assert "表 5 第 1 行第（1）项，目录 2019.1 版" in out
    code, out, _ = run(
        "assess", "technology", "--industry", "Steel", "--equipment", item, "--lang", "en"
    )
    assert code == 0 and out.startswith("Steel · iron-making blast furnace: eliminate")


def test_a_kind_of_another_industry_is_still_refused_by_its_field() -> None:
    item = json.dumps({"kind": "预焙槽", "current_ka": 100}, ensure_ascii=False)
    code, _, err = run("assess", "technology", "--industry", "钢铁", "--equipment", item)
    assert code == 2 and json.loads(err)["error"]["field"] == "equipment.kind"
