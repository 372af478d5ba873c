"""The demo city's year 2019 (工作进度), planned from the seed before anything is sent.

Each enterprise is given at most one story — a survey that eliminates a line which is then sealed
or dismantled and accepted on site; an energy inspection over the limit that is rectified,
extended, or ends in a shutdown; an environment restriction or a closure the government approves;
a failed spot check rectified or ending in revocation; a safety hazard, a suspension lifted, or a
closure — written as the requests each agency's officers make, in the order they make them.
The city-wide overdue sweeps run between the two halves of the stories (`after_sweep`).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from phaseout_cli.demo_catalogue import ENERGY, EQUIPMENT
from phaseout_cli.demo_city import NO_QUALITY_LAW, DemoEnterprise
from phaseout_cli.demo_steps import SWEEP_ON, Step, Story, Year
from phaseout_cli.demo_stories import BUILDERS

__all__ = ["SWEEP_ON", "Assignment", "Step", "Story", "eligible", "plan"]

WEIGHTS: dict[Story, int] = {
    Story.TECH_SEALED: 6,
    Story.TECH_DISMANTLED: 6,
    Story.TECH_PENDING: 3,
    Story.TECH_ALLOWED: 4,
    Story.ENERGY_RECTIFIED: 10,
    Story.ENERGY_EXTENDED: 10,
    Story.ENERGY_OVERDUE: 12,
    Story.ENERGY_FAILED: 10,
    Story.ENERGY_OPEN: 6,
    Story.ENV_RESTRICTED: 5,
    Story.ENV_CLOSED: 4,
    Story.QUALITY_RECTIFIED: 4,
    Story.QUALITY_OVERDUE: 2,
    Story.QUALITY_FAILED: 2,
    Story.SAFETY_HAZARD: 4,
    Story.SAFETY_LIFTED: 4,
    Story.SAFETY_CLOSED: 3,
    Story.NOTHING: 12,
}
"""How often each story is drawn among those an enterprise's industry allows; energy's
stories are weighted up because only two industries have a loaded limit."""


@dataclass(frozen=True)
class Assignment:
    enterprise: DemoEnterprise
    story: Story
    steps: tuple[Step, ...]


def eligible(e: DemoEnterprise) -> list[Story]:
    """The stories an enterprise's industry allows (Table 1 limits, Table 3's law, Table 5)."""
    stories = [s for s in Story if s.dimension in (None, "environment", "safety", "technology")]
    if EQUIPMENT[e.industry].allowed is None:
        stories.remove(Story.TECH_ALLOWED)
    if e.industry in ENERGY:
        stories += [s for s in Story if s.dimension == "energy"]
    if e.industry not in NO_QUALITY_LAW:
        stories += [s for s in Story if s.dimension == "quality"]
    return stories


def plan(city: Iterable[DemoEnterprise], seed: int) -> list[Assignment]:
    """Every enterprise's story of 2019, the same for the same seed."""
    out = []
    for e in city:
        rng = random.Random(f"{seed}:{e.uscc}")
        stories = eligible(e)
        story = rng.choices(stories, [WEIGHTS[s] for s in stories])[0]
        dimension = story.dimension
        steps = tuple(BUILDERS[dimension](Year(e, rng), story)) if dimension else ()
        out.append(Assignment(e, story, steps))
    return out
