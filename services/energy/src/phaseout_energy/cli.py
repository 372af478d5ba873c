"""`phaseout assess energy`: judge one reading against its Table 1 limit, recording nothing."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError

from phaseout_energy.domain.assess import assess_measurement
from phaseout_energy.domain.catalogue import Catalogue, load_catalogue
from phaseout_shared.domain.errors import DomainError
from phaseout_shared.reference import Industry

OPTION_OF = {"indicator_id": "indicator", "measured_value": "value"}
"""The domain's field names as the options the user typed."""


def assess(
    industry: Annotated[str, typer.Option(help="Industry code, e.g. electrolytic_aluminium")],
    indicator: Annotated[
        str | None, typer.Option(help="Catalogue indicator, e.g. gb21346.aluminium_liquid_ac_power")
    ] = None,
    value: Annotated[str | None, typer.Option(help="Measured unit-product consumption")] = None,
    unit: Annotated[str | None, typer.Option(help="Unit of the value, e.g. kWh/t")] = None,
    new_plant: Annotated[bool, typer.Option(help="Judge by the limit for new plants")] = False,
    catalogue: Annotated[
        Path | None,
        typer.Option(
            help="A catalogue version as JSON (GET /v1/catalogue/versions/N); "
            "default: the shipped version 1"
        ),
    ] = None,
) -> None:
    """Print the verdict as one JSON object; exit 2 naming the field on invalid input.

    Dyeing and lead-acid batteries need no reading: their answer is not_applicable.
    """
    try:
        verdict = assess_measurement(
            _industry(industry),
            indicator,
            None if value is None else _value(value),
            unit,
            _catalogue(catalogue),
            new_plant=new_plant,
        )
    except DomainError as exc:
        field = exc.field or "value"
        _refuse(OPTION_OF.get(field, field), exc.reason)
    typer.echo(verdict.model_dump_json())


def _industry(code: str) -> Industry:
    try:
        return Industry(code)
    except ValueError:
        _refuse("industry", f"unknown industry {code!r}; one of: {', '.join(Industry)}")


def _value(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        _refuse("value", f"not a number: {text!r}")


def _catalogue(path: Path | None) -> Catalogue:
    if path is None:
        return load_catalogue()
    try:
        return Catalogue.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as exc:
        _refuse("catalogue", f"not a catalogue version: {exc}")


def _refuse(field: str, reason: str) -> NoReturn:
    typer.echo(
        json.dumps({"error": {"field": field, "reason": reason}}, ensure_ascii=False), err=True
    )
    raise typer.Exit(2)
