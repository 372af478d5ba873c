"""What the integration and end-to-end tests share: codes, tokens, waiting."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from phaseout_shared.reference import USCC_ALPHABET, uscc_check_character

T = TypeVar("T")


def make_uscc(rng: random.Random) -> str:
    """A valid code: 91 (enterprise), 440300 (Shenzhen), 9 random characters, check character."""
    body = "91440300" + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc_check_character(body)


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
