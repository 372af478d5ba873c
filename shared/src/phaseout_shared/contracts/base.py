"""The base of every event payload and the registry of event types.

An event type is named `phaseout.<dimension>.<noun>.<verb>.v<N>`. Its payload model is the
contract: consumers are typed by it, and its JSON Schema is generated and checked in
(`shared/schemas/`), so that an incompatible change fails a test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field

TYPE_PATTERN = re.compile(r"^phaseout\.[a-z]+\.[a-z_]+\.[a-z_]+\.v[0-9]+$")


class EventPayload(BaseModel):
    """The JSON body of an event. Subclasses set `event_type` with the `event_type` decorator."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]

    sequence: int | None = Field(
        default=None,
        ge=1,
        description=(
            "The event's number in its subject's stream: every event the publishing service "
            "published about this subject (the enterprise), 1, 2, 3 … in the order their "
            "changes committed, without gaps. Consumers apply a fact only over an older one of "
            "the same stream, and take an equal number for the same event. Set by the outbox; "
            "absent from events published before it was introduced"
        ),
    )


registry: dict[str, type[EventPayload]] = {}
"""Every known event type, by its CloudEvents `type`."""

P = TypeVar("P", bound=type[EventPayload])


def event_type(name: str) -> Callable[[P], P]:
    """Register a payload model under its CloudEvents type name."""
    if not TYPE_PATTERN.match(name):
        raise ValueError(f"event type {name!r} is not phaseout.<dimension>.<noun>.<verb>.v<N>")

    def register(cls: P) -> P:
        if name in registry and registry[name] is not cls:
            raise ValueError(f"event type {name!r} is registered twice")
        cls.event_type = name
        registry[name] = cls
        return cls

    return register


M = TypeVar("M", bound=EventPayload)


def per_dimension(
    base: type[M], noun: str, verb: str, dimensions: Iterable[str] | None = None
) -> dict[str, type[M]]:
    """One registered subclass of `base` per dimension: `phaseout.<dim>.<noun>.<verb>.v1`.

    For events every agency service emits alike (its register, its disclosures): each service
    writes them on its own topic, under its own type name. `dimensions` narrows them to the
    services that emit the event (all five by default).
    """
    from phaseout_shared.reference import Dimension

    models: dict[str, type[M]] = {}
    for dim in [Dimension(d) for d in dimensions] if dimensions is not None else Dimension:
        name = f"{dim.value.capitalize()}{base.__name__}"
        model = type(name, (base,), {"__doc__": base.__doc__, "__module__": base.__module__})
        models[dim.value] = event_type(f"phaseout.{dim.value}.{noun}.{verb}.v1")(model)
    return models
