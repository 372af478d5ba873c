from typing import Any

import pytest
from pydantic import Field

from phaseout_shared.contracts import schemas
from phaseout_shared.contracts.base import EventPayload


def test_every_event_type_has_its_schema_checked_in() -> None:
    generated, stored = schemas.generate(), schemas.checked_in()
    missing = sorted(set(generated) - set(stored))
    assert not missing, f"run `phaseout schemas` to add: {missing}"
    stale = sorted(n for n in generated if generated[n] != stored[n])
    assert not stale, f"schemas differ from the models; run `phaseout schemas`: {stale}"


def test_checked_in_schemas_are_not_broken_by_the_models() -> None:
    stored = schemas.checked_in()
    problems = {
        name: schemas.breaking_changes(stored[name], schema)
        for name, schema in schemas.generate().items()
        if name in stored
    }
    assert not {k: v for k, v in problems.items() if v}


class V1(EventPayload):
    uscc: str
    amount: int
    note: str | None = None


def schema_of(**fields: Any) -> dict[str, Any]:
    model = type(
        "V2",
        (EventPayload,),
        {
            "__annotations__": {k: t for k, (t, _) in fields.items()},
            **{k: d for k, (_, d) in fields.items() if d is not ...},
        },
    )
    return model.model_json_schema()  # type: ignore[attr-defined,no-any-return]


OLD = V1.model_json_schema()


@pytest.mark.parametrize(
    ("new", "problem"),
    [
        (schema_of(uscc=(str, ...)), "amount: removed"),
        (
            schema_of(uscc=(str, ...), amount=(str, ...), note=(str | None, None)),
            "amount: type or allowed values changed",
        ),
        (schema_of(uscc=(str, ...), amount=(int, ...), note=(str, ...)), "note: newly required"),
    ],
)
def test_breaking_changes_are_found(new: dict[str, Any], problem: str) -> None:
    assert problem in schemas.breaking_changes(OLD, new)


def test_an_added_optional_property_is_compatible() -> None:
    new = schema_of(
        uscc=(str, ...),
        amount=(int, ...),
        note=(str | None, None),
        extra=(int | None, Field(default=None)),
    )
    assert schemas.breaking_changes(OLD, new) == []
