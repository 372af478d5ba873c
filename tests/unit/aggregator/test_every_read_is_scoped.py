"""Every read of the aggregator that holds an enterprise's facts takes the caller's scope (the
shared read check), so that a new view cannot forget it."""

from collections.abc import Iterator, Sequence
from typing import Any

from fastapi.routing import APIRoute

from phaseout_aggregator.api import deps
from phaseout_aggregator.main import SPEC

NO_ENTERPRISE_FACTS = {
    "/v1/oversight-rule": "the city bureau's rule for naming a district",
    "/v1/calendar": "who owes which report when, and what came in",
    "/v1/public/disclosures": "what the agencies made public, inside its window",
    "/v1/public/exit-lists/{document_id}": "a list's number, date, issuer and digest",
    "/dashboard": "static files",
    "/dashboard/reference.json": "the codes of VOCABULARY.md and the catalogues' kinds",
    "/auth/config": "whether the dashboard signs in through an identity provider",
    "/auth/login": "the way to the identity provider",
    "/auth/callback": "the way back from it",
    "/auth/token": "the signed-in user's own token",
    "/auth/logout": "the way out",
    "/dashboard/{path:path}": "static files",
    "/v1/public/dimensions/{dimension}/documents/{document_id}": (
        "a document's public verification (number, date, agency, hash): nothing of the enterprise"
    ),
}


def routes(routers: Sequence[Any]) -> Iterator[APIRoute]:
    for router in routers:
        for route in router.routes:
            included = getattr(route, "original_router", None)
            if included is not None:
                yield from routes([included])
            elif isinstance(route, APIRoute):
                yield route


def calls(dependant: Any) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from calls(dependency)


def test_every_read_takes_the_callers_scope() -> None:
    reads = [r for r in routes(SPEC.routers) if "GET" in r.methods]
    assert len(reads) > len(NO_ENTERPRISE_FACTS)
    unscoped = {
        r.path
        for r in reads
        if deps._scope not in set(calls(r.dependant)) and r.path not in NO_ENTERPRISE_FACTS
    }
    assert not unscoped, f"reads without the caller's scope: {sorted(unscoped)}"
