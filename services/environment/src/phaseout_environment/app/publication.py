"""The environment catalogue's names for everyone who shows an environment exit by name.

A closure names the rule its case was opened on: a ground of 二（二）3 stated by the officer,
Table 2's equipment rule that eliminates an item, or the limit of a standard a measurement
exceeded. Each is published in the plan's words with where the plan states it, and the
equipment kinds by their names, as `phaseout.environment.catalogue.published.v1` once per
version: at start, and by the amendment that makes a version
(`phaseout_shared.catalogue_names`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_environment.adapters.tables import current_catalogue
from phaseout_environment.domain.catalogue import Catalogue, Requirement
from phaseout_shared.catalogue_names import publishing
from phaseout_shared.contracts.base import EntryKind, NamedEntry
from phaseout_shared.contracts.environment import CataloguePublished
from phaseout_shared.reference import Industry


def where(requirements: Iterable[Requirement]) -> tuple[str, str]:
    """Where the plan states these requirements: its sections, then Table 2's rows (and the
    item, for one requirement alone)."""
    found = list(requirements)
    sections = list(dict.fromkeys(r.source.section for r in found if r.source.section))
    rows = [r for r in found if r.source.table is not None]
    zh, en = list(sections), [f"section {s}" for s in sections]
    if len(rows) == 1:
        source = rows[0].source
        item = f"第（{source.item}）项" if source.item is not None else ""
        zh.append(f"表 {source.table} 第 {source.row} 行{item}")
        en.append(source.cite())
    elif rows:
        table = rows[0].source.table
        numbers = list(dict.fromkeys(str(r.source.row) for r in rows))
        zh.append(f"表 {table} 第 {'、'.join(numbers)} 行")
        en.append(f"Table {table}, rows {', '.join(numbers)}")
    return "、".join(zh), "; ".join(en)


def _one(industries: tuple[Industry, ...]) -> Industry | None:
    return industries[0] if len(industries) == 1 else None


def _entries(catalogue: Catalogue) -> Iterator[NamedEntry]:
    for code, kind in catalogue.kinds.items():
        yield NamedEntry(
            entry=EntryKind.KIND, code=code, name_zh=kind.name_zh, name_en=kind.name_en
        )
    for ground in catalogue.grounds:
        zh, en = where(catalogue.requirement(r) for r in ground.requirements)
        yield NamedEntry(
            entry=EntryKind.RULE,
            code=ground.id,
            name_zh=ground.wording_zh,
            name_en=ground.wording_en,
            where_zh=zh,
            where_en=en,
        )
    for rule in catalogue.equipment_rules:
        zh, en = where(catalogue.requirement(r) for r in rule.requirements)
        yield NamedEntry(
            entry=EntryKind.RULE,
            code=rule.id,
            industry=_one(rule.industries),
            name_zh=rule.wording_zh,
            name_en=rule.wording_en,
            where_zh=zh,
            where_en=en,
        )
    for standard in catalogue.standards:
        zh, en = where(catalogue.requirement(r) for r in standard.requirements)
        code_zh = f"（{standard.code}）" if standard.code else ""
        code_en = f" ({standard.code})" if standard.code else ""
        for limit in standard.limits:
            yield NamedEntry(
                entry=EntryKind.RULE,
                code=limit.id,
                industry=_one(standard.industries),
                name_zh=(
                    f"{limit.facility_zh}{limit.pollutant_zh}超过"
                    f"《{standard.title_zh}》{code_zh}排放限值"
                ),
                name_en=(
                    f"{limit.pollutant_en} from {limit.facility_en} over the limit of "
                    f"{standard.title_en}{code_en}"
                ),
                where_zh=zh,
                where_en=en,
            )


def names_of(catalogue: Catalogue, on: date) -> CataloguePublished:
    """Every kind, ground, equipment rule and limit of the version, named."""
    return CataloguePublished(
        version=catalogue.label,
        effective_on=on,
        title_zh=catalogue.title_zh,
        title_en=catalogue.title_en,
        entries=tuple(_entries(catalogue)),
    )


async def _in_force(session: AsyncSession, on: date) -> CataloguePublished:
    return names_of(await current_catalogue(session), on)


publish_catalogue = publishing(_in_force)
"""Publish the names of the catalogue version in force at start, unless already published."""
