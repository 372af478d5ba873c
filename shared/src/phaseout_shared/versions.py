"""Versions of the mutable resources: `ETag` out, `If-Match` in, and no lost update.

Every aggregate row (a register entry, a case, a tip, a referral …) has a version that counts
its changes. A route that reads or changes one resource named in its path declares it with
`phaseout_shared.deps.versioned(kind)` (the resource's table): the unit of work then answers
the resource's version as a strong `ETag` ("3"), and refuses with 412 a request whose `If-Match`
names another version — checked when the resource is loaded, before anything is decided.
Without `If-Match` a write is still safe: the resource is loaded with its row locked, so
concurrent writers are served one after the other, each seeing the change before it, and the
row is written back only if its version is still the one loaded (otherwise 409, never a silent
overwrite).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fastapi import Response
from sqlalchemy.ext.asyncio import AsyncSession

from phaseout_shared.domain.errors import Conflict, PreconditionFailed

IF_MATCH_DESCRIPTION = (
    "Apply the change only if the resource is still at this version: the `ETag` of an "
    'earlier answer (e.g. `"3"`), or `*`. Otherwise 412, and nothing changes.'
)
_TAG = re.compile(r'\s*(W/)?"([^"]*)"\s*')
_LEDGER = "phaseout.versions"


def etag(version: int) -> str:
    """The strong entity tag of a version."""
    return f'"{version}"'


def matches(if_match: str, version: int) -> bool:
    """Whether an `If-Match` field value holds for `version` (strong comparison, RFC 9110)."""
    if if_match.strip() == "*":
        return True
    for part in if_match.split(","):
        found = _TAG.fullmatch(part)
        if found is not None and found.group(1) is None and found.group(2) == str(version):
            return True
    return False


@dataclass
class Versions:
    """The versions one transaction loaded and wrote, and its precondition on its target."""

    target: str | None = None
    """The kind (table) of the resource the route names in its path, if any."""
    if_match: str | None = None
    response: Response | None = None
    target_id: str | None = None
    checked: bool = False
    """Whether the target was loaded, and `If-Match` (if any) checked against it."""
    loaded: dict[tuple[str, str], int] = field(default_factory=dict)

    def load(self, kind: str, id_: str, version: int) -> None:
        """A resource was read: remember its version; if it is the target, check `If-Match`."""
        self.loaded.setdefault((kind, id_), version)
        if kind != self.target or self.target_id not in (None, id_):
            return
        if self.target_id is None:
            self.target_id, self.checked = id_, True
            if self.if_match is not None and not matches(self.if_match, version):
                raise PreconditionFailed(
                    f"{kind} {id_} is at version {etag(version)}, not {self.if_match}: "
                    "read it again and decide on what it holds now",
                    field="If-Match",
                    rule="concurrency.if_match",
                )
        self._tag(version)

    def save(self, kind: str, id_: str, version: int) -> None:
        """A resource was written at `version` (created, if it is 1)."""
        self.loaded[(kind, id_)] = version
        if kind == self.target and self.target_id is None and version == 1:
            self.target_id = id_
        if kind == self.target and self.target_id == id_:
            self._tag(version)

    def expected(self, kind: str, id_: str) -> int | None:
        """The version this transaction loaded (or wrote last), which a write must still find."""
        return self.loaded.get((kind, id_))

    def check_done(self) -> None:
        """An `If-Match` on a route whose target was never loaded cannot hold."""
        if self.if_match is not None and not self.checked:
            raise PreconditionFailed(
                "If-Match names a version, but this request reads no versioned resource",
                field="If-Match",
                rule="concurrency.if_match",
            )

    def _tag(self, version: int) -> None:
        if self.response is not None:
            self.response.headers["ETag"] = etag(version)


def of(session: AsyncSession) -> Versions:
    """The versions of the transaction `session` runs (a plain one for consumers and scripts)."""
    ledger = session.info.get(_LEDGER)
    if not isinstance(ledger, Versions):
        ledger = session.info[_LEDGER] = Versions()
    return ledger


def bind(session: AsyncSession, versions: Versions) -> None:
    session.info[_LEDGER] = versions


def stale_write(kind: str, id_: str) -> Conflict:
    """The 409 of a write that found the row changed since this transaction loaded it."""
    return Conflict(
        f"{kind} {id_} was changed by another writer since it was read; read it again",
        field="version",
        rule="concurrency.version",
    )


WRITES = ("post", "put", "patch", "delete")
CONFLICT = (
    "Conflict with the resource's current state: an act its state or its last act does not "
    "allow (the reason and the rule are named), or a change another writer made first"
)
STALE = "The `If-Match` names a version the resource no longer has; nothing changed"


def document(schema: dict[str, Any], problem: dict[str, Any]) -> None:
    """Document the concurrency answers in an OpenAPI schema: 409 on every write, 412 where
    `If-Match` is taken, and the `ETag` of the answers of versioned routes."""
    body = {"application/json": {"schema": problem}}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            conditional = any(
                p.get("in") == "header" and p.get("name") == "If-Match"
                for p in operation.get("parameters", [])
            )
            if method in WRITES:
                responses.setdefault("409", {"description": CONFLICT, "content": body})
            if conditional:
                responses.setdefault("412", {"description": STALE, "content": body})
                for status, answer in responses.items():
                    if status.startswith("2"):
                        answer.setdefault("headers", {})["ETag"] = ETAG_HEADER


ETAG_HEADER = {
    "description": 'The resource\'s version, a strong entity tag (e.g. `"3"`), for `If-Match`',
    "schema": {"type": "string"},
}
