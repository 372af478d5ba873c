"""Wiring of the environment service: its spec, its app, its entry point."""

from fastapi import FastAPI

from phaseout_shared.agency import agency_spec, app_of, serve
from phaseout_shared.reference import Dimension

DESCRIPTION = "Environment (环保): mee"
SPEC = agency_spec(Dimension.ENVIRONMENT, description=DESCRIPTION)


def create() -> FastAPI:
    return app_of(SPEC)


def run() -> None:
    serve(SPEC)
