"""The routes every agency service writes alike for one kind of record: a page of them, one by
its key, and an act that a command of the service's `app` carries out.

A list narrows by the enterprise, district and industry (`Where`), by one filter of its own
(a state, a verdict, a result) and, where the kind has one, by a day (overdue, expired). A read
answers one record within the reader's jurisdiction, with its `ETag`. An act opens the caller's
unit of work, runs the command with the path's parameters and the body's fields as keywords,
and answers what the command returns; an act on one record holds the request to its
`If-Match`, an act that records something new answers 201.

`Records` writes these routes onto a service's router; what differs between them — the path,
its parameters' types, the filters, the command and its body — is said by its arguments. The
routes keep the names, texts and parameters their OpenAPI operations had when each service
wrote them by hand: each endpoint carries the signature (`__signature__`) and the name such a
function had, which is what FastAPI reads its parameters and operation from.
"""

import inspect
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, get_type_hints

from fastapi import APIRouter, Query, status
from pydantic import BaseModel

from phaseout_shared.aggregates import A, Filters, Repository, list_page
from phaseout_shared.deps import Page, PageParams, Paging, Work, versioned
from phaseout_shared.limits import Day
from phaseout_shared.params import Where, read_one
from phaseout_shared.unit_of_work import UnitOfWork

Lister = Callable[[Repository[A], UnitOfWork, PageParams, Filters], Awaitable[Page[A]]]
"""How a service reads one page of a kind under filters (`aggregates.list_page`, or one that
first checks the filters against the reader's district)."""

Command = Callable[..., Awaitable[object]]
"""A command of a service's `app`: the unit of work first, then the path's parameters and the
body's fields as keywords; it answers the record it acted on."""


@dataclass(frozen=True)
class Choice:
    """A list's own filter: the query parameter `name`, one of the values `annotation` admits
    (`one_of(SomeState)` for an enum)."""

    name: str
    annotation: object


@dataclass(frozen=True)
class Before:
    """A list's filter on a day: the query parameter `name` (`overdue_as_of`,
    `expired_as_of`) and what it selects."""

    name: str
    description: str


def one_of(values: object) -> object:
    """The annotation of an optional query filter on one of `values` (an enum, a `Literal`)."""
    return Annotated[values | None, Query()]  # type: ignore[operator]


def _param(
    name: str, annotation: object, default: object = inspect.Parameter.empty
) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def _route(
    router: APIRouter,
    path: str,
    endpoint: Callable[..., Awaitable[object]],
    parameters: Sequence[inspect.Parameter],
    *,
    name: str,
    method: str,
    response_model: object,
    tags: Sequence[str],
    doc: str | None = None,
    status_code: int | None = None,
) -> None:
    """Add `endpoint` to `router` as the route a hand-written function `name(parameters)` with
    the docstring `doc` would be: the same operation id, summary, description and parameters."""
    endpoint.__signature__ = inspect.Signature(list(parameters))  # type: ignore[attr-defined]
    endpoint.__name__ = endpoint.__qualname__ = name
    endpoint.__doc__ = doc
    router.add_api_route(
        path,
        endpoint,
        methods=[method],
        response_model=response_model,
        status_code=status_code,
        tags=list(tags),
    )


