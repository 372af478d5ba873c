"""Admission: what every request must pass before a route, a parser or the database sees it.

In this order, each answered in the platform's 4xx shape:
1. a NUL character in the path or the query string: 422 (PostgreSQL cannot store one, and a
   file name cannot hold one);
2. a write (POST, PUT, PATCH, DELETE) without a valid bearer token: 401, before the body is
   read, so that an anonymous caller costs nothing to refuse;
3. a body over `max_body_bytes`: 413, from its Content-Length before reading it, or as soon as
   the bytes read pass the limit;
4. a body holding a NUL character (raw or escaped as `\\u0000`) or a lone surrogate escape
   (`\\ud800`, which no UTF-8 text can hold): 422 (but for a file whose format is binary, an
   xlsx workbook, which the route reading it checks value by value).
The body read here is handed on to the app, which therefore reads it only once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from phaseout_shared import messages
from phaseout_shared.limits import clip

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
VERIFIED = "verified_principal"
"""Where the request's state keeps the token and the principal verified from it."""

_ESCAPED_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_ESCAPED_SURROGATE = re.compile(rb"(?<!\\)(?:\\\\)*\\u[dD][89a-fA-F][0-9a-fA-F]{2}")

Verifier = Callable[[str], object]
"""Verifies a bearer token: returns the principal or raises (any exception refuses it)."""


class Refusal(Exception):
    def __init__(self, status: int, field: str | None, reason: str, rule: str) -> None:
        super().__init__(reason)
        self.status, self.field, self.reason, self.rule = status, field, reason, rule


def _nul_in_target(scope: Scope) -> str | None:
    if "\x00" in scope.get("path", "") or b"%00" in (scope.get("raw_path") or b""):
        return "path"
    query: bytes = scope.get("query_string", b"")
    if b"\x00" in query or b"%00" in query:
        return "query"
    return None


def _where(value: Any, found: Callable[[str], bool], path: tuple[str, ...] = ()) -> str | None:
    """The dotted path of the first key or string in a decoded JSON value that `found`."""
    if isinstance(value, str):
        return (".".join(path) or "body") if found(value) else None
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            name = str(key)
            if found(name):
                return ".".join((*path, name))
            hit = _where(item, found, (*path, name))
            if hit is not None:
                return hit
    return None


def _field(body: bytes, found: Callable[[str], bool]) -> str:
    """The field of a JSON body at fault, named as the caller wrote it (else `body`)."""
    try:
        return _where(json.loads(body), found) or "body"
    except ValueError:
        return "body"


def _has_nul(text: str) -> bool:
    return "\x00" in text


def _not_utf8(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


BINARY = frozenset({"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
"""Bodies that are files, not text: a workbook is a zip archive, full of NUL bytes; the route
that takes one checks each value it reads from it."""


def _check_body(body: bytes, content_type: str) -> None:
    if content_type.split(";")[0].strip().lower() in BINARY:
        return
    if b"\x00" in body:
        raise Refusal(422, "body", "NUL characters are not accepted", "input.nul")
    if _ESCAPED_NUL.search(body):
        field = _field(body, _has_nul) if "json" in content_type else "body"
        raise Refusal(422, field, "NUL characters (\\u0000) are not accepted", "input.nul")
    if "json" in content_type and _ESCAPED_SURROGATE.search(body):
        try:
            lone = _where(json.loads(body), _not_utf8)
        except ValueError:
            return  # not JSON: the app answers that
        if lone is not None:
            reason = "a lone surrogate (\\ud800-\\udfff) is not a character"
            raise Refusal(422, lone, reason, "input.text")


class Admission:
    """The ASGI middleware that admits requests (see the module's docstring)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        verify: Verifier,
        streamed: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.verify = verify
        self.streamed = dict(streamed or {})
        """Routes whose body is a file's bytes, with their own limit: checked against its
        Content-Length here, then streamed to the route (which counts what really comes)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            receive = await self._admit(scope, receive)
        except Refusal as refusal:
            await _answer(send, refusal, Headers(scope=scope).get("accept-language"))
            return
        await self.app(scope, receive, send)

    async def _admit(self, scope: Scope, receive: Receive) -> Receive:
        where = _nul_in_target(scope)
        if where is not None:
            raise Refusal(422, where, "NUL characters (%00) are not accepted", "input.nul")
        headers = Headers(scope=scope)
        if scope["method"] in WRITE_METHODS:
            self._authenticate(scope, headers.get("authorization"))
        file_limit = self.streamed.get(scope["path"])
        if file_limit is not None and scope["method"] in WRITE_METHODS:
            length = headers.get("content-length")
            if length is not None and length.isdigit() and int(length) > file_limit:
                raise Refusal(
                    413, "body", f"the file is over the limit of {file_limit} bytes", "body.size"
                )
            return receive
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            raise self._too_large()
        if scope["method"] not in WRITE_METHODS:
            return receive
        body = await self._read(receive)
        _check_body(body, headers.get("content-type", ""))
        return _replay(body, receive)

    def _authenticate(self, scope: Scope, authorization: str | None) -> None:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Refusal(401, "authorization", "a bearer token is required", "auth.token")
        try:
            principal = self.verify(token)
        except Exception as exc:
            reason = getattr(exc, "reason", None) or "invalid token"
            raise Refusal(401, "authorization", str(reason), "auth.token") from None
        # The route's dependencies read it from `request.state` instead of verifying again.
        scope.setdefault("state", {})[VERIFIED] = (token, principal)

    async def _read(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise self._too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _too_large(self) -> Refusal:
        return Refusal(
            413, "body", f"the body is over the limit of {self.max_body_bytes} bytes", "body.size"
        )


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that yields the body already read, then what the client sends next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _answer(send: Send, refusal: Refusal, accept_language: str | None = None) -> None:
    reason = refusal.reason
    if accept_language:
        reason = messages.localise(reason, messages.language(accept_language)) or reason
    item: dict[str, Any] = {
        "field": refusal.field,
        "reason": clip(reason),
        "rule": refusal.rule,
    }
    payload = json.dumps({"detail": [item]}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(payload))]
    if refusal.status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
