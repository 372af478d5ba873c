"""Wiring of the quality service: its spec, its app, its entry point."""

from fastapi import FastAPI

from phaseout_shared.agency import agency_spec, app_of, serve
from phaseout_shared.reference import Dimension

DESCRIPTION = "Product quality (质量): samr"
SPEC = agency_spec(Dimension.QUALITY, description=DESCRIPTION)


def create() -> FastAPI:
    return app_of(SPEC)


def run() -> None:
    serve(SPEC)
