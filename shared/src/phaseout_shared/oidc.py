"""Tokens of the city's identity provider (OpenID Connect), beside the platform's own.

A service configured with `PHASEOUT_OIDC_ISSUER` accepts, besides the platform's Ed25519 tokens,
the access tokens that provider signs: their `iss` names the provider, their key is one of its
JWKS (fetched from the provider's discovery document and cached), their audience is
`PHASEOUT_OIDC_AUDIENCE`. Who the bearer is comes from the token's claims or groups, mapped by
configuration (`PHASEOUT_OIDC_GROUPS`):

- claims `agency`, `jurisdiction` and `roles`, if the provider puts them in its tokens;
- otherwise the `groups` claim, read by path prefix: with the default mapping a member of
  `/agencies/mee`, `/jurisdictions/futian` and `/roles/officer` is a `mee` officer in Futian
  (a member of no agency group is a government's officer, as in the platform's tokens).

The same checks hold as for the platform's tokens: a token must say when it was issued, live no
longer than the longest lifetime allowed, and name a known agency and jurisdiction.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import jwt
from pydantic import ValidationError

from phaseout_shared.auth import (
    MAX_LIFETIME,
    Principal,
    Unauthenticated,
    _check_jurisdiction,
    _check_lifetime,
)
from phaseout_shared.reference import CITY

DEFAULT_GROUPS = {
    "agency": "/agencies/",
    "jurisdiction": "/jurisdictions/",
    "roles": "/roles/",
}
"""Group path prefixes that name an agency, a jurisdiction and roles."""

ALGORITHMS = ["RS256", "ES256", "PS256", "EdDSA"]


@dataclass
class Provider:
    """An OpenID Connect provider whose access tokens the platform accepts."""

    issuer: str
    audience: str
    groups: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_GROUPS))
    discovery_url: str | None = None
    """Where the discovery document is, if not under the issuer (e.g. a provider reached by
    services at another address than the browser's)."""
    refresh_seconds: float = 300.0
    _metadata: dict[str, Any] | None = field(default=None, repr=False)
    _jwks: jwt.PyJWKClient | None = field(default=None, repr=False)
    _fetched: float = field(default=0.0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def configured(cls, issuer: str, audience: str, groups: str | None) -> Provider:
        mapping = dict(DEFAULT_GROUPS)
        if groups:
            mapping.update(json.loads(groups))
        return cls(issuer=issuer.rstrip("/"), audience=audience, groups=mapping)

    def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (fetched once, then every `refresh_seconds`)."""
        with self._lock:
            if self._metadata is None or time.monotonic() - self._fetched > self.refresh_seconds:
                url = self.discovery_url or f"{self.issuer}/.well-known/openid-configuration"
                response = httpx.get(url, timeout=10)
                response.raise_for_status()
                self._metadata = response.json()
                self._jwks = jwt.PyJWKClient(
                    self._metadata["jwks_uri"], cache_keys=True, lifespan=int(self.refresh_seconds)
                )
                self._fetched = time.monotonic()
            return self._metadata

    def signing_key(self, token: str) -> Any:
        self.metadata()
        assert self._jwks is not None
        return self._jwks.get_signing_key_from_jwt(token).key

    def principal(self, claims: dict[str, Any]) -> Principal:
        """Who the bearer is: from the agency, jurisdiction and roles claims, or the groups."""
        groups = [str(g) for g in claims.get("groups", []) if isinstance(g, str)]

        def by_group(what: str) -> list[str]:
            prefix = self.groups.get(what)
            if not prefix:
                return []
            return [g.removeprefix(prefix) for g in groups if g.startswith(prefix)]

        agency = claims.get("agency") or next(iter(by_group("agency")), None)
        jurisdiction = claims.get("jurisdiction") or next(iter(by_group("jurisdiction")), CITY)
        roles = claims.get("roles")
        if not isinstance(roles, list):
            roles = by_group("roles")
        who = claims.get("preferred_username") or claims["sub"]
        _check_jurisdiction(str(jurisdiction))
        return Principal.model_validate(
            {"sub": who, "agency": agency, "jurisdiction": jurisdiction, "roles": roles}
        )

    def verify(self, token: str, max_lifetime: timedelta = MAX_LIFETIME) -> Principal:
        """The principal of a valid token of this provider, or Unauthenticated saying why."""
        try:
            claims = jwt.decode(
                token,
                self.signing_key(token),
                algorithms=ALGORITHMS,
                issuer=self.issuer,
                audience=self.audience,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
            _check_lifetime(claims, max_lifetime)
            return self.principal(claims)
        except (jwt.PyJWTError, httpx.HTTPError, KeyError) as exc:
            raise Unauthenticated(f"invalid token: {exc}", field="authorization") from exc
        except ValidationError as exc:
            raise Unauthenticated(f"invalid token claims: {exc}", field="authorization") from exc


def issuer_of(token: str) -> str | None:
    """The `iss` a token claims, unverified: which verifier to ask."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    issuer = claims.get("iss")
    return issuer.rstrip("/") if isinstance(issuer, str) else None
