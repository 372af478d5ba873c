"""Where an enterprise is: one value an aggregate's constructor takes."""

from dataclasses import FrozenInstanceError

import pytest

from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.domain.facts import Site, site_of
from phaseout_shared.reference import District, Industry

USCC = "91440300708461136T"


def test_a_site_gives_its_enterprise_district_and_industry_as_keywords() -> None:
    site = Site(USCC, District.BAOAN, Industry.STEEL)
    assert site.fields() == {"uscc": USCC, "district": District.BAOAN, "industry": Industry.STEEL}
    assert Site.of(site) == site
    assert site_of(site) == site.fields()


def test_the_records_own_industry_stands_where_given() -> None:
    without = Site(USCC, District.PINGSHAN)
    assert without.fields(Industry.CEMENT)["industry"] is Industry.CEMENT
    assert Site(USCC, District.PINGSHAN, Industry.STEEL).fields(Industry.CEMENT)["industry"] is (
        Industry.CEMENT
    )


def test_a_site_without_an_industry_is_refused_where_one_is_needed() -> None:
    with pytest.raises(InvalidInput) as refused:
        Site(USCC, District.PINGSHAN).fields()
    assert refused.value.field == "industry"


def test_a_site_is_frozen() -> None:
    site = Site(USCC, District.BAOAN, Industry.STEEL)
    with pytest.raises(FrozenInstanceError):
        site.district = District.FUTIAN  # type: ignore[misc]
