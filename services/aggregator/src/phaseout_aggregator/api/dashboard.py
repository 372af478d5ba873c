"""`/dashboard/`: the city bureau's bilingual web dashboard, as static files.

The pages (built from `dashboard/` into `static/`, ECharts vendored, nothing fetched at run time)
call the aggregator's own JSON API with the user's bearer token, so the access rules are the
API's. This router serves the files and the reference names the pages show codes with (the
city's codes, and the equipment kinds the aggregator learnt from the catalogues' events); it needs
no token.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse

from phaseout_aggregator.api.deps import Session
from phaseout_aggregator.app.names import catalogues
from phaseout_shared.city_time import city_date
from phaseout_shared.deps import InjectedClock
from phaseout_shared.domain.errors import NotFound
from phaseout_shared.evidence import MEDIA_TYPES
from phaseout_shared.reference import (
    NAMES_EN,
    NAMES_ZH,
    STATUS_NAMES,
    UNITS,
    Agency,
    Dimension,
    District,
    Industry,
)
from phaseout_shared.writes import LEADS

STATIC = Path(__file__).resolve().parent.parent / "static"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; frame-src 'self' blob:; connect-src 'self'; "
        "object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
"""The pages hold a bearer token in sessionStorage: they run only their own scripts."""

router = APIRouter(tags=["dashboard"], include_in_schema=False)


def reference() -> dict[str, Any]:
    """The codes the dashboard offers in its filters, and their names in both languages: the
    city's codes, capacity units, exit statuses, and which agencies lead each dimension."""
    return {
        "districts": [d.value for d in District],
        "industries": [i.value for i in Industry],
        "dimensions": [d.value for d in Dimension],
        "agencies": [a.value for a in Agency],
        "names": {"zh": NAMES_ZH, "en": NAMES_EN},
        "units": {code: {"zh": zh, "en": en} for code, (zh, en) in UNITS.items()},
        "statuses": {code: {"zh": zh, "en": en} for code, (zh, en) in STATUS_NAMES.items()},
        "leads": {d.value: sorted(a.value for a in LEADS[d]) for d in Dimension},
    }


@router.get("/dashboard")
async def dashboard_root() -> RedirectResponse:
    return RedirectResponse("/dashboard/", status_code=308)


@router.get("/dashboard/reference.json")
async def dashboard_reference(
    request: Request, now: InjectedClock, session: Session
) -> JSONResponse:
    """The codes, the equipment kinds as the catalogues' keepers named them, the platform's
    clock (the dashboard's "today" is the city's date by it) and what an evidence file may be:
    its types and the largest size the aggregator relays (the agency services' own limit is set
    alike; theirs is the one that holds)."""
    moment = now()
    clock = {"now": moment.isoformat(), "today": city_date(moment).isoformat()}
    known = await catalogues(session)
    kinds: dict[str, dict[str, str]] = {}
    for (_, entry, code), versions in sorted(known.entries.items()):
        if entry == "kind":
            zh, en, _ = versions[max(versions)]
            kinds[code] = {"zh": zh, "en": en}
    files = {
        "max_bytes": request.app.state.settings.evidence_max_bytes,
        "media_types": list(MEDIA_TYPES),
    }
    body = {**reference(), "kinds": kinds, "clock": clock, "evidence": files}
    return JSONResponse(body, headers=SECURITY_HEADERS)


@router.get("/dashboard/{path:path}")
async def dashboard_file(path: str) -> FileResponse:
    """A file of the built dashboard; the folder itself is its index page."""
    file = (STATIC / (path or "index.html")).resolve()
    if not file.is_relative_to(STATIC) or not file.is_file():
        raise NotFound(f"no dashboard file {path!r}", field="path")
    media_type = mimetypes.guess_type(file.name)[0] or "text/plain; charset=utf-8"
    return FileResponse(file, media_type=media_type, headers=SECURITY_HEADERS)
