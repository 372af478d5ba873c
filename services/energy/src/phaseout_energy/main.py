"""Wiring of the energy service: its spec, its app, its entry point."""

from pathlib import Path

from fastapi import FastAPI

from phaseout_energy.adapters.tables import METADATA
from phaseout_energy.api.routes import router
from phaseout_shared.agency import agency_spec, app_of, serve
from phaseout_shared.reference import Dimension

SPEC = agency_spec(
    Dimension.ENERGY,
    description="Energy supervision (工业能耗): the Table 1 limits catalogue, inspections and "
    "cases to rectification or exit, the year's inspection list (miit, drc); differential "
    "electricity pricing (drc, miit) and progressive water pricing (water)",
    versions=Path(__file__).parent / "migrations",
    metadata=METADATA,
    routers=[router],
)


def create() -> FastAPI:
    return app_of(SPEC)


def run() -> None:
    serve(SPEC)
