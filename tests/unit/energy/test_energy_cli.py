"""`phaseout assess energy`: one JSON object and exit 0, or the field at fault and exit 2."""

import json
from pathlib import Path

import pytest
from energy_examples import ALUMINIUM, CATALOGUE
from typer.testing import CliRunner

from phaseout_cli.main import app

runner = CliRunner()
UNIT = ["--unit", "kWh/t"]
READING = ["--indicator", ALUMINIUM, "--value", "13800", *UNIT]


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["assess", "energy", *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_reading_over_the_limit() -> None:
    code, out, _ = run("--industry", "electrolytic_aluminium", *READING)
    verdict = json.loads(out)
    assert code == 0 and verdict["verdict"] == "over_limit" and verdict["limit"] == "13700"
    assert verdict["catalogue_version"] == 1 and "GB 21346-2013" in verdict["basis"]


def test_the_entry_value_for_new_plants() -> None:
    code, out, _ = run("--industry", "electrolytic_aluminium", *READING, "--new-plant")
    assert code == 0 and json.loads(out)["limit"] == "12750"


def test_dyeing_is_not_applicable_without_a_reading() -> None:
    code, out, _ = run("--industry", "dyeing")
    assert code == 0 and json.loads(out)["verdict"] == "not_applicable"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--industry", "tin", *READING], "industry"),
        (["--industry", "cement", "--value", "1", "--unit", "kgce/t"], "indicator"),
        (["--industry", "electrolytic_aluminium", *READING[:2], "--value", "x"], "value"),
        (["--industry", "electrolytic_aluminium", *READING[:2], "--value", "NaN", *UNIT], "value"),
        (["--industry", "electrolytic_aluminium", *READING[:4], "--unit", "t"], "unit"),
        (["--industry", "cement", *READING], "indicator"),
    ],
)
def test_bad_input_names_the_option(args: list[str], field: str) -> None:
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert json.loads(err)["error"]["field"] == field


def test_a_catalogue_version_from_the_api(tmp_path: Path) -> None:
    amended = CATALOGUE.model_copy(update={"version": 7})
    path = tmp_path / "v7.json"
    path.write_text(amended.model_dump_json())
    code, out, _ = run("--industry", "electrolytic_aluminium", *READING, "--catalogue", str(path))
    assert code == 0 and json.loads(out)["catalogue_version"] == 7
    path.write_text("{}")
    code, _, err = run("--industry", "dyeing", "--catalogue", str(path))
    assert code == 2 and json.loads(err)["error"]["field"] == "catalogue"
