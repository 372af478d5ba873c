"""JSON Schemas of the event types, generated from the models and checked in.

`shared/schemas/<type>.json` is the published contract. A change to a model that would break
an existing consumer — a property removed, a new required property, a property's type or
allowed values changed — is reported by `breaking_changes`, and a test fails on it. A new
event version (`.v2`) is the way to make such a change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from phaseout_shared.contracts import load_all
from phaseout_shared.contracts.base import registry

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "schemas"


def generate() -> dict[str, dict[str, Any]]:
    """The JSON Schema of every registered event type, by type name."""
    load_all()
    return {name: model.model_json_schema() for name, model in sorted(registry.items())}


def checked_in(folder: Path = SCHEMA_DIR) -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}


def write(folder: Path = SCHEMA_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in generate().items():
        path = folder / f"{name}.json"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
        written.append(path)
    return written


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return dict(root["$defs"][ref.split("/")[-1]])
    return schema


def _shape(schema: dict[str, Any], root: dict[str, Any]) -> Any:
    """What a consumer relies on in a property: its type, format and allowed values."""
    s = _resolve(schema, root)
    if "anyOf" in s:
        return sorted(json.dumps(_shape(x, root), sort_keys=True) for x in s["anyOf"])
    return {k: s.get(k) for k in ("type", "format", "enum", "const") if k in s} or {
        "properties": sorted(s.get("properties", {}))
    }


def breaking_changes(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[str]:
    """How `new` would break a consumer written against `old` (empty: compatible)."""
    problems = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name, prop in old_props.items():
        if name not in new_props:
            problems.append(f"{prefix}{name}: removed")
        elif _shape(prop, old) != _shape(new_props[name], new):
            problems.append(f"{prefix}{name}: type or allowed values changed")
    for name in set(new.get("required", [])) - set(old.get("required", [])):
        problems.append(f"{prefix}{name}: newly required")
    return problems
