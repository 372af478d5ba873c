"""The read check (`scope`) and the write table (`writes`), without a broker or a database."""

from importlib import import_module
from pathlib import Path

import pytest

from phaseout_shared import writes
from phaseout_shared.auth import Principal
from phaseout_shared.domain.errors import Forbidden
from phaseout_shared.reference import OWNERS, Agency, Dimension
from phaseout_shared.scope import Scope, authorise_read
from phaseout_shared.settings import Settings
from phaseout_shared.web import create_app

README = Path(__file__).parents[3] / "README.md"


def scope(agency: str | None, jurisdiction: str = "city") -> Scope:
    return Scope.of(Principal(sub="t", agency=agency, jurisdiction=jurisdiction))


@pytest.mark.parametrize(
    ("agency", "jurisdiction", "dimension", "district", "sees"),
    [
        ("miit", "city", "quality", "luohu", True),  # the city bureau
        (None, "city", "safety", "futian", True),  # the city government
        (None, "luohu", "quality", "luohu", True),  # a district government: every dimension
        (None, "luohu", "quality", "futian", False),
        ("miit", "luohu", "technology", "luohu", True),
        ("miit", "luohu", "technology", "futian", False),
        ("miit", "luohu", "quality", "luohu", False),
        ("mee", "city", "environment", "futian", True),
        ("mee", "city", "energy", "futian", False),
        ("water", "city", "energy", "baoan", True),
        ("water", "city", "technology", "baoan", False),
        ("drc", "baoan", "technology", "baoan", True),
        ("samr", "city", "quality", None, True),
        ("samr", "baoan", "quality", None, False),  # a city-wide record: city officers only
    ],
)
def test_a_fact_is_seen_inside_the_owner_and_district_scope(
    agency: str | None, jurisdiction: str, dimension: str, district: str | None, sees: bool
) -> None:
    caller = scope(agency, jurisdiction)
    assert caller.covers(dimension, district) is sees
    if sees:
        caller.check(dimension, district)
    else:
        with pytest.raises(Forbidden):
            caller.check(dimension, district)


def test_a_refusal_names_what_is_outside() -> None:
    with pytest.raises(Forbidden) as outside_dimension:
        scope("mee", "luohu").check("energy", "luohu")
    assert outside_dimension.value.field == "agency"
    with pytest.raises(Forbidden) as outside_district:
        scope("mee", "luohu").check("environment", "futian")
    assert outside_district.value.field == "district"
    with pytest.raises(Forbidden) as by_id:
        authorise_read(Principal(sub="t", agency="mee", jurisdiction="luohu"), "futian")
    assert by_id.value.field == "district"


@pytest.mark.parametrize(
    ("agency", "jurisdiction", "sender", "receiver", "sees"),
    [
        ("drc", "city", "technology", "drc", True),  # the receiver
        ("water", "city", "technology", "drc", False),  # another receiver's
        ("miit", "luohu", "technology", "drc", True),  # technology's lead sent it
        ("drc", "city", "energy", "water", True),  # energy's co-lead sent it
        ("drc", "city", "technology", "water", False),  # drc leads no technology work
        ("mee", "city", "environment", "miit", True),
        ("mee", "city", "technology", "drc", False),
        ("samr", "luohu", "technology", "water", False),
        ("mem", "luohu", "technology", "drc", False),
        (None, "luohu", "technology", "drc", True),  # the district's government
        (None, "futian", "technology", "drc", False),
        ("drc", "futian", "technology", "drc", False),  # the receiver, in another district
        ("miit", "city", "environment", "samr", True),  # the city bureau
    ],
)
def test_a_referral_is_read_by_its_parties(
    agency: str | None, jurisdiction: str, sender: str, receiver: str, sees: bool
) -> None:
    assert scope(agency, jurisdiction).reads_referral(sender, receiver, "luohu") is sees


def test_water_and_drc_write_only_their_pricing_and_market_access() -> None:
    energy, technology = writes.WRITES[Dimension.ENERGY], writes.WRITES[Dimension.TECHNOLOGY]
    water = {r for r, agencies in energy.items() if Agency.WATER in agencies}
    assert water == {
        "POST /v1/pricing-measures",
        "POST /v1/pricing-measures/{measure_id}/end",
        "POST /v1/referrals/{referral_id}/acceptance",
        "POST /v1/referrals/{referral_id}/action",
        "POST /v1/referrals/{referral_id}/declination",
    }
    assert {r for r, agencies in technology.items() if Agency.DRC in agencies} == {
        "POST /v1/project-checks"
    }
    for dimension, routes in writes.WRITES.items():
        for route, agencies in routes.items():
            assert agencies <= OWNERS[dimension], (dimension, route)


@pytest.mark.parametrize("dimension", list(Dimension))
def test_the_table_names_every_write_route_and_nothing_else(dimension: Dimension) -> None:
    spec = import_module(f"phaseout_{dimension.value}.main").SPEC
    create_app(spec, Settings(service=dimension.value))  # refuses to build on a mismatch
    with pytest.raises(RuntimeError, match="missing"):
        writes.check_routes(dimension, [*writes.WRITES[dimension], "POST /v1/new-thing"])
    with pytest.raises(RuntimeError, match="naming no route"):
        writes.check_routes(dimension, list(writes.WRITES[dimension])[1:])


def test_an_unnamed_route_admits_no_one() -> None:
    assert writes.allowed(Dimension.ENERGY, "POST", "/v1/not-in-the-table") == frozenset()


def test_the_readme_shows_the_table() -> None:
    assert writes.markdown_table() in README.read_text(encoding="utf-8")
