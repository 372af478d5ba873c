"""Which events supersede, and which services listen for them (the consumers' wiring)."""

from types import SimpleNamespace

import pytest

from phaseout_shared.contracts.environment import ClosureScope
from phaseout_shared.contracts.supersession import SUPERSEDING
from phaseout_shared.outbox import topic_of
from phaseout_shared.supersession import SHUTDOWNS


@pytest.mark.parametrize(
    ("scope", "shuts"), [(ClosureScope.ENTERPRISE, True), (ClosureScope.LINE, False)]
)
def test_an_environment_closure_supersedes_only_for_the_whole_enterprise(
    scope: ClosureScope, shuts: bool
) -> None:
    assert (
        SHUTDOWNS["phaseout.environment.closure.ordered.v1"](SimpleNamespace(scope=scope)) is shuts
    )


def test_quality_revocations_and_technology_acceptances_are_no_shutdowns() -> None:
    assert not any(".quality." in t for t in SHUTDOWNS)
    assert "phaseout.technology.case.acceptance_passed.v1" not in SHUTDOWNS


def test_each_superseding_service_listens_to_the_others_only() -> None:
    from phaseout_energy.main import SPEC as energy
    from phaseout_environment.main import SPEC as environment
    from phaseout_quality.main import SPEC as quality
    from phaseout_safety.main import SPEC as safety
    from phaseout_technology.main import SPEC as technology

    for spec in (energy, environment, quality, safety, technology):
        (listens,) = [c for c in spec.consumers if c.name == f"{spec.name}-supersession"] or [None]
        if spec.name not in SUPERSEDING:
            assert listens is None
            continue
        assert listens is not None and topic_of(spec.name) not in listens.topics
        others = {topic_of(t.split(".")[1]) for t in SHUTDOWNS} - {topic_of(spec.name)}
        assert set(listens.topics) == others
