"""Background workers of a service: supervised, restarted after a failure, stopped together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)

WorkerFactory = Callable[[], Coroutine[Any, Any, None]]


async def pause(stop: asyncio.Event, seconds: float) -> None:
    """Sleep for `seconds`, or less if the service is stopping."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def supervise(name: str, start: WorkerFactory, stop: asyncio.Event) -> None:
    """Run a worker until the service stops, restarting it with backoff when it fails."""
    delay = 0.5
    while not stop.is_set():
        try:
            await start()
            delay = 0.5
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("worker %s failed; restarting in %.1fs", name, delay)
            await pause(stop, delay)
            delay = min(delay * 2, 30)
