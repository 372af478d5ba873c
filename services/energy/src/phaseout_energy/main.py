"""Wiring of the energy service: its spec, its app, its entry point."""

from fastapi import FastAPI

from phaseout_shared.agency import agency_spec, app_of, serve
from phaseout_shared.reference import Dimension

SPEC = agency_spec(
    Dimension.ENERGY,
    description="Energy supervision (工业能耗): miit and drc; water for water pricing",
)


def create() -> FastAPI:
    return app_of(SPEC)


def run() -> None:
    serve(SPEC)
