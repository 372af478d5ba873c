"""Every string, list and map of every request body of the six services has a documented limit
in the service's OpenAPI, and every operation documents the platform's 4xx answers."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from typing import Any

import pytest
from pydantic import SecretStr

from phaseout_shared.settings import Settings
from phaseout_shared.web import create_app

SERVICES = ("energy", "environment", "quality", "safety", "technology", "aggregator")
BOUNDED_FORMATS = {"date", "date-time", "uuid"}
"""Strings whose format bounds them (a decimal's string form is bounded by its digits)."""


def openapi(service: str) -> dict[str, Any]:
    settings = Settings(service=service, jwt_public_key=SecretStr("unused"))
    spec = import_module(f"phaseout_{service}.main").SPEC
    return create_app(spec, settings).openapi()


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = root["components"]["schemas"][name]
    return schema


def unbounded(
    schema: dict[str, Any], root: dict[str, Any], where: str, seen: set[str]
) -> Iterator[str]:
    """The places under `schema` where a string, a list or a map has no limit."""
    ref = schema.get("$ref")
    if ref is not None:
        if ref in seen:
            return
        seen = seen | {ref}
    schema = _resolve(schema, root)
    members = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf")
    if members:
        numeric = any(_resolve(m, root).get("type") in ("number", "integer") for m in members)
        for member in members:
            if numeric and _resolve(member, root).get("type") == "string":
                continue  # a decimal written as a string: bounded by its digits
            yield from unbounded(member, root, where, seen)
        return
    kind = schema.get("type")
    if schema.get("format") == "date" and "formatMaximum" not in schema:
        yield f"{where}: date without its range (use limits.Day)"
    if kind == "string" and "enum" not in schema and "const" not in schema:
        if "maxLength" not in schema and schema.get("format") not in BOUNDED_FORMATS:
            yield f"{where}: string without maxLength"
    elif kind == "array":
        if "maxItems" not in schema:
            yield f"{where}: list without maxItems"
        yield from unbounded(schema.get("items", {}), root, f"{where}[]", seen)
    elif kind == "object" or "properties" in schema:
        for name, sub in schema.get("properties", {}).items():
            yield from unbounded(sub, root, f"{where}.{name}", seen)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) or extra is True:
            if "maxProperties" not in schema:
                yield f"{where}: map without maxProperties"
            names = schema.get("propertyNames", {})
            if "maxLength" not in names:
                yield f"{where}: map whose keys have no maxLength"
            if isinstance(extra, dict):
                yield from unbounded(extra, root, f"{where}{{}}", seen)


def operations(root: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in root["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield f"{method.upper()} {path}", operation


@pytest.mark.parametrize("service", SERVICES)
def test_every_string_list_and_map_of_every_request_body_is_bounded(service: str) -> None:
    root = openapi(service)
    found = []
    for name, operation in operations(root):
        content = operation.get("requestBody", {}).get("content", {})
        for media in content.values():
            found += unbounded(media.get("schema", {}), root, name, set())
    assert not found, "\n".join(found)


@pytest.mark.parametrize("service", SERVICES)
def test_every_date_of_every_query_and_path_is_bounded(service: str) -> None:
    root = openapi(service)
    found = []
    for name, operation in operations(root):
        for parameter in operation.get("parameters", []):
            where = f"{name} {parameter['name']}"
            found += unbounded(parameter.get("schema", {}), root, where, set())
    assert not [f for f in found if "date" in f], "\n".join(found)


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_documents_the_platforms_4xx_answers(service: str) -> None:
    root = openapi(service)
    for name, operation in operations(root):
        documented = set(operation["responses"])
        assert {"401", "403", "404", "413", "422"} <= documented, name
        if not name.startswith("GET"):
            assert {"409", "412"} <= documented, name
        problem = operation["responses"]["422"]["content"]["application/json"]["schema"]
        assert _resolve(problem, root)["required"] == ["detail"]
