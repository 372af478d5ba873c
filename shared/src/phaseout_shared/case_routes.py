"""The two read routes every agency's cases share: a page of cases, and one case.

Energy, environment, quality and safety list their cases by enterprise, district, industry,
state (or superseded) and the day they were overdue before, and read one case by its id within
the reader's jurisdiction. `add_case_reads` writes both routes onto a service's router; what
differs between the services — what overdue means there, the reach of a list, the case's path
parameter — is said by its parameters.

This module keeps its annotations evaluated (no `from __future__ import annotations`): FastAPI
reads the routes' parameter types, which depend on the service, from the functions themselves.
"""

from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from phaseout_shared.aggregates import A, Filters, Repository, list_page
from phaseout_shared.deps import Page, PageParams, Paging, Work, versioned
from phaseout_shared.limits import Day
from phaseout_shared.params import OVERDUE_AS_OF, CaseId, SupersedableStateQ, Where, read_one
from phaseout_shared.unit_of_work import UnitOfWork

Lister = Callable[[Repository[A], UnitOfWork, PageParams, Filters], Awaitable[Page[A]]]
"""How a service reads one page of its cases under filters (`aggregates.list_page`, or one that
first checks the filters against the reader's district)."""
STATE_QUERY: Any = SupersedableStateQ
"""The state filter, given the dimension's states when the routes are made."""


def add_case_reads(
    router: APIRouter,
    cases: Repository[A],
    states: type[StrEnum],
    *,
    overdue: str = OVERDUE_AS_OF,
    path: str = "/cases",
    tags: Sequence[str] = ("cases",),
    listing: Lister[A] = list_page,
    case_id: Any = CaseId,
    read_description: str | None = None,
) -> None:
    """Add `GET {path}` (a page of `cases`) and `GET {path}/{case_id}` (one case) to `router`.

    `states` is the dimension's case states (a list filters on one of them, or superseded);
    `overdue` describes the `overdue_as_of` filter where the dimension says more of it;
    `listing` reads the page; `case_id` is the path parameter's type; `read_description`
    documents the read.
    """
    work_on_case = Annotated[UnitOfWork, versioned(cases.kind)]

    async def list_cases(
        work: Work,
        paging: Paging,
        where: Where,
        state: str | None = None,
        overdue_as_of: date | None = None,
    ) -> Page[A]:
        return await listing(cases, work, paging, where.filters(state, overdue_as_of))

    async def read_case(case_id: UUID, work: UnitOfWork) -> A:
        return await read_one(cases, work, case_id)

    # The service's own types, for FastAPI to validate and document the parameters with.
    list_cases.__annotations__.update(
        state=STATE_QUERY[states],
        overdue_as_of=Annotated[Day | None, Query(description=overdue)],
    )
    read_case.__annotations__.update(case_id=case_id, work=work_on_case)
    model: Any = cases.model
    router.add_api_route(
        path, list_cases, methods=["GET"], response_model=Page[model], tags=list(tags)
    )
    router.add_api_route(
        f"{path}/{{case_id}}",
        read_case,
        methods=["GET"],
        response_model=model,
        tags=list(tags),
        description=read_description,
    )
