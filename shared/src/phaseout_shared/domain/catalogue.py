"""What every versioned catalogue of the plan shares: its data, its self-check, its amendments.

Each agency keeps its part of the plan as a catalogue (Table 1's energy limits, Table 2's
requirements and emission limits, Table 3, Table 4, Table 5). A catalogue is frozen data that
checks itself when it loads, refusing every problem at once. Where an agency loads figures by
amendment (energy, environment), a version never changes: an amendment makes the next one,
whose history ends with the amendment, and a figure is loaded only with the source it cites.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import Generic, Protocol, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from phaseout_shared.domain.errors import Forbidden, InvalidInput, NotFound
from phaseout_shared.reference import Agency

FROZEN = ConfigDict(frozen=True, extra="forbid")
"""Catalogue data never changes once loaded, and holds nothing it does not name."""


class CatalogueData(BaseModel):
    """A part of a catalogue: frozen, and refusing any field it does not name."""

    model_config = FROZEN


Version = TypeVar("Version")


class PlanCatalogue(CatalogueData, Generic[Version]):
    """A catalogue holding a part of the plan in its own words: its version, its titles and
    the document it is drawn from."""

    version: Version
    title_zh: str
    title_en: str
    document: str


class LimitStatus(StrEnum):
    LOADED = "loaded"
    AWAITING_AGENCY = "awaiting_agency"


class Source(CatalogueData):
    """Where a figure, a date or a scope is published."""

    document: str = Field(min_length=1)
    url: str | None = None
    excerpt: str | None = None

    def cite(self) -> str:
        return f"{self.document} {self.url or ''}".strip()


def in_force_on(effective_from: date | None, on: date) -> bool:
    """Whether a figure applies on a date: from its first day on; one without a date always."""
    return effective_from is None or effective_from <= on


A = TypeVar("A", bound=BaseModel)


class AmendmentRecord(CatalogueData, Generic[A]):
    """One step of the audit trail: the amendment that made `version`."""

    version: int
    amendment: A


def catalogue_problems(problems: Iterable[str]) -> None:
    """Refuse a catalogue naming every problem it has, or accept it when there is none."""
    found = list(problems)
    if found:
        raise ValueError("; ".join(found))


def appearing_twice(what: str, ids: Sequence[str]) -> list[str]:
    """A problem for each id that stands more than once, in sorted order."""
    return [f"{what} {i} appears twice" for i in sorted(set(ids)) if ids.count(i) > 1]


def missing(what: str, required: Iterable[str], ids: Collection[str]) -> list[str]:
    """A problem for each id the code acts on that the catalogue lacks."""
    return [f"{what} {i} is missing" for i in required if i not in ids]


Spec = TypeVar("Spec")


def kind_problems(
    rule_id: str,
    kinds: Iterable[str],
    specs: Mapping[str, Spec],
    of_kind: Callable[[str, Spec], Iterable[str]],
) -> Iterator[str]:
    """What is wrong with the kinds of equipment a rule judges: a kind the catalogue does not
    specify, or what `of_kind` finds wrong with a specified one (its conditions, its industry)."""
    for kind in kinds:
        spec = specs.get(kind)
        if spec is None:
            yield f"{rule_id}: unknown kind {kind}"
        else:
            yield from of_kind(kind, spec)


def kinds_without_rule(kinds: Iterable[str], judged: Collection[str]) -> list[str]:
    """A problem for each kind of equipment the catalogue specifies and no rule judges."""
    return [f"kind {k} has no rule" for k in kinds if k not in judged]


class Identified(Protocol):
    @property
    def id(self) -> str: ...


S = TypeVar("S")
Item = TypeVar("Item", bound=Identified)
M = TypeVar("M", bound=BaseModel)


def find_item(
    standards: Iterable[S], items_of: Callable[[S], Iterable[Item]], item_id: str
) -> tuple[S, Item] | None:
    """The item (an indicator, a limit) with this id, and the standard that sets it."""
    for standard in standards:
        for item in items_of(standard):
            if item.id == item_id:
                return standard, item
    return None


def replacing(items: tuple[S, ...], current: S, new: S) -> tuple[S, ...]:
    """The items in their order, with `current` (the very object) replaced by `new`."""
    return tuple(new if item is current else item for item in items)


def amended_items(
    items: tuple[Item, ...],
    item_id: str,
    *,
    adding: bool,
    added: Callable[[], Item],
    amended: Callable[[Item], Item],
    lacking: NotFound,
) -> tuple[Item, ...]:
    """A standard's items after an amendment: a new item comes last; a set or corrected one
    keeps its place. Setting an item the standard lacks raises `lacking`."""
    if adding:
        return (*items, added())
    current = next((item for item in items if item.id == item_id), None)
    if current is None:
        raise lacking
    return replacing(items, current, amended(current))


def naming_fields(amendment: BaseModel, names: Iterable[str], *, new: str) -> dict[str, object]:
    """The fields that name a new item (an indicator, a limit), each required: a blank one is
    refused naming it."""
    given = dict(amendment)
    for name in names:
        if not given[name]:
            raise InvalidInput(f"a new {new} needs its {name}", field=name)
    return {name: given[name] for name in names}


def revised(model: M, **changes: object) -> M:
    """A copy of a frozen model with some fields changed, checked again as a whole."""
    return type(model).model_validate({**dict(model), **changes})


class Versioned(Protocol):
    """A catalogue kept in versions: its number, its standards and the trail of amendments."""

    @property
    def version(self) -> int: ...

    @property
    def standards(self) -> tuple[object, ...]: ...

    @property
    def history(self) -> tuple[BaseModel, ...]: ...

    def __iter__(self) -> Iterator[tuple[str, object]]: ...

    @classmethod
    def model_validate(cls, obj: object) -> Self: ...


V = TypeVar("V", bound=Versioned)


def next_version(catalogue: V, standard: S, amended: S, amendment: BaseModel) -> V:
    """The next version of a catalogue: one standard amended, the amendment added to its history.

    The version is checked as a whole; a `ValidationError` says what the amendment breaks.
    """
    version = catalogue.version + 1
    return type(catalogue).model_validate(
        {
            **dict(catalogue),
            "version": version,
            "standards": replacing(catalogue.standards, standard, amended),
            "history": (*catalogue.history, {"version": version, "amendment": amendment}),
        }
    )


class Amending(Protocol):
    """What every amendment states: its source, from when it applies, and who made it."""

    @property
    def source(self) -> Source: ...

    @property
    def effective_from(self) -> date: ...

    @property
    def amended_by(self) -> Agency: ...

    @property
    def officer(self) -> str: ...


def loaded_by(amendment: Amending, *, loaded: bool = True) -> dict[str, object]:
    """What a figure keeps of the amendment that set it: loaded with its source, or awaiting
    the agency; from when it applies, and who set it."""
    return {
        "status": LimitStatus.LOADED if loaded else LimitStatus.AWAITING_AGENCY,
        "source": amendment.source if loaded else None,
        "effective_from": amendment.effective_from,
        "amended_by": amendment.amended_by,
        "officer": amendment.officer,
    }


def announced_by(amendment: Amending) -> dict[str, object]:
    """What the event of a new version says of its amendment: the source it cites, from when
    it applies, and who made it."""
    return {
        "source": amendment.source.cite(),
        "effective_on": amendment.effective_from,
        "amended_by": amendment.amended_by,
        "officer": amendment.officer,
    }


def refuse_unless_amending(
    agency: Agency, amending: Collection[Agency], *, limits: str, only: str, rule: str
) -> None:
    """Only the agencies that keep a catalogue amend it; any other is refused naming them."""
    if agency not in amending:
        raise Forbidden(
            f"{agency} may not amend the {limits}; only {only} may",
            field="amended_by",
            rule=rule,
        )


def refuse_other_unit(item_id: str, unit: str | None, given: str | None, *, rule: str) -> None:
    """A figure is given in its item's unit, never converted: any other unit is refused."""
    if given != unit:
        raise InvalidInput(
            f"{item_id} is measured in {unit}, not {given}",
            field="unit",
            rule=rule,
        )
