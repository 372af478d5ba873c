"""What the integration and end-to-end tests share: codes, tokens, waiting."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiokafka import AIOKafkaConsumer

from phaseout_shared.bus import KafkaAccess
from phaseout_shared.reference import USCC_ALPHABET, uscc_check_character

T = TypeVar("T")


async def dead_letter(kafka: KafkaAccess, topic: str, event_id: str) -> dict[str, bytes] | None:
    """The headers of the dead letter of an event (by its `ce_id`) on `topic`, if there is one."""
    consumer = AIOKafkaConsumer(
        topic, **kafka.options(), auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=2000, max_records=10_000)
    finally:
        await consumer.stop()
    for records in batches.values():
        for r in records:
            headers = dict(r.headers)
            if headers.get("ce_id") == event_id.encode():
                return headers
    return None


_ISSUED: set[str] = set()
"""Every code made in this test run: two modules seeded alike must not share an enterprise (one
test's events would land in the other's story)."""


def make_uscc(rng: random.Random) -> str:
    """A valid code: 91 (enterprise), 440300 (Shenzhen), 9 random characters, check character;
    reproducible from `rng`, and never one made before in this run."""
    while True:
        body = "91440300" + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
        code = body + uscc_check_character(body)
        if code not in _ISSUED:
            _ISSUED.add(code)
            return code


async def eventually(
    probe: Callable[[], Awaitable[T | None]], *, within: float = 20.0, every: float = 0.1
) -> T:
    """Poll until `probe` returns something other than None; fail after `within` seconds."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        value = await probe()
        if value is not None:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(every)
