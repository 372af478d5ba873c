"""The limits catalogue's names for everyone who shows an energy exit by name.

Each indicator of a Table 1 standard is what an energy case closes (the line making that
product, `kind`) and the limit it is ordered under (`rule`), both keyed by the code the
service's exits carry (`<standard> <indicator id>`). Published as
`phaseout.energy.catalogue.published.v1` once per version: at start, and by the amendment
that makes a version (`phaseout_shared.catalogue_names`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_energy.adapters import catalogue_versions as versions
from phaseout_energy.domain.catalogue import Catalogue, Indicator, Standard
from phaseout_shared.catalogue_names import publishing
from phaseout_shared.contracts.base import EntryKind, NamedEntry
from phaseout_shared.contracts.energy import CataloguePublished

WHERE_ZH, WHERE_EN = "表 1", "Table 1"
IN_BOTH = re.compile(r"^(?P<en>.+?)\s*\((?P<zh>[^()]+)\)$")
"""A text the catalogue states in English followed by the Chinese in brackets (an indicator's
measure, the catalogue's title)."""


def basis_code(standard: Standard, indicator: Indicator) -> str:
    """The code an energy exit carries for its line and its legal basis."""
    return f"{standard.code} {indicator.id}"


def in_both(text: str) -> tuple[str, str]:
    """Chinese and English of a text stated as `English (中文)`; the text twice otherwise."""
    found = IN_BOTH.match(text)
    return (text, text) if found is None else (found["zh"], found["en"])


def _entries(standard: Standard, indicator: Indicator) -> Iterator[NamedEntry]:
    code = basis_code(standard, indicator)
    zh, en = in_both(indicator.measure)
    product = indicator.product_zh
    measured = zh if zh.startswith(product) else f"{product}{zh}"
    yield NamedEntry(
        entry=EntryKind.KIND,
        code=code,
        industry=standard.industry,
        name_zh=f"{indicator.product_zh}生产线",
        name_en=f"{indicator.product_en} line",
    )
    yield NamedEntry(
        entry=EntryKind.RULE,
        code=code,
        industry=standard.industry,
        name_zh=f"{measured}超过《{standard.title_zh}》（{standard.code}）限定值",
        name_en=(
            f"{indicator.product_en}: {en} over the limit of {standard.code} ({standard.title_en})"
        ),
        where_zh=WHERE_ZH,
        where_en=WHERE_EN,
    )


def names_of(catalogue: Catalogue, on: date) -> CataloguePublished:
    """Every indicator of every standard, named as its line and as its limit."""
    title_zh, title_en = in_both(catalogue.title)
    return CataloguePublished(
        version=str(catalogue.version),
        effective_on=on,
        title_zh=title_zh,
        title_en=title_en,
        entries=tuple(
            entry
            for standard in catalogue.standards
            for indicator in standard.indicators
            for entry in _entries(standard, indicator)
        ),
    )


async def _in_force(session: AsyncSession, on: date) -> CataloguePublished:
    return names_of(await versions.current(session), on)


publish_catalogue = publishing(_in_force)
"""Publish the names of the catalogue version in force at start, unless already published."""
