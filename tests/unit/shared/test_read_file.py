"""`web.read_file`: a route's file body, read as it comes and refused past its limit."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from starlette.requests import Request
from starlette.types import Message

from phaseout_shared.domain.errors import InvalidInput, TooLarge
from phaseout_shared.web import read_file


def request_of(chunks: Sequence[bytes]) -> Request:
    messages = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]
    sent: list[int] = []

    async def receive() -> Message:
        sent.append(1)
        return messages.pop(0)

    request = Request({"type": "http", "method": "POST", "headers": []}, receive)
    request.state.chunks_read = sent
    return request


async def test_a_body_within_its_limit_is_read_whole() -> None:
    assert await read_file(request_of([b"uscc,", b"account\n", b"x,y\n"]), 20) == (
        b"uscc,account\nx,y\n"
    )


async def test_a_body_past_its_limit_is_refused_before_the_rest_is_read() -> None:
    request = request_of([b"a" * 8, b"b" * 8, b"c" * 8, b"d" * 8])
    with pytest.raises(TooLarge) as refused:
        await read_file(request, 20)
    assert refused.value.field == "body" and "20 bytes" in refused.value.reason
    assert len(request.state.chunks_read) == 3


async def test_an_empty_body_is_refused_naming_the_body() -> None:
    with pytest.raises(InvalidInput) as refused:
        await read_file(request_of([b""]), 20)
    assert refused.value.field == "body"