class Records(Generic[A]):
    """The routes of one kind of record (`repository`) on a service's `router`, under `tags`;
    its lists read through `listing`."""

    def __init__(
        self,
        router: APIRouter,
        repository: Repository[A],
        *,
        tags: Sequence[str],
        listing: Lister[A] = list_page,
    ) -> None:
        self.router = router
        self.repository = repository
        self.tags = list(tags)
        self.listing = listing
        self.work_on_one: object = Annotated[UnitOfWork, versioned(repository.kind)]
        """The unit of work of a route on one record: its `ETag`, and the caller's `If-Match`."""

    def list_route(
        self,
        path: str,
        choice: Choice | None = None,
        day: Before | None = None,
        *,
        name: str | None = None,
    ) -> None:
        """`GET path`: a page of the records under `Where`, `choice` and `day`; named `name`,
        by default `list_<the path's last part>`."""
        repository, listing = self.repository, self.listing

        async def endpoint(**given: Any) -> Page[A]:
            state = given[choice.name] if choice else None
            on = given[day.name] if day else None
            filters = given["where"].filters(state, on)
            return await listing(repository, given["work"], given["paging"], filters)

        parameters = [_param("work", Work), _param("paging", Paging), _param("where", Where)]
        if choice:
            parameters.append(_param(choice.name, choice.annotation, None))
        if day:
            on = Annotated[Day | None, Query(description=day.description)]
            parameters.append(_param(day.name, on, None))
        name = name or "list_" + path.rsplit("/", 1)[-1].replace("-", "_")
        model: Any = repository.model
        _route(
            self.router,
            path,
            endpoint,
            parameters,
            name=name,
            method="GET",
            response_model=Page[model],
            tags=self.tags,
        )

    def read_route(
        self, path: str, key: object, *, name: str | None = None, doc: str | None = None
    ) -> None:
        """`GET path`: one record by the path's last parameter, of type `key`, within the
        reader's jurisdiction; named `name`, by default `read_<the path's part before it,
        singular>`, and documented by `doc`."""
        repository, param = self.repository, _parameters(path)[-1]
        kind = path.rsplit("/", 2)[-2].replace("-", "_").removesuffix("s")

        async def endpoint(**given: Any) -> A:
            return await read_one(repository, given["work"], given[param])

        _route(
            self.router,
            path,
            endpoint,
            [_param(param, key), _param("work", self.work_on_one)],
            name=name or f"read_{kind}",
            method="GET",
            response_model=repository.model,
            tags=self.tags,
            doc=doc,
        )

    def act_route(
        self,
        path: str,
        command: Command,
        body: type[BaseModel],
        doc: str | None = None,
        *,
        new: bool = False,
        method: str = "POST",
        name: str | None = None,
        renamed: Mapping[str, str] | None = None,
        **params: object,
    ) -> None:
        """`method path`: `command(work, **params, **body)`, run in the caller's unit of work,
        its answer the route's (documented as the command's return type); `params` are the
        types of the path's parameters, in its order.

        `new`: the act records a new record (201, and the plain unit of work); otherwise it acts
        on the one record the path names (its `ETag`, and the caller's `If-Match`). The route is
        named `name`, by default after the command, and documented by `doc`. `renamed` maps a
        body's field to the command's keyword where the request names it otherwise."""
        keyword = dict(renamed or {})
        if [*params] != _parameters(path):
            raise ValueError(f"{path}: give the types of its parameters {_parameters(path)}")
        _check_keywords(command, [*params, *(keyword.get(f, f) for f in body.model_fields)])

        async def endpoint(**given: Any) -> object:
            work: UnitOfWork = given["work"]
            fields = {keyword.get(f, f): v for f, v in given["body"].model_dump().items()}
            async with work:
                return await command(work, **{p: given[p] for p in params}, **fields)

        answer = get_type_hints(command)["return"]
        _route(
            self.router,
            path,
            endpoint,
            [
                *(_param(p, annotation) for p, annotation in params.items()),
                _param("body", body),
                _param("work", Work if new else self.work_on_one),
            ],
            name=name or command.__name__,
            method=method,
            response_model=answer,
            tags=self.tags,
            doc=doc,
            status_code=status.HTTP_201_CREATED if new else None,
        )


def _check_keywords(command: Command, given: Sequence[str]) -> None:
    """Refuse, when the service is built, a command that would not take what its route gives it
    (after its unit of work): a keyword it does not know, or one it needs and is not given;
    otherwise every request to the route would fail."""
    taken = [*inspect.signature(command).parameters.values()][1:]
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in taken):
        return
    names = {p.name for p in taken}
    unknown = [g for g in given if g not in names]
    missing = [
        p.name
        for p in taken
        if p.default is inspect.Parameter.empty
        and p.kind is not inspect.Parameter.VAR_POSITIONAL
        and p.name not in given
    ]
    if unknown or missing:
        raise TypeError(f"{command.__name__} does not take {unknown} or is not given {missing}")


def _parameters(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)
