"""Released migrations are history: they call nothing that can change with the code."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
MIGRATIONS = sorted(
    [
        *ROOT.glob("services/*/src/*/migrations/*.py"),
        *ROOT.glob("shared/src/phaseout_shared/alembic/*/*.py"),
    ]
)
FROZEN = ROOT / "shared/src/phaseout_shared/alembic/frozen.py"
FROZEN_DIGEST = "934c4293a7e9f45df42cd2326412fac1e19818159b8dc9429e7622df154a60b9"
"""The frozen helpers' digest as released: a new table shape is a new helper, never an edit."""

ALLOWED = ("alembic", "sqlalchemy", "collections", "typing", "datetime", "__future__")


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


def test_there_are_migrations_to_check() -> None:
    assert len(MIGRATIONS) >= 10


@pytest.mark.parametrize("path", MIGRATIONS, ids=lambda p: p.stem)
def test_a_migration_imports_only_alembic_sqlalchemy_and_the_frozen_helpers(path: Path) -> None:
    foreign = {
        name
        for name in imported(path)
        if name.split(".")[0] not in ALLOWED and name != "phaseout_shared.alembic.frozen"
    }
    assert not foreign, f"{path.name} calls code that can change: {sorted(foreign)}"


def test_the_frozen_helpers_are_as_released() -> None:
    assert hashlib.sha256(FROZEN.read_bytes()).hexdigest() == FROZEN_DIGEST
