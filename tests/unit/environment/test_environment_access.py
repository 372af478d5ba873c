"""Who may write: mee alone, a district officer only in the district, and an officer's role."""

from typing import Any, cast

import pytest

from phaseout_environment.app.desk import DESK
from phaseout_shared.auth import Principal
from phaseout_shared.domain.errors import Forbidden
from phaseout_shared.reference import CITY
from phaseout_shared.unit_of_work import UnitOfWork


class Caller:
    """Just what `authorise` reads of a unit of work: who is calling."""

    def __init__(self, agency: str | None, jurisdiction: str, roles: tuple[str, ...]) -> None:
        self.principal = Principal(
            sub="t", agency=cast(Any, agency), jurisdiction=jurisdiction, roles=list(roles)
        )


def work(
    agency: str | None, jurisdiction: str, roles: tuple[str, ...] = ("officer",)
) -> UnitOfWork:
    return cast(UnitOfWork, Caller(agency, jurisdiction, roles))


@pytest.mark.parametrize(
    ("agency", "jurisdiction", "district"),
    [("mee", "city", "baoan"), ("mee", "baoan", "baoan"), ("mee", "city", "city")],
)
def test_mee_officers_write_within_their_jurisdiction(
    agency: str, jurisdiction: str, district: str
) -> None:
    DESK.authorise(work(agency, jurisdiction), district)


@pytest.mark.parametrize(
    ("agency", "jurisdiction", "roles", "district", "field"),
    [
        ("miit", "city", ("officer",), "baoan", "agency"),
        ("samr", "baoan", ("officer",), "baoan", "agency"),
        (None, "baoan", ("officer",), "baoan", "agency"),
        ("mee", "city", ("reader",), "baoan", "roles"),
        ("mee", "luohu", ("officer",), "baoan", "district"),
        ("mee", "baoan", ("officer",), "city", "district"),
    ],
)
def test_everyone_else_is_refused_naming_why(
    agency: str | None, jurisdiction: str, roles: tuple[str, ...], district: str, field: str
) -> None:
    with pytest.raises(Forbidden) as refused:
        DESK.authorise(work(agency, jurisdiction, roles), district)
    assert refused.value.field == field


def test_writes_for_the_whole_city_need_a_city_officer() -> None:
    with pytest.raises(Forbidden):
        DESK.authorise(work("mee", "nanshan"), CITY)
    DESK.authorise(work("mee", "city"), CITY)
