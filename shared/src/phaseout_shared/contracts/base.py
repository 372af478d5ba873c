"""The base of every event payload and the registry of event types.

An event type is named `phaseout.<dimension>.<noun>.<verb>.v<N>`. Its payload model is the
contract: consumers are typed by it, and its JSON Schema is generated and checked in
(`shared/schemas/`), so that an incompatible change fails a test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from enum import StrEnum
from typing import ClassVar, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from phaseout_shared.reference import USCC, District, Industry

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


class EnterpriseEvent(EventPayload):
    """A fact about one enterprise: what every dimension's events about an enterprise carry."""

    uscc: USCC = Field(description="Unified social credit code (统一社会信用代码)")
    district: District = Field(description="The district whose government executes the plan here")
    industry: Industry = Field(description="The enterprise's key industry")
    effective_on: date = Field(description="The date the fact or act took effect")


class CaseEvent(EnterpriseEvent):
    """A step of one of an agency's cases: the case, its state after the step and what is due.

    Each dimension narrows `state` to its own states and says in its `STAGES` what each means
    to everyone outside the agency (`Stage`), so the city bureau reads what is due, overdue,
    closed or exited without knowing the dimension's rules.
    """

    case_id: UUID = Field(description="The case")
    state: str = Field(description="The case's state after this event")
    deadline: date | None = Field(description="The next deadline; none when nothing is due")


class Stage(StrEnum):
    """What a case's state means outside its agency: the one vocabulary of the city's views."""

    OPEN = "open"
    """Work under way: rectification, elimination, a re-inspection or a decision awaited."""
    RESTRICTED = "restricted"
    """Production restricted or suspended by an order in force (限制生产、停产整治/整顿)."""
    EXITING = "exiting"
    """On the way out: a shutdown or closure required, proposed, decided or ordered, not yet
    carried out (依法关停退出、提请关闭、责令关闭)."""
    OVERDUE = "overdue"
    """A deadline passed without the work done (逾期)."""
    CLOSED = "closed"
    """Nothing more is asked of anyone: rectified, lifted, or the sanction done."""
    EXITED = "exited"
    """The capacity has left production (shut down, closed, eliminated and accepted)."""
    SUPERSEDED = "superseded"
    """Made moot by another agency's shutdown or closure of the enterprise (被替代)."""

    @property
    def open(self) -> bool:
        """Whether the case still asks something of someone."""
        return self not in (Stage.CLOSED, Stage.EXITED, Stage.SUPERSEDED)


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
    base: type[M],
    noun: str,
    verb: str,
    dimensions: Iterable[str] | None = None,
    version: int = 1,
) -> dict[str, type[M]]:
    """One registered subclass of `base` per dimension: `phaseout.<dim>.<noun>.<verb>.v1`
    (or `.v<version>`).

    For events every agency service emits alike (its register, its disclosures): each service
    writes them on its own topic, under its own type name. `dimensions` narrows them to the
    services that emit the event (all five by default).
    """
    from phaseout_shared.reference import Dimension

    models: dict[str, type[M]] = {}
    for dim in [Dimension(d) for d in dimensions] if dimensions is not None else Dimension:
        name = f"{dim.value.capitalize()}{base.__name__}"
        model = type(name, (base,), {"__doc__": base.__doc__, "__module__": base.__module__})
        models[dim.value] = event_type(f"phaseout.{dim.value}.{noun}.{verb}.v{version}")(model)
    return models


class EntryKind(StrEnum):
    """What a named catalogue entry is: something that closes (an equipment kind, a production
    line) or the rule an exit is ordered under (a requirement, a standard's limit, a ground)."""

    KIND = "kind"
    RULE = "rule"


class NamedEntry(BaseModel):
    """One entry of an agency's catalogue as officials name it, and where the plan states it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    entry: EntryKind = Field(description="An equipment kind or line (kind), or a rule (rule)")
    code: str = Field(
        min_length=1, description="The code events carry for it (an exit's item or rule)"
    )
    industry: Industry | None = Field(
        default=None, description="The entry's key industry; none when it spans several"
    )
    name_zh: str = Field(min_length=1, description="Its name or the plan's wording, in Chinese")
    name_en: str = Field(min_length=1, description="The same in English")
    where_zh: str | None = Field(
        default=None, description="Where the plan states it, e.g. 表 1, 二（二）3"
    )
    where_en: str | None = Field(default=None, description="The same in English, e.g. Table 1")


class CatalogueNames(EventPayload):
    """What every agency publishes of its catalogue for those who show its codes by name: one
    event per catalogue version, keyed by the subject `catalogue` (`CATALOGUE_SUBJECT`)."""

    version: str = Field(description="The catalogue version, as events carry it")
    effective_on: date = Field(description="The city's date when the service published it")
    title_zh: str = Field(description="The catalogue's title in the plan")
    title_en: str = Field(description="The title in English")

    def named(self) -> Iterable[NamedEntry]:
        """Every entry with its names (an event type of its own shape says how)."""
        raise NotImplementedError


class NamesPublished(CatalogueNames):
    """A catalogue's names as a plain list of entries (the shape agencies' catalogues share)."""

    entries: tuple[NamedEntry, ...] = Field(
        min_length=1, description="Every kind and rule the service's events may name, by code"
    )

    def named(self) -> Iterable[NamedEntry]:
        return self.entries
