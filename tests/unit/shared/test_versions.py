"""Versions: the `ETag` answered, the `If-Match` held to, and how they are documented."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import Response

from phaseout_shared import versions
from phaseout_shared.domain.errors import PreconditionFailed
from phaseout_shared.versions import Versions, etag, matches


@pytest.mark.parametrize(
    ("if_match", "version", "holds"),
    [
        ('"3"', 3, True),
        ('"3"', 4, False),
        ("*", 9, True),
        ('"1", "4"', 4, True),
        ('W/"3"', 3, False),
        ("3", 3, False),
        ('"', 3, False),
        ("", 3, False),
    ],
)
def test_if_match_compares_strong_tags(if_match: str, version: int, holds: bool) -> None:
    assert matches(if_match, version) is holds


def test_the_target_is_checked_when_loaded_and_tagged_when_written() -> None:
    response = Response()
    ledger = Versions(target="cases", if_match=etag(2), response=response)
    ledger.load("enterprises", "X", 7)
    ledger.load("cases", "a", 2)
    assert response.headers["ETag"] == '"2"'
    ledger.load("cases", "b", 5)
    ledger.save("cases", "a", 3)
    assert response.headers["ETag"] == '"3"' and ledger.expected("cases", "b") == 5
    ledger.check_done()


def test_a_stale_if_match_fails_before_anything_is_decided() -> None:
    ledger = Versions(target="cases", if_match=etag(1))
    with pytest.raises(PreconditionFailed) as refused:
        ledger.load("cases", "a", 2)
    assert refused.value.field == "If-Match" and refused.value.rule == "concurrency.if_match"


def test_an_if_match_without_a_versioned_target_cannot_hold() -> None:
    with pytest.raises(PreconditionFailed):
        Versions(if_match="*").check_done()
    created = Versions(target="enterprises", if_match="*")
    created.save("enterprises", "X", 1)
    with pytest.raises(PreconditionFailed):
        created.check_done()
    Versions().check_done()


def test_a_created_target_answers_its_first_version() -> None:
    response = Response()
    ledger = Versions(target="enterprises", response=response)
    ledger.save("enterprises", "X", 1)
    assert response.headers["ETag"] == '"1"'


def test_the_openapi_documents_409_on_writes_and_412_where_if_match_is_taken() -> None:
    if_match = {"in": "header", "name": "If-Match", "schema": {"type": "string"}}
    schema: dict[str, Any] = {
        "paths": {
            "/v1/cases/{id}": {"get": {"parameters": [if_match], "responses": {"200": {}}}},
            "/v1/cases/{id}/act": {"post": {"parameters": [if_match], "responses": {"200": {}}}},
            "/v1/cases": {"post": {"responses": {"201": {}}}, "get": {"responses": {"200": {}}}},
        }
    }
    versions.document(schema, {"type": "object"})
    paths = schema["paths"]
    assert set(paths["/v1/cases/{id}"]["get"]["responses"]) == {"200", "412"}
    assert set(paths["/v1/cases/{id}/act"]["post"]["responses"]) == {"200", "409", "412"}
    assert "ETag" in paths["/v1/cases/{id}/act"]["post"]["responses"]["200"]["headers"]
    assert set(paths["/v1/cases"]["post"]["responses"]) == {"201", "409"}
    assert set(paths["/v1/cases"]["get"]["responses"]) == {"200"}
