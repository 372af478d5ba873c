"""`phaseout demo`: a fictional city loaded through the public APIs, deterministic from a seed.

A few hundred enterprises with valid codes across the eleven districts and twelve industries go
on the registers of the agencies that supervise their industry; then the year 2019 happens to
them (see `demo_year`): surveys, inspections, cases, extensions, orders, closures, acceptances
and exits at each agency, the overdue sweeps, the receivers' answers to referrals, and the
year's reports in the city bureau's calendar. Every write goes through a service's API with a
development token; loading the same city twice adds nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import httpx
from rich.progress import Progress

from phaseout_cli import demo_run as run
from phaseout_cli import demo_watch
from phaseout_cli.demo_city import DemoEnterprise, enterprises
from phaseout_cli.demo_year import plan

__all__ = ["DemoEnterprise", "enterprises", "load", "load_city", "local"]
Services = Mapping[str, int | str]
"""Each service's port on this machine, or its base URL (on a container network)."""


def local(services: Services) -> dict[str, str]:
    """Base URLs: a port means the service listens on this machine."""
    return {
        name: where if isinstance(where, str) else f"http://127.0.0.1:{where}"
        for name, where in services.items()
    }


async def load_city(
    services: Services, private_key: str, *, count: int, seed: int, year: bool = True
) -> run.Tally:
    """Register the city and, unless `year` is false, play its year; returns what was done."""
    city = list(enterprises(count, seed))
    tally = run.Tally()
    limits = httpx.Limits(max_connections=run.CONCURRENCY * 2)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        c = run.Client(http, local(services), private_key)
        with Progress(transient=False) as progress:
            new = await run.register(c, city, tally, progress)
            if not year:
                return tally
            todo = [
                a
                for a in plan(city, seed)
                if a.steps and f"{a.enterprise.uscc}:{a.story.dimension}" in new
            ]
            tally.stories = len(todo)
            await run.play(c, todo, False, tally, progress)
            if todo:
                await run.sweep(c)
            await run.play(c, todo, True, tally, progress)
            if todo:
                ours = {a.enterprise.uscc for a in todo}
                await run.answer_referrals(c, seed, ours, tally, progress)
            await run.submit(c, seed, tally)
            everyone = [a for a in plan(city, seed) if a.steps]
            tally.feed_rows = await demo_watch.load(
                c.urls["technology"], c.tokens["miit"], city, everyone, seed
            )
    return tally


def load(
    services: Services,
    private_key: str,
    *,
    count: int = 300,
    seed: int = 2019,
    year: bool = True,
) -> int:
    """Load the demo city; returns how many registrations were accepted."""
    tally = asyncio.run(load_city(services, private_key, count=count, seed=seed, year=year))
    if year:
        print(
            f"demo: {tally.stories} stories of 2019 told in {tally.requests} requests, "
            f"{tally.referrals} answers to referrals, {tally.submissions} reports submitted, "
            f"{tally.feed_rows} rows of 2018–2020's electricity and invoices for the revival watch"
        )
    return tally.registrations
