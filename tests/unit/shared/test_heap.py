"""A started service's heap: what starting left is frozen out of the collector's walks, and the
youngest generation is collected after `YOUNG_COLLECTION` new objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from phaseout_shared import web


@pytest.fixture
def collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_settling_the_heap_freezes_what_starting_left_and_collects_the_young_less_often(
    collector: None,
) -> None:
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    web.settle_heap()
    assert gc.get_freeze_count() > 1000
    assert gc.get_threshold() == (web.YOUNG_COLLECTION, 10, 10)
    assert web.YOUNG_COLLECTION > 700
