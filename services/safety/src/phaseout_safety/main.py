"""Wiring of the safety service: its spec, its app, its entry point."""

from fastapi import FastAPI

from phaseout_shared.agency import agency_spec, app_of, serve
from phaseout_shared.reference import Dimension

DESCRIPTION = "Work safety (安全): mem"
SPEC = agency_spec(Dimension.SAFETY, description=DESCRIPTION)


def create() -> FastAPI:
    return app_of(SPEC)


def run() -> None:
    serve(SPEC)
