"""When samr hears of a shutdown: when it is ordered, in every dimension (docs/domain.md, 5).

对因工艺装备落后、环保和能耗不达标被依法关停的企业，提请相关发证部门注销生产许可证: one trigger
per dimension, each the event its order records (each dimension's lifecycle test checks that
its act records it), never a later one (a verification, the closure done, an acceptance).
"""

from phaseout_quality.main import SHUTDOWNS


def test_samr_hears_of_a_shutdown_when_it_is_ordered_in_every_dimension() -> None:
    assert sorted(SHUTDOWNS) == [
        "phaseout.energy.shutdown.ordered.v1",
        "phaseout.environment.closure.ordered.v1",
        "phaseout.safety.case.closure_decided.v1",
        "phaseout.technology.case.opened.v1",
    ]
    later = {"verified", "closed", "acceptance_passed", "rechecked"}
    assert not [t for t in SHUTDOWNS if set(t.split(".")[2:4]) & later]
