"""HTTP load: a closed loop of N clients, and an open loop at a fixed offered rate."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

Request = tuple[str, str, dict[str, Any]]
"""(method, url, json body)"""


@dataclass
class Outcome:
    sent: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    """From the first request sent to the last answer."""
    offered_seconds: float = 0.0
    """From the first request sent to the last one sent (open loop)."""
    accepted: list[int] = field(default_factory=list)
    """Indexes of the requests answered 2xx."""
    sent_at: dict[int, float] = field(default_factory=dict)
    """Wall-clock send time of each request (time.time())."""

    @property
    def ok(self) -> int:
        return sum(n for s, n in self.statuses.items() if 200 <= s < 300)

    def count(self, index: int, status: int, latency: float) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.latencies.append(latency)
        if 200 <= status < 300:
            self.accepted.append(index)


def client(concurrency: int, timeout: float = 30) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(timeout=timeout, limits=limits)


async def _one(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    index: int,
    request: Request,
    out: Outcome,
) -> None:
    method, url, body = request
    out.sent += 1
    out.sent_at[index] = time.time()
    started = time.perf_counter()
    try:
        r = await http.request(method, url, json=body, headers=headers)
        out.count(index, r.status_code, time.perf_counter() - started)
    except httpx.HTTPError as exc:
        out.errors.append(f"{type(exc).__name__}: {exc}")


async def closed_loop(
    requests: Sequence[Request], headers: dict[str, str], concurrency: int
) -> Outcome:
    """`concurrency` clients, each sending its next request when the last one is answered."""
    out = Outcome()
    queue = iter(enumerate(requests))
    async with client(concurrency) as http:

        async def worker() -> None:
            for index, request in queue:
                await _one(http, headers, index, request, out)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        out.seconds = time.perf_counter() - started
    return out


async def open_loop(
    make: Callable[[int], Request],
    headers: dict[str, str],
    rate: float,
    duration: float,
    max_in_flight: int = 256,
) -> Outcome:
    """Send request i at `i / rate` seconds whether or not earlier ones were answered (up to
    `max_in_flight` outstanding: beyond that the offered rate is not achieved, and that shows)."""
    out = Outcome()
    total = int(rate * duration)
    gate = asyncio.Semaphore(max_in_flight)
    tasks: list[asyncio.Task[None]] = []
    async with client(max_in_flight) as http:

        async def send(i: int) -> None:
            try:
                await _one(http, headers, i, make(i), out)
            finally:
                gate.release()

        started = time.perf_counter()
        for i in range(total):
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await gate.acquire()
            tasks.append(asyncio.create_task(send(i)))
        out.offered_seconds = time.perf_counter() - started
        await asyncio.gather(*tasks)
        out.seconds = time.perf_counter() - started
    return out
