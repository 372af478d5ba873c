"""Domain errors. The API maps them in one place: 404, 409, 412, 413, 415 and 422 with the field
or rule."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the plan refused what was asked."""

    def __init__(self, reason: str, *, field: str | None = None, rule: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field
        self.rule = rule


class InvalidInput(DomainError):
    """The input cannot be judged: a missing, unknown, negative or wrongly typed value (422)."""


class NotFound(DomainError):
    """The thing named does not exist (404)."""


class Conflict(DomainError):
    """The request contradicts the current state (409): an act the state does not allow, an act
    dated before the last one recorded, or a change another writer made first."""


class PreconditionFailed(DomainError):
    """The caller's `If-Match` names a version the resource no longer has (412)."""


class NotApplicable(DomainError):
    """The plan or the law puts this outside the dimension (422, naming the reason)."""


class Forbidden(DomainError):
    """The caller may not do this (403)."""


class TooLarge(DomainError):
    """Over a size limit (413): a file larger than the platform keeps."""


class UnsupportedType(DomainError):
    """Content of a type the platform does not accept, or not what its type says (415)."""
