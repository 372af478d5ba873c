"""Commands on what mee keeps of enterprises: the lists, the permits, online monitoring."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from phaseout_environment.adapters.tables import LIST_ENTRIES, MONITORING, PERMITS
from phaseout_environment.app.desk import DESK
from phaseout_environment.app.findings import permits_of
from phaseout_environment.domain.lists import ListEntry, entry_key
from phaseout_environment.domain.monitoring import OnlineMonitoring
from phaseout_environment.domain.permits import Permit, Standing
from phaseout_shared import register
from phaseout_shared.contracts.environment import ListKind
from phaseout_shared.domain.facts import Site
from phaseout_shared.scope import authorise_read
from phaseout_shared.unit_of_work import UnitOfWork


async def add_list_entry(
    work: UnitOfWork,
    *,
    year: int,
    uscc: str,
    list_kind: ListKind,
    key_discharge_unit: bool,
    requirements: Sequence[str],
    due_on: date,
    effective_on: date,
) -> ListEntry:
    """Put an enterprise on a year's list, with requirements and a timetable."""
    return await DESK.open(
        work,
        LIST_ENTRIES,
        uscc,
        "add",
        lambda site: ListEntry.add(
            year=year,
            site=site,
            list_kind=list_kind,
            key_discharge_unit=key_discharge_unit,
            requirements=requirements,
            due_on=due_on,
            effective_on=effective_on,
        ),
        dates={"effective_on": effective_on},
        changes={"list_kind": list_kind, "due_on": due_on},
    )


async def move_list_entry(
    work: UnitOfWork,
    year: int,
    uscc: str,
    *,
    list_kind: ListKind,
    reason: str,
    key_discharge_unit: bool | None,
    effective_on: date,
) -> ListEntry:
    """The lists are dynamic: the enterprise moves to the other list (not in the future)."""
    return await DESK.act(
        work,
        LIST_ENTRIES,
        entry_key(year, uscc),
        "move",
        lambda entry: entry.move(list_kind, reason, effective_on, key_discharge_unit),
        dates={"effective_on": effective_on},
        changes={"list_kind": list_kind, "reason": reason, "key": key_discharge_unit},
    )


async def complete_list_entry(
    work: UnitOfWork, year: int, uscc: str, *, note: str, effective_on: date
) -> ListEntry:
    """What the list required is done."""
    return await DESK.act(
        work,
        LIST_ENTRIES,
        entry_key(year, uscc),
        "complete",
        lambda entry: entry.complete(note, effective_on),
        dates={"effective_on": effective_on},
        changes={"note": note},
    )


async def remove_list_entry(
    work: UnitOfWork, year: int, uscc: str, *, reason: str, effective_on: date
) -> ListEntry:
    """Off the list, saying why."""
    return await DESK.act(
        work,
        LIST_ENTRIES,
        entry_key(year, uscc),
        "remove",
        lambda entry: entry.remove(reason, effective_on),
        dates={"effective_on": effective_on},
        changes={"reason": reason},
    )


async def record_permit(
    work: UnitOfWork,
    *,
    uscc: str,
    permit_no: str,
    scope: Sequence[str],
    valid_from: date,
    valid_until: date,
    effective_on: date,
) -> Permit:
    """Record a pollutant-discharge permit (排污许可证)."""
    return await DESK.open(
        work,
        PERMITS,
        uscc,
        "record",
        lambda site: Permit.record(
            permit_no=permit_no,
            site=site,
            scope=scope,
            valid_from=valid_from,
            valid_until=valid_until,
            effective_on=effective_on,
        ),
        dates={"effective_on": effective_on},
        changes={"valid_until": valid_until},
    )


async def revoke_permit(
    work: UnitOfWork, permit_no: str, *, reason: str, effective_on: date
) -> Permit:
    return await DESK.act(
        work,
        PERMITS,
        permit_no,
        "revoke",
        lambda permit: permit.revoke(reason, effective_on),
        dates={"effective_on": effective_on},
        changes={"reason": reason},
    )


async def permit_status(work: UnitOfWork, uscc: str, as_of: date) -> Standing:
    """Whether the enterprise holds a valid permit on a day, and each permit's status then."""
    enterprise = await register.get(work.session, uscc)
    authorise_read(work.principal, enterprise.district)
    return Standing.of(uscc, await permits_of(work, uscc), as_of)


async def record_monitoring(
    work: UnitOfWork,
    *,
    uscc: str,
    installable: bool,
    installed: bool,
    connected: bool,
    effective_on: date,
) -> OnlineMonitoring:
    """Online monitoring as found: installable, installed, connected to the bureau."""
    enterprise = await DESK.admit(work, uscc, effective_on=effective_on)
    found = OnlineMonitoring.found(
        site=Site.of(enterprise),
        installable=installable,
        installed=installed,
        connected=connected,
        effective_on=effective_on,
    )
    changes = {"state": found.state}
    return await DESK.keep_latest(
        work, MONITORING, found, "record", changes, OnlineMonitoring.supersede
    )
