"""What every versioned catalogue shares (`phaseout_shared.domain.catalogue`), on a small one.

A toy catalogue of two standards and their items stands for Table 1 and Table 2: an amendment
makes the next version and leaves the one it amends as it was, new items come last, set ones keep
their place, and the checks refuse naming the field and the reason.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import Field, ValidationError, model_validator

from phaseout_shared.catalogue_files import read_catalogue, shipped_catalogue
from phaseout_shared.domain.catalogue import (
    AmendmentRecord,
    CatalogueData,
    LimitStatus,
    Source,
    amended_items,
    announced_by,
    appearing_twice,
    catalogue_problems,
    find_item,
    in_force_on,
    kind_problems,
    kinds_without_rule,
    loaded_by,
    missing,
    naming_fields,
    next_version,
    refuse_other_unit,
    refuse_unless_amending,
    revised,
)
from phaseout_shared.domain.errors import Forbidden, InvalidInput, NotFound
from phaseout_shared.reference import Agency

SOURCE = Source(document="GB 1-2020, table 1", url="https://example.org/gb1")


class Item(CatalogueData):
    id: str
    name: str = ""
    unit: str = "kgce/t"
    limit: Decimal | None = None
    status: LimitStatus = LimitStatus.AWAITING_AGENCY
    source: Source | None = None
    effective_from: date | None = None
    amended_by: Agency | None = None
    officer: str | None = None


class Standard(CatalogueData):
    code: str
    items: tuple[Item, ...]


class Change(CatalogueData):
    item_id: str
    name: str | None = None
    limit: Decimal
    source: Source = SOURCE
    effective_from: date = date(2024, 1, 1)
    amended_by: Agency = Agency.MIIT
    officer: str = "officer-1"


class Record(AmendmentRecord[Change]):
    """One step of the toy catalogue's trail."""


class Book(CatalogueData):
    version: int = Field(ge=1)
    standards: tuple[Standard, ...]
    history: tuple[Record, ...] = ()

    @model_validator(mode="after")
    def _ids_once(self) -> Book:
        ids = [i.id for s in self.standards for i in s.items]
        catalogue_problems(appearing_twice("item", ids))
        return self


BOOK = Book(
    version=1,
    standards=(
        Standard(code="GB 1", items=(Item(id="a"), Item(id="b"))),
        Standard(code="GB 2", items=(Item(id="c"),)),
    ),
)


def test_an_item_is_found_with_the_standard_that_sets_it() -> None:
    found = find_item(BOOK.standards, lambda s: s.items, "c")
    assert found is not None
    assert (found[0].code, found[1].id) == ("GB 2", "c")
    assert find_item(BOOK.standards, lambda s: s.items, "z") is None


def test_the_next_version_amends_one_standard_and_ends_its_history_with_the_amendment() -> None:
    change = Change(item_id="b", limit=Decimal("12.5"))
    standard = BOOK.standards[0]
    amended_standard = revised(
        standard,
        items=amended_items(
            standard.items,
            "b",
            adding=False,
            added=lambda: pytest.fail("nothing is added"),
            amended=lambda item: revised(item, limit=change.limit, **loaded_by(change)),
            lacking=NotFound("no b", field="item_id"),
        ),
    )
    amended = next_version(BOOK, standard, amended_standard, change)

    assert amended.version == 2
    assert [i.id for i in amended.standards[0].items] == ["a", "b"]
    b = amended.standards[0].items[1]
    assert (b.limit, b.status, b.source, b.officer) == (
        Decimal("12.5"),
        LimitStatus.LOADED,
        SOURCE,
        "officer-1",
    )
    assert amended.standards[1] is BOOK.standards[1]
    assert amended.history == (Record(version=2, amendment=change),)
    assert BOOK.version == 1 and BOOK.standards[0].items[1].limit is None


def test_a_new_item_comes_last_and_a_lacking_one_is_not_found() -> None:
    items = BOOK.standards[0].items
    added = amended_items(
        items,
        "n",
        adding=True,
        added=lambda: Item(id="n"),
        amended=lambda item: pytest.fail("nothing is set"),
        lacking=NotFound("no n", field="item_id"),
    )
    assert [i.id for i in added] == ["a", "b", "n"]
    with pytest.raises(NotFound, match="GB 1 has no item z") as refused:
        amended_items(
            items,
            "z",
            adding=False,
            added=lambda: pytest.fail("nothing is added"),
            amended=lambda item: item,
            lacking=NotFound("GB 1 has no item z", field="item_id"),
        )
    assert refused.value.field == "item_id"


