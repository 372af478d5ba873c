"""The list, read and act routes of a kind of record, as `record_routes.Records` writes them."""

from __future__ import annotations

import inspect
from datetime import date
from types import TracebackType
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy import MetaData

from phaseout_shared.aggregates import Repository, aggregate_table
from phaseout_shared.params import CaseId, UsccPath
from phaseout_shared.record_routes import Before, Choice, Records, one_of
from phaseout_shared.unit_of_work import UnitOfWork

USCC = "91440300708461136T"


class Thing(BaseModel):
    thing_id: UUID
    note: str


class NoteIn(BaseModel):
    note: str
    effective_on: date


THINGS = Repository(aggregate_table("things", MetaData()), Thing, lambda t: {"id": str(t.thing_id)})


class Work:
    """Stands in for the caller's unit of work: it only says whether it is open."""

    def __init__(self) -> None:
        self.open = False
        self.opened = 0

    async def __aenter__(self) -> Work:
        self.open, self.opened = True, self.opened + 1
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.open = False


calls: list[dict[str, Any]] = []


async def note_thing(work: UnitOfWork, thing_id: UUID, *, note: str, effective_on: date) -> Thing:
    """A command of an app: what it was called with, and whether the unit of work was open."""
    opened = isinstance(work, Work) and work.open
    calls.append({"open": opened, "thing_id": thing_id, "note": note, "on": effective_on})
    return Thing(thing_id=thing_id, note=note)


async def add_thing(work: UnitOfWork, uscc: str, *, note: str, effective_on: date) -> Thing:
    """A command that records a new thing at an enterprise."""
    return Thing(thing_id=uuid4(), note=f"{uscc}: {note}")


def route(router: APIRouter, path: str, method: str) -> APIRoute:
    (found,) = [
        r
        for r in router.routes
        if isinstance(r, APIRoute) and r.path == path and r.methods == {method}
    ]
    return found


async def test_an_act_runs_its_command_in_the_open_unit_of_work_with_the_path_and_the_body() -> (
    None
):
    router = APIRouter()
    Records(router, THINGS, tags=["things"]).act_route(
        "/things/{thing_id}/note", note_thing, NoteIn, "Note a thing.", thing_id=CaseId
    )
    act = route(router, "/things/{thing_id}/note", "POST")
    work, thing_id = Work(), uuid4()
    calls.clear()

    done = await act.endpoint(
        thing_id=thing_id, body=NoteIn(note="seen", effective_on=date(2026, 3, 1)), work=work
    )

    assert done == Thing(thing_id=thing_id, note="seen")
    assert calls == [{"open": True, "thing_id": thing_id, "note": "seen", "on": date(2026, 3, 1)}]
    assert (work.opened, work.open) == (1, False)
    assert act.name == "note_thing"
    assert act.description == "Note a thing."
    assert act.response_model is Thing
    assert act.status_code is None
    assert act.tags == ["things"]
    assert [*inspect.signature(act.endpoint).parameters] == ["thing_id", "body", "work"]


def test_an_act_that_records_something_new_answers_201_under_the_name_given() -> None:
    router = APIRouter()
    Records(router, THINGS, tags=["things"]).act_route(
        "/enterprises/{uscc}/things", add_thing, NoteIn, new=True, name="add_thing", uscc=UsccPath
    )
    act = route(router, "/enterprises/{uscc}/things", "POST")
    assert (act.name, act.status_code, act.description) == ("add_thing", 201, "")


def test_an_act_names_the_types_of_exactly_its_paths_parameters() -> None:
    things = Records(APIRouter(), THINGS, tags=["things"])
    with pytest.raises(ValueError, match=r"\['uscc', 'thing_id'\]"):
        things.act_route(
            "/enterprises/{uscc}/things/{thing_id}", note_thing, NoteIn, thing_id=CaseId
        )


class OtherNoteIn(BaseModel):
    remark: str
    effective_on: date


def test_a_command_that_would_not_take_what_its_route_gives_is_refused_when_built() -> None:
    things = Records(APIRouter(), THINGS, tags=["things"])
    with pytest.raises(TypeError, match=r"note_thing does not take \['remark'\]"):
        things.act_route("/things/{thing_id}/note", note_thing, OtherNoteIn, thing_id=CaseId)
    with pytest.raises(TypeError, match=r"is not given \['thing_id'\]"):
        things.act_route("/enterprises/{uscc}/note", note_thing, NoteIn, uscc=UsccPath)
    things.act_route(
        "/things/{thing_id}/note",
        note_thing,
        OtherNoteIn,
        thing_id=CaseId,
        renamed={"remark": "note"},
    )


def test_a_list_and_a_read_are_named_after_their_path_and_take_the_filters_given() -> None:
    router = APIRouter()
    things = Records(router, THINGS, tags=["things"])
    things.list_route(
        "/noted-things", Choice("state", one_of(bool)), Before("overdue_as_of", "Due before")
    )
    things.read_route("/noted-things/{thing_id}", CaseId)

    listed = route(router, "/noted-things", "GET")
    read = route(router, "/noted-things/{thing_id}", "GET")
    assert listed.name == "list_noted_things"
    assert [*inspect.signature(listed.endpoint).parameters] == [
        "work",
        "paging",
        "where",
        "state",
        "overdue_as_of",
    ]
    assert read.name == "read_noted_thing"
    assert read.response_model is Thing
    assert [*inspect.signature(read.endpoint).parameters] == ["thing_id", "work"]


async def test_an_act_gives_a_field_the_request_names_otherwise_under_the_commands_keyword() -> (
    None
):
    class RemarkIn(BaseModel):
        remark: str
        effective_on: date

    router = APIRouter()
    Records(router, THINGS, tags=["things"]).act_route(
        "/things/{thing_id}/remark",
        note_thing,
        RemarkIn,
        renamed={"remark": "note"},
        thing_id=CaseId,
    )
    thing_id = uuid4()
    calls.clear()

    await route(router, "/things/{thing_id}/remark", "POST").endpoint(
        thing_id=thing_id,
        body=RemarkIn(remark="sealed", effective_on=date(2026, 3, 2)),
        work=Work(),
    )

    assert calls == [{"open": True, "thing_id": thing_id, "note": "sealed", "on": date(2026, 3, 2)}]
