"""Names, not codes: what an official reads where the events carry codes.

The catalogue's names (equipment kinds, the plan's wording of each rule) come from the events
of the agency that keeps the catalogue (`phaseout.technology.catalogue.published.v1`), one row
per entry and version, never from a copy of the catalogue; the city's reference names (districts,
industries, dimensions, agencies, units) from `phaseout_shared.reference`. An entry whose names
have not arrived is shown by its code, so nothing is hidden while the feed catches up.
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
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.contracts.technology import CataloguePublished
from phaseout_shared.envelope import Envelope
from phaseout_shared.reference import STATUS_NAMES, name_of, unit_name


class Named(BaseModel):
    """A thing's name in Chinese and in English."""

    zh: str
    en: str

    def of(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


async def project_catalogue(
    session: AsyncSession, envelope: Envelope, payload: EventPayload
) -> None:
    """Keep the names of a catalogue version's kinds and rules (once per version)."""
    if not isinstance(payload, CataloguePublished):
        return
    dimension = envelope.type.split(".")[1]
    base = {"dimension": dimension, "version": payload.version, "event_id": envelope.id}
    for code, kind in payload.kinds.items():
        values = {**base, "entry": "kind", "code": code, "industry": kind.industry.value}
        await insert_new(
            session,
            catalogue_names,
            {**values, "name_zh": kind.name_zh, "name_en": kind.name_en, "citation": None},
        )
    for code, rule in payload.rules.items():
        item = f"第（{rule.item}）项" if rule.item is not None else ""
        where = f"表 {rule.table} 第 {rule.row} 行{item}"
        values = {**base, "entry": "rule", "code": code, "industry": rule.industry.value}
        await insert_new(
            session,
            catalogue_names,
            {
                **values,
                "name_zh": rule.wording_zh,
                "name_en": rule.wording_en,
                "citation": f"{where}|{rule.citation}",
            },
        )


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


ENVIRONMENT_BASIS = Named(
    zh="依法报经有批准权的人民政府批准，责令关闭",
    en="Closure ordered with the approval of the people's government with the power",
)
RULE_ID = re.compile(r",\s*rule [\w.\-]+")


@dataclass(frozen=True)
class ExitNames:
    item: Named
    basis: Named
    unit: Named
    status: Named


def named_codes(rows: Iterable[Mapping[str, Any]]) -> set[str]:
    """The catalogue codes `exit_names` looks up for these exits (Table 5's kinds and rules)."""
    return {
        str(row[key])
        for row in rows
        if row["dimension"] == "technology"
        for key in ("item", "rule")
    }


def exit_names(row: dict[str, Any], names: Catalogues) -> ExitNames:
    """An exit's equipment, legal basis, unit and status as an official reads them."""
    dimension, version = row["dimension"], str(row["catalogue_version"])
    industry = Named(zh=name_of(row["industry"], "zh"), en=name_of(row["industry"], "en"))
    item = Named(zh=row["item"], en=row["item"])
    basis = Named(zh=row["rule"], en=row["rule"])
    if dimension == "technology":
        kind = names.find(dimension, "kind", row["item"], version)
        if kind is not None:
            item = Named(zh=kind[0], en=kind[1])
        rule = names.find(dimension, "rule", row["rule"], version)
        if rule is not None:
            where_zh, _, where_en = (rule[2] or "|").partition("|")
            basis = Named(
                zh=f"{rule[0]}（《行动计划》{where_zh}，目录 {version} 版）",
                en=f"{rule[1]} ({where_en}, catalogue {version})",
            )
    elif dimension == "energy":
        standard = str(row["rule"]).rsplit(" ", 1)[0]
        item = Named(zh=f"{industry.zh}生产线", en=f"{industry.en} line")
        basis = Named(
            zh=f"单位产品能耗超过 {standard} 限定值（能耗限额目录第 {version} 版）",
            en=f"Energy consumption over the limit of {standard} (limits catalogue {version})",
        )
    elif dimension == "environment":
        basis = ENVIRONMENT_BASIS
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
