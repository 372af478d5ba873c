"""A document's number in the bureau's scheme, and whose prefix it takes."""

from __future__ import annotations

import pytest

from phaseout_shared.documents import KINDS, PREFIXES, number_of, prefix_of, printing
from phaseout_shared.reference import OWNERS, Agency, Dimension
from phaseout_shared.settings import Settings


def test_the_number_reads_as_the_bureau_writes_it() -> None:
    assert number_of("深工信节能", 2019, 12) == "深工信节能〔2019〕12号"


def test_every_owner_of_a_dimension_has_a_prefix_of_its_own() -> None:
    kit = printing(Settings(service="energy"))
    for dimension, agencies in OWNERS.items():
        prefixes = {prefix_of(kit, dimension, agency) for agency in agencies}
        assert len(prefixes) == len(agencies), dimension
    assert set(PREFIXES) <= {(d, a) for d, owners in OWNERS.items() for a in owners}


def test_a_deployment_sets_an_agencys_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHASEOUT_DOCUMENT_PREFIXES", '{"miit": "深工信节能监察"}')
    monkeypatch.setenv("PHASEOUT_DOCUMENT_PUBLIC_URL", "https://phaseout.example.gov.cn/energy/")
    kit = printing(Settings(service="energy"))
    assert prefix_of(kit, Dimension.ENERGY, Agency.MIIT) == "深工信节能监察"
    assert prefix_of(kit, Dimension.ENERGY, Agency.DRC) == "深发改节能"
    assert kit.public_url == "https://phaseout.example.gov.cn/energy"


def test_kinds_that_set_a_deadline_are_orders_and_records_are_signed() -> None:
    assert {k for k, kind in KINDS.items() if kind.deadline} == {
        "rectification_notice",
        "shutdown_order",
        "closure_order",
    }
    assert {k for k, kind in KINDS.items() if kind.signed} == {
        "acceptance_record",
        "public_commitment",
    }
