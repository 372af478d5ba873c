"""The energy service's HTTP API: thin routes that translate and delegate to `app`."""

from __future__ import annotations

from fastapi import APIRouter

from phaseout_energy.api import cases, catalogue, inspection_lists, pricing

router = APIRouter()
for part in (catalogue.router, cases.router, pricing.router, inspection_lists.router):
    router.include_router(part)
