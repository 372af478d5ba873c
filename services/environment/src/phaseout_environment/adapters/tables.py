"""The environment service's tables: its aggregates, and the catalogue versions mee made.

Each aggregate is kept whole as JSON with the columns its lists filter on (`aggregate_table`).
The `state` column holds what the lists filter by; `due_on` what an overdue list compares: a
case's measure deadline, a conversion's due date, a list entry's timetable, a permit's last day.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import MetaData, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_environment.domain.case import EnvironmentCase
from phaseout_environment.domain.catalogue import Catalogue, shipped
from phaseout_environment.domain.lifecycle import OPEN_STATES
from phaseout_environment.domain.lists import ListEntry, ListStatus
from phaseout_environment.domain.measurement import RecordedMeasurement
from phaseout_environment.domain.monitoring import OnlineMonitoring
from phaseout_environment.domain.permits import Permit, PermitState
from phaseout_environment.domain.survey import EquipmentState, SurveyedEquipment
from phaseout_shared.aggregates import Repository, aggregate_table, row_columns
from phaseout_shared.city_time import city_date
from phaseout_shared.domain.errors import Conflict
from phaseout_shared.versions import of as versions_of

METADATA = MetaData()

TABLES = ("list_entries", "permits", "monitoring", "measurements", "equipment", "cases")
list_entries, permits, monitoring, measurements, equipment, cases = (
    aggregate_table(name, METADATA) for name in TABLES
)
catalogues = aggregate_table("catalogues", METADATA)

A = TypeVar("A", bound=BaseModel)


def _entry(e: ListEntry) -> dict[str, Any]:
    return row_columns(e, e.id, e.status, e.last_act_on, e.due_on)


def _permit(p: Permit) -> dict[str, Any]:
    return row_columns(p, p.permit_no, p.state, p.recorded_on, p.valid_until)


def _monitoring(m: OnlineMonitoring) -> dict[str, Any]:
    return row_columns(m, m.uscc, m.state, m.effective_on)


def _measurement(m: RecordedMeasurement) -> dict[str, Any]:
    return row_columns(m, str(m.measurement_id), m.assessment.verdict, m.sampled_on)


def _equipment(e: SurveyedEquipment) -> dict[str, Any]:
    return row_columns(e, e.id, e.state, e.converted_on or e.surveyed_on, e.due_on)


def _case(c: EnvironmentCase) -> dict[str, Any]:
    return row_columns(c, str(c.case_id), c.state, c.last_act_on, c.deadline)


LIST_ENTRIES = Repository(
    list_entries,
    ListEntry,
    _entry,
    open_states=[ListStatus.KEY_SUPERVISION, ListStatus.DAILY_PATROL],
    noun="list_entry",
)
PERMITS = Repository(permits, Permit, _permit, open_states=[PermitState.ISSUED])
MONITORING = Repository(monitoring, OnlineMonitoring, _monitoring)
MEASUREMENTS = Repository(measurements, RecordedMeasurement, _measurement)
EQUIPMENT = Repository(
    equipment, SurveyedEquipment, _equipment, open_states=[EquipmentState.TO_CONVERT]
)
CASES = Repository(cases, EnvironmentCase, _case, open_states=list(OPEN_STATES))


async def add_new(
    repo: Repository[A], session: AsyncSession, aggregate: A, now: Any, what: str
) -> None:
    """Insert an aggregate whose id the caller chose; Conflict if that id is taken, even by a
    concurrent request (a permit number, an item at a site, an enterprise on a year's list)."""
    row = {**repo.columns(aggregate), "version": 1, "updated_at": now}
    statement = (
        insert(repo.table)
        .values(row | {"doc": aggregate.model_dump(mode="json")})
        .on_conflict_do_nothing()
        .returning(repo.table.c.id)
    )
    if (await session.execute(statement)).first() is None:
        raise Conflict(f"{what} {row['id']} is already recorded", field="id")
    versions_of(session).save(repo.kind, row["id"], 1)


async def current_catalogue(session: AsyncSession) -> Catalogue:
    """The latest catalogue version: the newest amendment mee made, or the shipped version 1."""
    row = (
        await session.execute(select(catalogues.c.doc).order_by(catalogues.c.id.desc()).limit(1))
    ).first()
    return shipped() if row is None else Catalogue.model_validate(row.doc)


async def add_catalogue(session: AsyncSession, catalogue: Catalogue, now: Any) -> None:
    """Keep a new catalogue version; Conflict if another amendment made that version first."""
    values = {
        "id": f"{catalogue.version:08d}",
        "uscc": None,
        "district": None,
        "industry": None,
        "state": "published",
        "due_on": None,
        "effective_on": city_date(now),
        "version": 1,
        "updated_at": now,
        "doc": catalogue.model_dump(mode="json", by_alias=True),
    }
    statement = (
        insert(catalogues).values(values).on_conflict_do_nothing().returning(catalogues.c.id)
    )
    if (await session.execute(statement)).first() is None:
        raise Conflict(
            f"catalogue version {catalogue.version} was made meanwhile; reload and retry",
            field="version",
        )
