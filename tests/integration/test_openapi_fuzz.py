"""Property tests of every service's OpenAPI: whatever a client sends, no 500 and no answer
outside the documented schema.

Schemathesis generates the requests of every operation from each app's own OpenAPI (valid
and invalid ones: huge numbers, NUL bytes and other odd characters, missing fields), with a
city officer's token of an owning agency so that writes get past authorisation. The requests
go to the in-process apps of the `platform` fixture (real PostgreSQL and Kafka), and each
answer is checked by schemathesis: not a server error, and conforming to the response schema
of its status code. Generation is derandomised and bounded so the whole run stays short.

Whatever the generator happens to draw, each operation is also sent once with a NUL character
and once with astral-plane characters (outside the Basic Multilingual Plane) in every string
of its path, its query and its body.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from conftest import Platform
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.core.failures import FailureGroup

from phaseout_shared.reference import CITY_BUREAU, OWNERS, Dimension

pytestmark = pytest.mark.integration

SPIKES = {"NUL": "\x00", "astral": "\U0001d4b3\U00020000\U0001f600"}
"""Characters put into every string of one case per operation: NUL (which PostgreSQL cannot
store) and astral-plane characters (four bytes in UTF-8; surrogate pairs in JSON's escapes)."""

EXAMPLES = 4
"""Cases per operation: with ~190 operations this keeps the fuzz to well under a minute."""


def owner_of(service: str) -> str:
    """A city officer's agency that owns the service's writes (the city bureau's when it is
    one of them)."""
    if service == "aggregator":
        return CITY_BUREAU.value
    owners = OWNERS[Dimension(service)]
    return CITY_BUREAU.value if CITY_BUREAU in owners else sorted(owners)[0]


def generated_cases(app_schema: dict[str, Any]) -> list[schemathesis.Case]:
    """A bounded, reproducible set of cases for every operation of the schema."""
    schema = schemathesis.openapi.from_dict(app_schema)
    cases: list[schemathesis.Case] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def collect(case: schemathesis.Case) -> None:
            cases.append(case)

        collect()
    return cases


def spiked(value: Any, spike: str) -> Any:
    """The value with `spike` inside every string of it."""
    if isinstance(value, str):
        return f"{value[:1]}{spike}{value[1:]}"
    if isinstance(value, list):
        return [spiked(v, spike) for v in value]
    if isinstance(value, dict):
        return {k: spiked(v, spike) for k, v in value.items()}
    return value


def with_spikes(cases: list[schemathesis.Case]) -> list[schemathesis.Case]:
    """The cases, and for the first case of each operation one copy per spike."""
    firsts = {(c.method, c.path): c for c in reversed(cases)}.values()
    extra = []
    for case in firsts:
        for spike in SPIKES.values():
            copy = case.derive(query=spiked(case.query, spike))
            # path parameters are drawn already percent-encoded: so is their spike
            copy.path_parameters = spiked(case.path_parameters, quote(spike, safe=""))
            if isinstance(case.body, dict | list | str):
                copy.body = spiked(case.body, spike)
            extra.append(copy)
    return cases + extra


async def send(http: httpx.AsyncClient, case: schemathesis.Case, token: str) -> httpx.Response:
    kwargs = case.as_transport_kwargs(
        base_url=str(http.base_url).rstrip("/"), headers={"Authorization": f"Bearer {token}"}
    )
    kwargs.pop("cookies", None)
    return await http.request(**kwargs)


def failures_of(case: schemathesis.Case, response: httpx.Response) -> list[str]:
    try:
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    except FailureGroup as group:
        return [
            f"{case.method} {case.formatted_path}: {f.title}: {f.message}" for f in group.exceptions
        ]
    except AssertionError as exc:
        return [f"{case.method} {case.formatted_path}: {exc}"]
    return []


@pytest.mark.parametrize(
    "service", ["energy", "environment", "quality", "safety", "technology", "aggregator"]
)
async def test_no_500_and_no_answer_outside_the_schema(platform: Platform, service: str) -> None:
    # an exception in the app is answered as a 500 here, and reported with the others
    transport = httpx.ASGITransport(app=platform.apps[service], raise_app_exceptions=False)
    http = httpx.AsyncClient(transport=transport, base_url=f"http://{service}")
    token = platform.stack.token(owner_of(service))
    rule = None
    if service == "aggregator":  # the fuzz may set the city's rule: put it back afterwards
        rule = (
            await http.get("/v1/oversight-rule", headers={"Authorization": f"Bearer {token}"})
        ).json()
    cases = with_spikes(generated_cases(platform.apps[service].openapi()))
    assert cases
    found: list[str] = []
    try:
        for case in cases:
            found += failures_of(case, await send(http, case, token))
    finally:
        await http.aclose()
        if rule is not None:
            await platform.clients[service].put(
                "/v1/oversight-rule", json=rule, headers={"Authorization": f"Bearer {token}"}
            )
    assert not found, f"{len(found)} failures:\n" + "\n".join(sorted(set(found))[:40])
