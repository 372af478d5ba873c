"""The two read routes every agency's cases share: a page of cases, and one case.

Energy, environment, quality and safety list their cases by enterprise, district, industry,
state (or superseded) and the day they were overdue before, and read one case by its id within
the reader's jurisdiction. `add_case_reads` writes both routes onto a service's router; what
differs between the services — what overdue means there, the reach of a list, the case's path
parameter — is said by its parameters.

Both are written by `record_routes.Records`, under the names `list_cases` and `read_case`.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from fastapi import APIRouter

from phaseout_shared.aggregates import A, Repository, list_page
from phaseout_shared.params import OVERDUE_AS_OF, CaseId, SupersedableStateQ
from phaseout_shared.record_routes import Before, Choice, Lister, Records

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
    reads = Records(router, cases, tags=tags, listing=listing)
    reads.list_route(
        path,
        Choice("state", STATE_QUERY[states]),
        Before("overdue_as_of", overdue),
        name="list_cases",
    )
    reads.read_route(f"{path}/{{case_id}}", case_id, name="read_case", doc=read_description)
