"""Projections of every agency's cases and of the capacity that exited.

Case events name their `case_id`; the energy service's also carry the `state` and next
`deadline`, the technology service's are mapped to states here. An exit event (technology's
passed on-site acceptance, energy's verified shutdown) puts the capacity on the exit list with
its legal basis; a revival found later marks it `revived`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_aggregator.adapters.tables import cases, exits
from phaseout_shared.contracts.base import EventPayload
from phaseout_shared.envelope import Envelope

STATES = {
    "phaseout.technology.case.opened.v1": "open",
    "phaseout.technology.shutdown.ordered.v1": "open",
    "phaseout.technology.ditiaogang.investigation_opened.v1": "open",
    "phaseout.technology.case.dismantled.v1": "dismantled",
    "phaseout.technology.case.sealed.v1": "sealed",
    "phaseout.technology.case.acceptance_passed.v1": "exited",
    "phaseout.technology.case.acceptance_failed.v1": "open",
    "phaseout.technology.case.revival_found.v1": "open",
}
"""Technology's case events carry no state: the state each one leaves its case in."""

EXITS = {
    "phaseout.technology.case.acceptance_passed.v1",
    "phaseout.energy.shutdown.verified.v1",
}
REVIVALS = {"phaseout.technology.case.revival_found.v1"}


def _dimension(envelope: Envelope) -> str:
    return envelope.type.split(".")[1]


async def project_case(session: AsyncSession, envelope: Envelope, payload: EventPayload) -> None:
    """Bring the case to the state of its latest effective event (late events lose)."""
    p: Any = payload
    state = getattr(p, "state", None) or STATES.get(envelope.type)
    if state is None:
        return
    values: dict[str, Any] = {
        "dimension": _dimension(envelope),
        "case_id": str(p.case_id),
        "uscc": envelope.subject,
        "district": str(p.district),
        "state": str(state),
        "deadline": getattr(p, "deadline", None),
        "opened_on": p.effective_on,
        "updated_on": p.effective_on,
        "last_event": envelope.type,
        "recorded_at": envelope.time,
    }
    statement = insert(cases).values(values)
    newer = or_(
        cases.c.updated_on < statement.excluded.updated_on,
        (cases.c.updated_on == statement.excluded.updated_on)
        & (cases.c.recorded_at <= statement.excluded.recorded_at),
    )
    keep = {"dimension", "case_id", "opened_on"}
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[cases.c.dimension, cases.c.case_id],
            set_={k: statement.excluded[k] for k in values if k not in keep},
            where=newer,
        )
    )


async def project_exit(session: AsyncSession, envelope: Envelope, payload: EventPayload) -> None:
    p: Any = payload
    if envelope.type in REVIVALS:
        await session.execute(
            update(exits)
            .where(
                exits.c.dimension == _dimension(envelope),
                exits.c.case_id == str(p.case_id),
            )
            .values(status="revived")
        )
        return
    if envelope.type not in EXITS:
        return
    item = getattr(p, "kind", None) or f"{p.standard} {p.indicator_id}"
    values = {
        "dimension": _dimension(envelope),
        "case_id": str(p.case_id),
        "uscc": p.uscc,
        "district": str(p.district),
        "industry": str(p.industry),
        "item": item,
        "capacity_amount": p.capacity_amount,
        "capacity_unit": p.capacity_unit,
        "rule": getattr(p, "rule", None) or f"{p.standard} {p.indicator_id}",
        "catalogue_version": str(p.catalogue_version),
        "opened_on": None,
        "exited_on": p.effective_on,
        "status": "exited",
    }
    statement = insert(exits).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[exits.c.dimension, exits.c.case_id],
            set_={k: statement.excluded[k] for k in values if k not in ("dimension", "case_id")},
        )
    )
