"""`phaseout assess technology`: judge one item against Table 5, recording nothing."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from phaseout_shared.domain.errors import DomainError
from phaseout_technology.domain.evaluate import evaluate


def assess(
    industry: Annotated[str, typer.Option(help="Industry code, e.g. steel")],
    equipment: Annotated[str, typer.Option(help='The item as JSON: {"kind": …, …parameters}')],
) -> None:
    """Print the verdict as one JSON object; exit 2 naming the field on invalid input."""
    try:
        item = json.loads(equipment)
    except json.JSONDecodeError as exc:
        _refuse("equipment", f"not JSON: {exc}")
    if not isinstance(item, dict):
        _refuse("equipment", "must be a JSON object")
    try:
        verdict = evaluate(industry, item)
    except DomainError as exc:
        _refuse(exc.field or "equipment", exc.reason)
    typer.echo(verdict.model_dump_json())


def _refuse(field: str, reason: str) -> None:
    typer.echo(
        json.dumps({"error": {"field": field, "reason": reason}}, ensure_ascii=False), err=True
    )
    raise typer.Exit(2)