def test_a_version_that_breaks_the_catalogue_is_refused_naming_the_problem() -> None:
    standard = BOOK.standards[1]
    doubled = revised(standard, items=(*standard.items, Item(id="a")))
    with pytest.raises(ValidationError, match="item a appears twice"):
        next_version(BOOK, standard, doubled, Change(item_id="a", limit=Decimal(1)))


def test_a_new_item_needs_every_field_that_names_it() -> None:
    with pytest.raises(InvalidInput, match="a new item needs its name") as refused:
        naming_fields(Change(item_id="n", limit=Decimal(1)), ("name",), new="item")
    assert refused.value.field == "name"
    named = Change(item_id="n", name="coke", limit=Decimal(1))
    assert naming_fields(named, ("name",), new="item") == {"name": "coke"}


def test_only_the_keeping_agencies_amend() -> None:
    refuse_unless_amending(
        Agency.MIIT, {Agency.MIIT}, limits="toy limits", only="miit", rule="toy.amending"
    )
    with pytest.raises(Forbidden, match="mee may not amend the toy limits; only miit may") as no:
        refuse_unless_amending(
            Agency.MEE, {Agency.MIIT}, limits="toy limits", only="miit", rule="toy.amending"
        )
    assert (no.value.field, no.value.rule) == ("amended_by", "toy.amending")


def test_a_figure_in_another_unit_is_refused() -> None:
    refuse_other_unit("a", "kgce/t", "kgce/t", rule="toy.same_unit")
    with pytest.raises(InvalidInput, match="a is measured in kgce/t, not tce/t") as refused:
        refuse_other_unit("a", "kgce/t", "tce/t", rule="toy.same_unit")
    assert (refused.value.field, refused.value.rule) == ("unit", "toy.same_unit")


def test_an_amendment_awaiting_its_figure_keeps_no_source() -> None:
    change = Change(item_id="a", limit=Decimal(1))
    assert loaded_by(change, loaded=False) == {
        "status": LimitStatus.AWAITING_AGENCY,
        "source": None,
        "effective_from": date(2024, 1, 1),
        "amended_by": Agency.MIIT,
        "officer": "officer-1",
    }
    assert announced_by(change) == {
        "source": "GB 1-2020, table 1 https://example.org/gb1",
        "effective_on": date(2024, 1, 1),
        "amended_by": Agency.MIIT,
        "officer": "officer-1",
    }


def test_the_self_check_names_every_problem_at_once() -> None:
    catalogue_problems([])
    problems = appearing_twice("rule", ["r2", "r1", "r2", "r1", "r3"])
    problems += missing("rule", ["r1", "r9"], ["r1", "r2"])
    with pytest.raises(ValueError) as refused:
        catalogue_problems(problems)
    assert str(refused.value) == "rule r1 appears twice; rule r2 appears twice; rule r9 is missing"


def test_a_shipped_catalogue_is_read_and_checked_once(tmp_path: Path) -> None:
    path = tmp_path / "book.json"
    path.write_text(BOOK.model_dump_json(), encoding="utf-8")
    shipped = shipped_catalogue(Book, path)
    assert shipped() == BOOK
    path.write_text("{}", encoding="utf-8")
    assert shipped() is shipped()
    with pytest.raises(ValidationError):
        read_catalogue(Book, path)


def test_a_figure_applies_from_its_first_day_on() -> None:
    first = date(2019, 1, 1)
    assert not in_force_on(first, date(2018, 12, 31))
    assert in_force_on(first, first)
    assert in_force_on(None, date(2000, 1, 1))


def test_a_rule_judges_only_kinds_the_catalogue_specifies() -> None:
    specs = {"boiler": "no capacity given", "kiln": ""}

    def of_kind(kind: str, spec: str) -> list[str]:
        return [f"{kind}: {spec}"] if spec else []

    found = kind_problems("R-1", ["boiler", "furnace", "kiln"], specs, of_kind)
    assert list(found) == ["boiler: no capacity given", "R-1: unknown kind furnace"]
    assert kinds_without_rule(["boiler", "kiln", "oven"], {"kiln"}) == [
        "kind boiler has no rule",
        "kind oven has no rule",
    ]
