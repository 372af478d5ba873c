"""Authentication and authorisation: bearer JWTs naming agency, jurisdiction and roles.

Tokens are signed with Ed25519 (EdDSA) by whoever issues them; services hold only the public
key. Writes are accepted only from a dimension's owning agencies, and from a district officer
only for enterprises of that district.
"""

from __future__ import annotations

import functools
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, ValidationError
from starlette.routing import BaseRoute

from phaseout_shared import writes
from phaseout_shared.admission import VERIFIED
from phaseout_shared.domain.errors import DomainError, Forbidden
from phaseout_shared.reference import CITY, OWNERS, Agency, Dimension, District

ALGORITHM = "EdDSA"
WRITE_ROLES = frozenset({"officer"})
"""Roles that may write. `reader` may only read."""
ROLES = frozenset({"officer", "reader"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
RECORDS_NOTHING = {"x-records-nothing": True}
"""`openapi_extra` of a POST that only computes an answer (an assessment): any caller may ask."""


class Unauthenticated(DomainError):
    """No token, or one that cannot be verified (401)."""


class Principal(BaseModel):
    """Who is calling, acting for which agency, where, in which roles."""

    sub: str = Field(min_length=1, max_length=200, description="Who, as the audit records it")
    agency: Agency | None = Field(
        default=None, description="The bureau; none for a district or city government officer"
    )
    jurisdiction: District | str = Field(description="`city` or a district code")
    roles: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=20)

    @property
    def city_wide(self) -> bool:
        return self.jurisdiction == CITY

    def covers(self, district: str) -> bool:
        """Whether the principal's jurisdiction includes the district."""
        return self.city_wide or self.jurisdiction == district


def _check_jurisdiction(value: str) -> str:
    if value != CITY and value not in District.__members__.values():
        raise Unauthenticated(f"unknown jurisdiction {value!r} in token", field="jurisdiction")
    return value


MAX_LIFETIME = timedelta(hours=24)
"""The longest a token may live from its issue to its expiry, by default
(`PHASEOUT_JWT_MAX_LIFETIME_HOURS`)."""


def _check_lifetime(claims: dict[str, object], max_lifetime: timedelta) -> None:
    issued, expires = claims["iat"], claims["exp"]
    assert isinstance(issued, int | float) and isinstance(expires, int | float)
    if expires - issued > max_lifetime.total_seconds():
        hours = max_lifetime.total_seconds() / 3600
        raise Unauthenticated(
            f"the token lives longer than {hours:g} hours from its issue", field="authorization"
        )


@functools.lru_cache(maxsize=8)
def public_key(pem: str) -> Ed25519PublicKey | str:
    """The verification key of a PEM text, parsed once (not at every token); a text that is
    no Ed25519 public key is left to the JWT library to refuse, as before."""
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError:
        return pem
    return key if isinstance(key, Ed25519PublicKey) else pem


def verify(
    token: str,
    key: str,
    *,
    issuer: str,
    audience: str,
    max_lifetime: timedelta = MAX_LIFETIME,
) -> Principal:
    """The principal of a valid token, or Unauthenticated saying why. A token must say when it
    was issued, and live no longer than `max_lifetime` from then."""
    try:
        claims = jwt.decode(
            token,
            public_key(key),
            algorithms=[ALGORITHM],
            issuer=issuer,
            audience=audience,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
        _check_lifetime(claims, max_lifetime)
        _check_jurisdiction(str(claims.get("jurisdiction")))
        return Principal.model_validate(claims)
    except jwt.PyJWTError as exc:
        raise Unauthenticated(f"invalid token: {exc}", field="authorization") from exc
    except ValidationError as exc:
        raise Unauthenticated(f"invalid token claims: {exc}", field="authorization") from exc


class VerifiedTokens:
    """`verify` remembered: a token verified once is not verified again (its signature checked,
    its claims read) on every request that carries it, only until it expires. An official's
    browser or a system sends the same token with each of its calls; a signature check costs
    more than the rest of admitting the request.

    Only tokens that passed are kept (a refused one is checked again each time, so nothing a
    caller sends can make a later token pass), at most `size` of them, the least recently used
    forgotten first; an entry is used only between the token's `iat` (and `nbf`) and its `exp`,
    as the verification would have it, by `clock` (seconds since the epoch)."""

    def __init__(
        self,
        verify: Callable[[str], Principal],
        *,
        size: int = 4096,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._verify = verify
        self._size = size
        self._clock = clock
        self._kept: OrderedDict[str, tuple[Principal, float, float]] = OrderedDict()

    def __call__(self, token: str) -> Principal:
        now = self._clock()
        kept = self._kept.get(token)
        if kept is not None:
            principal, valid_from, expires = kept
            if valid_from <= now < expires:
                self._kept.move_to_end(token)
                return principal
            del self._kept[token]
        principal = self._verify(token)  # raises Unauthenticated for a token that fails
        window = _validity(token)
        if window is not None:
            self._kept[token] = (principal, *window)
            if len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return principal


def _validity(token: str) -> tuple[float, float] | None:
    """When a verified token may be used: from its `iat` (or a later `nbf`) to its `exp`;
    None if it does not say (then it is not kept)."""
    claims = jwt.decode(token, options={"verify_signature": False})
    issued, expires, not_before = claims.get("iat"), claims.get("exp"), claims.get("nbf", 0)
    numbers = (issued, expires, not_before)
    if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in numbers):
        return None
    assert isinstance(issued, int | float) and isinstance(expires, int | float)
    assert isinstance(not_before, int | float)
    return max(issued, not_before), expires


def issue(
    private_key_pem: str,
    *,
    sub: str,
    agency: str | None,
    jurisdiction: str,
    roles: list[str],
    issuer: str = "phaseout",
    audience: str = "phaseout",
    ttl: timedelta = timedelta(hours=12),
) -> str:
    """Sign a token (for development and tests; production tokens come from the city's IdP)."""
    now = datetime.now(UTC)
    claims = {
        "sub": sub,
        "agency": agency,
        "jurisdiction": jurisdiction,
        "roles": roles,
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, private_key_pem, algorithm=ALGORITHM)


def ensure_dev_keys(folder: Path) -> tuple[Path, Path]:
    """Generate a local development key pair once; never committed (the folder is ignored)."""
    private, public = folder / "jwt-private.pem", folder / "jwt-public.pem"
    if not private.exists():
        folder.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        private.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        private.chmod(0o600)
        public.write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    return private, public


def authorise_write(
    principal: Principal,
    dimension: Dimension,
    district: str,
    *,
    agencies: frozenset[Agency] | None = None,
) -> None:
    """Owning agency only; a district officer only in that district; an officer's role.

    `agencies` narrows the owners for one kind of write (e.g. only drc checks market access).
    `district` may be `city` for a write that concerns no district: then only city officers.
    """
    allowed = OWNERS[dimension] if agencies is None else agencies & OWNERS[dimension]
    _authorise_owner(principal, dimension, allowed)
    if not principal.covers(district):
        raise Forbidden(
            f"an officer of {principal.jurisdiction} cannot act in {district}",
            field="district",
        )


def _authorise_owner(
    principal: Principal, dimension: Dimension, allowed: frozenset[Agency]
) -> None:
    """One of the `allowed` agencies, with the officer's role."""
    if principal.agency not in allowed:
        whose = ", ".join(sorted(allowed)) or "no agency"
        raise Forbidden(
            f"agency {principal.agency} may not do this in the {dimension} dimension "
            f"(only {whose})",
            field="agency",
        )
    if not WRITE_ROLES.intersection(principal.roles):
        raise Forbidden("writing needs the officer role", field="roles")


_bearer = HTTPBearer(auto_error=False)


async def _principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise Unauthenticated("a bearer token is required", field="authorization")
    token = credentials.credentials
    verified = getattr(request.state, VERIFIED, None)
    if verified is not None and verified[0] == token:
        known: Principal = verified[1]
        return known  # verified once per request (by admission, or an earlier dependency)
    principal: Principal = request.app.state.verify_token(token)
    setattr(request.state, VERIFIED, (token, principal))
    return principal


CurrentPrincipal = Annotated[Principal, Depends(_principal)]


def records(route: BaseRoute | None) -> bool:
    """Whether a route records something (every write but an `x-records-nothing` POST)."""
    extra = getattr(route, "openapi_extra", None) or {}
    return not extra.get("x-records-nothing", False)


def owners_only(dimension: Dimension) -> Callable[[Request], Awaitable[None]]:
    """A gate before every write of a dimension's service (门禁): 401 without a valid token,
    403 for an agency that the write table (`writes.WRITES`) does not name for the route, or a
    caller without the officer role. It runs before the body is read or anything is looked up,
    so a refused caller learns nothing from the answer (neither what a valid body is nor
    whether a case exists). Where (the district) and, when the body decides, which of the
    allowed agencies, is still decided by each command."""

    async def gate(request: Request) -> None:
        route = request.scope.get("route")
        if request.method not in WRITE_METHODS or not records(route):
            return
        allowed = writes.allowed(dimension, request.method, getattr(route, "path", ""))
        _authorise_owner(await principal_of(request), dimension, allowed)

    return gate


async def principal_of(request: Request) -> Principal:
    """The caller of a request, from its bearer token (401 without a valid one)."""
    return await _principal(request, await _bearer(request))
