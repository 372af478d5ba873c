"""The Table 5 catalogue's names for everyone who shows kinds and rules by name.

At start the service publishes the catalogue it holds (the names of its equipment kinds, the
plan's wording of its rules) as `phaseout.technology.catalogue.published.v1`, once per version,
through the shared publication (`phaseout_shared.catalogue_names`).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared.catalogue_names import publishing
from phaseout_shared.contracts.technology import CataloguePublished, KindName, RuleName
from phaseout_technology.domain.catalogue import Catalogue, table5


def names_of(catalogue: Catalogue, on: date) -> CataloguePublished:
    """The catalogue's names and wording, as the event carries them."""
    return CataloguePublished(
        version=catalogue.version,
        effective_on=on,
        title_zh=catalogue.title_zh,
        title_en=catalogue.title_en,
        kinds={
            code: KindName(industry=spec.industry, name_zh=spec.name_zh, name_en=spec.name_en)
            for code, spec in catalogue.kinds.items()
        },
        rules={
            rule.id: RuleName(
                industry=rule.industry,
                wording_zh=rule.wording_zh,
                wording_en=rule.wording_en,
                table=rule.source.table,
                row=rule.source.row,
                item=rule.source.item,
                citation=rule.citation,
            )
            for rule in catalogue.rules
        },
    )


async def _in_force(_: AsyncSession, on: date) -> CataloguePublished:
    return names_of(table5(), on)


publish_catalogue = publishing(_in_force)
"""Publish the catalogue's names at start unless this version's event is already sent."""
