"""`/dashboard/`: the city bureau's bilingual web dashboard, as static files.

The pages (built from `dashboard/` into `static/`, ECharts vendored, nothing fetched at run time)
call the aggregator's own JSON API with the user's bearer token, so the access rules are the
API's. This router serves the files and the reference names the pages show codes with; it reads
no data and needs no token.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse

from phaseout_shared.city_time import city_date
from phaseout_shared.deps import InjectedClock
from phaseout_shared.domain.errors import NotFound
from phaseout_shared.reference import NAMES_ZH, Agency, Dimension, District, Industry

STATIC = Path(__file__).resolve().parent.parent / "static"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
"""The pages hold a bearer token in sessionStorage: they run only their own scripts."""

NAMES_EN: dict[str, str] = {
    "miit": "Industry and Information Technology Bureau",
    "drc": "Development and Reform Commission",
    "mee": "Ecology and Environment Bureau",
    "samr": "Market Regulation Administration",
    "mem": "Emergency Management Bureau",
    "water": "Water Affairs Bureau",
    "futian": "Futian",
    "luohu": "Luohu",
    "nanshan": "Nanshan",
    "yantian": "Yantian",
    "baoan": "Bao'an",
    "longgang": "Longgang",
    "longhua": "Longhua",
    "pingshan": "Pingshan",
    "guangming": "Guangming",
    "dapeng": "Dapeng New District",
    "shenshan": "Shenzhen-Shanwei Cooperation Zone",
    "city": "City-wide",
    "steel": "Steel",
    "cement": "Cement",
    "electrolytic_aluminium": "Electrolytic aluminium",
    "flat_glass": "Flat glass",
    "paper": "Paper",
    "dyeing": "Printing and dyeing",
    "leather": "Leather",
    "lead_acid_battery": "Lead-acid batteries",
    "copper_smelting": "Copper smelting",
    "lead_smelting": "Lead smelting",
    "small_thermal_power": "Small thermal power",
    "ceramics": "Ceramics",
    "energy": "Energy",
    "environment": "Environment",
    "quality": "Quality",
    "safety": "Safety",
    "technology": "Technology",
}
"""English display names of the codes whose Chinese names are `reference.NAMES_ZH`."""

router = APIRouter(tags=["dashboard"], include_in_schema=False)


def reference() -> dict[str, Any]:
    """The codes the dashboard offers in its filters, and their names in both languages."""
    return {
        "districts": [d.value for d in District],
        "industries": [i.value for i in Industry],
        "dimensions": [d.value for d in Dimension],
        "agencies": [a.value for a in Agency],
        "names": {"zh": NAMES_ZH, "en": NAMES_EN},
    }


@router.get("/dashboard")
async def dashboard_root() -> RedirectResponse:
    return RedirectResponse("/dashboard/", status_code=308)


@router.get("/dashboard/reference.json")
async def dashboard_reference(now: InjectedClock) -> JSONResponse:
    """The codes, and the platform's clock: the dashboard's "today" is the city's date by it."""
    moment = now()
    clock = {"now": moment.isoformat(), "today": city_date(moment).isoformat()}
    return JSONResponse({**reference(), "clock": clock}, headers=SECURITY_HEADERS)


@router.get("/dashboard/{path:path}")
async def dashboard_file(path: str) -> FileResponse:
    """A file of the built dashboard; the folder itself is its index page."""
    file = (STATIC / (path or "index.html")).resolve()
    if not file.is_relative_to(STATIC) or not file.is_file():
        raise NotFound(f"no dashboard file {path!r}", field="path")
    media_type = mimetypes.guess_type(file.name)[0] or "text/plain; charset=utf-8"
    return FileResponse(file, media_type=media_type, headers=SECURITY_HEADERS)
