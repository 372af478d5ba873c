"""Names, not codes: what an official reads where the events carry codes.

The catalogues' names (equipment kinds and lines, the plan's wording of each rule, ground and
limit, and where the plan states it) come from the events of the agencies that keep the
catalogues (`phaseout.<dimension>.catalogue.published.v1`: technology's Table 5, energy's
Table 1 limits, environment's Table 2 and grounds), one row per entry and version, never from a
copy of a catalogue; the city's reference names (districts, industries, dimensions, agencies,
units) from `phaseout_shared.reference`. An entry whose names have not arrived is shown by its
code, so nothing is hidden while the feed catches up.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import catalogue_names
from phaseout_aggregator.app.upsert import insert_new
from phaseout_shared.contracts.base import CatalogueNames, EventPayload
from phaseout_shared.envelope import Envelope
from phaseout_shared.reference import STATUS_NAMES, unit_name


class Named(BaseModel):
    """A thing's name in Chinese and in English."""

    zh: str
    en: str

    def of(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def catalogue_rows(dimension: str, event_id: str, payload: CatalogueNames) -> list[dict[str, Any]]:
    """The `catalogue_names` rows of a catalogue version's published names."""
    rows = []
    for entry in payload.named():
        where = None if entry.where_zh is None else f"{entry.where_zh}|{entry.where_en or ''}"
        rows.append(
            {
                "dimension": dimension,
                "entry": entry.entry.value,
                "code": entry.code,
                "version": payload.version,
                "industry": None if entry.industry is None else entry.industry.value,
                "name_zh": entry.name_zh,
                "name_en": entry.name_en,
                "citation": where,
                "event_id": event_id,
            }
        )
    return rows


async def project_catalogue(
    session: AsyncSession, envelope: Envelope, payload: EventPayload
) -> None:
    """Keep the names of a catalogue version's entries (once per version), whichever agency
    published them."""
    if isinstance(payload, CatalogueNames):
        for row in catalogue_rows(envelope.dimension, envelope.id, payload):
            await insert_new(session, catalogue_names, row)


@dataclass
class Catalogues:
    """Every catalogue entry's names: (dimension, entry, code) → version → names and citation."""

    entries: dict[tuple[str, str, str], dict[str, tuple[str, str, str | None]]] = field(
        default_factory=dict
    )

    def find(
        self, dimension: str, entry: str, code: str, version: str
    ) -> tuple[str, str, str | None] | None:
        """The names of the entry in this version, else in its latest version known."""
        versions = self.entries.get((dimension, entry, code))
        if not versions:
            return None
        return versions.get(version) or versions[max(versions)]


async def catalogues(session: AsyncSession, codes: Collection[str] | None = None) -> Catalogues:
    """The names the aggregator has learnt (a few hundred rows per catalogue version); only those
    of `codes`, if given (none at all: no query)."""
    t = catalogue_names
    found = Catalogues()
    if codes is not None and not codes:
        return found
    query = select(
        t.c.dimension, t.c.entry, t.c.code, t.c.version, t.c.name_zh, t.c.name_en, t.c.citation
    )
    if codes is not None:
        query = query.where(t.c.code.in_(sorted(codes)))
    rows = await session.execute(query)
    for dimension, entry, code, version, zh, en, citation in rows.tuples():
        found.entries.setdefault((dimension, entry, code), {})[version] = (zh, en, citation)
    return found


NAMED_DIMENSIONS = frozenset({"technology", "energy", "environment"})
"""The dimensions whose exits carry catalogue codes, named by their published catalogues."""
RULE_ID = re.compile(r",\s*rule [\w.\-]+")


@dataclass(frozen=True)
class ExitNames:
    item: Named
    basis: Named
    unit: Named
    status: Named


def named_codes(rows: Iterable[Mapping[str, Any]]) -> set[str]:
    """The catalogue codes `exit_names` looks up for these exits (their items and rules)."""
    return {
        str(row[key])
        for row in rows
        if row["dimension"] in NAMED_DIMENSIONS
        for key in ("item", "rule")
    }


def exit_names(row: dict[str, Any], names: Catalogues) -> ExitNames:
    """An exit's equipment, legal basis, unit and status as an official reads them: its item
    and rule by their names in the catalogue version the exit names (else the latest known),
    with where the plan states the rule; safety's closure quotes the plan in its event."""
    dimension, version = row["dimension"], str(row["catalogue_version"])
    item = Named(zh=row["item"], en=row["item"])
    basis = Named(zh=row["rule"], en=row["rule"])
    if dimension in NAMED_DIMENSIONS:
        kind = names.find(dimension, "kind", row["item"], version)
        if kind is not None:
            item = Named(zh=kind[0], en=kind[1])
        rule = names.find(dimension, "rule", row["rule"], version)
        if rule is not None:
            basis = _basis(rule, version)
    elif dimension == "safety" and row.get("basis"):
        words = RULE_ID.sub("", str(row["basis"]))
        basis = Named(zh=words, en=words)
    unit = str(row["capacity_unit"])
    status = STATUS_NAMES.get(str(row["status"]), (row["status"], row["status"]))
    return ExitNames(
        item=item,
        basis=basis,
        unit=Named(zh=unit_name(unit, "zh"), en=unit_name(unit, "en")),
        status=Named(zh=status[0], en=status[1]),
    )


def _basis(rule: tuple[str, str, str | None], version: str) -> Named:
    """A rule in the plan's words, where the plan states it, and the catalogue's version."""
    zh, en, citation = rule
    if citation is None:
        return Named(zh=f"{zh}（目录 {version} 版）", en=f"{en} (catalogue {version})")
    where_zh, _, where_en = citation.partition("|")
    return Named(
        zh=f"{zh}（《行动计划》{where_zh}，目录 {version} 版）",
        en=f"{en} ({where_en}, catalogue {version})",
    )
