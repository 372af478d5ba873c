"""Which version of the catalogue judges a reading, and questions asked without a reading."""

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
from energy_examples import ALUMINIUM, CATALOGUE, inspection

from phaseout_energy.domain.amendment import apply_amendment
from phaseout_energy.domain.assess import assess_measurement
from phaseout_energy.domain.catalogue import Amendment, Source
from phaseout_energy.domain.inspection import RecordedInspection
from phaseout_shared.contracts.energy import AmendmentKind, Verdict
from phaseout_shared.domain.errors import InvalidInput
from phaseout_shared.reference import Agency, Industry

CLINKER = "gb16780.clinker_coal"


def amended_from(effective_from: date) -> Amendment:
    return Amendment(
        kind=AmendmentKind.SET_LIMIT,
        standard="GB 16780-2012",
        indicator_id=CLINKER,
        limit=Decimal("112"),
        unit="kgce/t",
        source=Source(document="GB 16780-2012 表 1"),
        effective_from=effective_from,
        amended_by=Agency.DRC,
        officer="officer-3",
    )


def test_a_figure_applies_from_its_effective_date() -> None:
    v2, _ = apply_amendment(CATALOGUE, amended_from(date(2019, 1, 1)))
    assert not v2.applies_on(CLINKER, date(2018, 12, 31))
    assert v2.applies_on(CLINKER, date(2019, 1, 1))
    assert v2.applies_on(ALUMINIUM, date(2000, 1, 1)), "no date of its own: always"


def test_an_indicator_a_version_lacks_is_not_in_force_in_it() -> None:
    assert not CATALOGUE.applies_on("gb16780.not_there", date(2019, 6, 1))


@pytest.mark.parametrize("industry", [Industry.DYEING, Industry.LEAD_ACID_BATTERY])
def test_industries_without_a_limit_need_no_reading(industry: Industry) -> None:
    answer = assess_measurement(industry, None, None, None, CATALOGUE)
    assert answer.verdict is Verdict.NOT_APPLICABLE and len(answer.covered_by) == 4


@pytest.mark.parametrize("missing", ["indicator_id", "measured_value", "unit"])
def test_other_industries_need_the_whole_reading(missing: str) -> None:
    given: dict[str, object] = {
        "indicator_id": ALUMINIUM,
        "measured_value": Decimal("13800"),
        "unit": "kWh/t",
        missing: None,
    }
    with pytest.raises(InvalidInput) as raised:
        assess_measurement(
            Industry.ELECTROLYTIC_ALUMINIUM,
            given["indicator_id"],  # type: ignore[arg-type]
            given["measured_value"],  # type: ignore[arg-type]
            given["unit"],  # type: ignore[arg-type]
            CATALOGUE,
        )
    assert raised.value.field == missing


def test_a_whole_reading_is_judged() -> None:
    answer = assess_measurement(
        Industry.ELECTROLYTIC_ALUMINIUM, ALUMINIUM, Decimal("13800"), "kWh/t", CATALOGUE
    )
    assert (answer.verdict, answer.limit, answer.catalogue_version) == (
        Verdict.OVER_LIMIT,
        Decimal("13700"),
        1,
    )


def test_a_recorded_inspection_keeps_as_json() -> None:
    found = inspection()
    kept = RecordedInspection(inspection=found, assessment=found.assess(CATALOGUE), case_id=uuid4())
    assert RecordedInspection.model_validate(kept.model_dump(mode="json")) == kept
