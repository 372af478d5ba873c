"""The catalogues a service ships beside its code: Table 1's limits, Tables 2 to 5 of the plan.

Each is a JSON file read into the service's frozen `Catalogue` model, which checks itself as it
loads, so a broken file is refused when the service first reads it, not at the first request.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

C = TypeVar("C", bound=BaseModel)


def read_catalogue(model: type[C], path: Path) -> C:
    """Read and check a catalogue file."""
    return model.model_validate_json(path.read_text(encoding="utf-8"))


def shipped_catalogue(model: type[C], path: Path) -> Callable[[], C]:
    """The catalogue a service ships, read and checked once, on first use."""

    @cache
    def shipped() -> C:
        return read_catalogue(model, path)

    return shipped
