"""Wiring of the technology service: its spec, its app, its entry point."""

from fastapi import FastAPI

from phaseout_shared.agency import agency_spec, app_of, serve
from phaseout_shared.reference import Dimension

SPEC = agency_spec(
    Dimension.TECHNOLOGY,
    description="Process equipment (技术/工艺装备): miit; drc for market access",
)


def create() -> FastAPI:
    return app_of(SPEC)


def run() -> None:
    serve(SPEC)
