"""`/auth/…`: the dashboard signs in through the city's identity provider (OpenID Connect).

The aggregator is the dashboard's back end for the sign-in (a confidential place for what the
browser must not keep): authorization code with PKCE (S256), Authlib making the verifier, the
challenge and the addresses.

- `GET /auth/login` sends the browser to the provider with a fresh `state`, `nonce` and PKCE
  challenge, kept meanwhile in a signed, short-lived, HttpOnly cookie;
- `GET /auth/callback` checks the `state`, exchanges the code (with the verifier) for tokens,
  checks that the access token maps to a known agency, jurisdiction and roles, keeps the refresh
  and ID tokens in signed HttpOnly cookies (path `/auth`, SameSite=Strict), and returns to the
  dashboard;
- `GET /auth/token` hands the page a fresh access token (refreshed at the provider) and who it
  names; the page keeps it in its tab only and calls the API with it, as with any token;
- `GET /auth/logout` forgets the cookies and ends the provider's session.

Without `PHASEOUT_OIDC_ISSUER` these answer 404 and the dashboard offers the pasted token only.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import time
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from phaseout_shared import oidc
from phaseout_shared.auth import Unauthenticated
from phaseout_shared.domain.errors import InvalidInput, NotFound
from phaseout_shared.settings import Settings

router = APIRouter(prefix="/auth", tags=["sign-in"], include_in_schema=False)

FLOW = "phaseout_oidc_flow"
REFRESH = "phaseout_oidc_refresh"
IDENTITY = "phaseout_oidc_id"
FLOW_SECONDS = 600
SESSION_SECONDS = 12 * 3600


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    if not settings.oidc_issuer:
        raise NotFound("sign-in through an identity provider is not configured", field="path")
    return settings


def _provider(request: Request) -> oidc.Provider:
    state = request.app.state
    found: oidc.Provider | None = getattr(state, "oidc_provider", None)
    if found is None:
        settings = _settings(request)
        assert settings.oidc_issuer is not None
        found = state.oidc_provider = oidc.Provider.configured(
            settings.oidc_issuer, settings.oidc_audience, settings.oidc_groups
        )
    return found


def _secret(request: Request) -> bytes:
    state = request.app.state
    secret: bytes | None = getattr(state, "session_secret", None)
    if secret is None:
        given = os.environ.get("PHASEOUT_SESSION_SECRET")
        secret = state.session_secret = given.encode() if given else os.urandom(32)
    return secret


def _sign(request: Request, value: dict[str, Any]) -> str:
    body = base64.urlsafe_b64encode(json.dumps(value).encode()).decode()
    mac = hmac.new(_secret(request), body.encode(), hashlib.sha256).hexdigest()
    return f"{body}.{mac}"


def _read(request: Request, name: str) -> dict[str, Any] | None:
    raw = request.cookies.get(name)
    if not raw or "." not in raw:
        return None
    body, _, mac = raw.rpartition(".")
    expected = hmac.new(_secret(request), body.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(mac, expected):
        return None
    value: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body))
    if value.get("until", 0) < time.time():
        return None
    return value


def _cookie(
    response: Response,
    request: Request,
    name: str,
    value: dict[str, Any],
    seconds: int,
    *,
    lax: bool,
) -> None:
    signed = _sign(request, {**value, "until": time.time() + seconds})
    response.set_cookie(
        name,
        signed,
        max_age=seconds,
        path="/auth",
        httponly=True,
        samesite="lax" if lax else "strict",
        secure=request.url.scheme == "https",
    )


def _callback(request: Request) -> str:
    return str(request.url_for("oidc_callback"))


@router.get("/config")
async def config(request: Request) -> JSONResponse:
    """Whether the dashboard signs in through an identity provider, and which."""
    settings: Settings = request.app.state.settings
    return JSONResponse({"oidc": bool(settings.oidc_issuer), "issuer": settings.oidc_issuer})


@router.get("/login")
async def login(request: Request) -> RedirectResponse:
    """To the provider: authorization code with PKCE (S256)."""
    settings = _settings(request)
    metadata = await asyncio.to_thread(_provider(request).metadata)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    url = add_params_to_uri(
        metadata["authorization_endpoint"],
        [
            ("response_type", "code"),
            ("client_id", settings.oidc_client_id),
            ("redirect_uri", _callback(request)),
            ("scope", "openid"),
            ("state", state),
            ("nonce", nonce),
            ("code_challenge", create_s256_code_challenge(verifier)),
            ("code_challenge_method", "S256"),
        ],
    )
    response = RedirectResponse(url, status_code=303)
    flow = {"state": state, "nonce": nonce, "verifier": verifier}
    _cookie(response, request, FLOW, flow, FLOW_SECONDS, lax=True)
    return response


async def _tokens(request: Request, form: dict[str, str]) -> dict[str, Any]:
    settings = _settings(request)
    metadata = await asyncio.to_thread(_provider(request).metadata)
    async with httpx.AsyncClient(timeout=15) as client:
        answer = await client.post(
            metadata["token_endpoint"], data={"client_id": settings.oidc_client_id, **form}
        )
    if answer.status_code != 200:
        raise Unauthenticated(
            f"the identity provider refused: {answer.text[:200]}", field="authorization"
        )
    tokens: dict[str, Any] = answer.json()
    return tokens


async def _who(request: Request, access_token: str) -> dict[str, Any]:
    principal = await asyncio.to_thread(_provider(request).verify, access_token)
    return {
        "sub": principal.sub,
        "agency": principal.agency.value if principal.agency else None,
        "jurisdiction": str(principal.jurisdiction),
        "roles": principal.roles,
    }


@router.get("/callback", name="oidc_callback")
async def callback(
    request: Request, code: str | None = None, state: str | None = None, error: str | None = None
) -> Response:
    """Back from the provider: the code for tokens, then to the dashboard."""
    flow = _read(request, FLOW)
    if error is not None:
        raise Unauthenticated(f"the identity provider answered {error}", field="authorization")
    if flow is None or not state or not hmac.compare_digest(state, flow["state"]):
        raise InvalidInput("the sign-in's state does not match: start again", field="state")
    if not code:
        raise InvalidInput("the provider sent no code", field="code")
    tokens = await _tokens(
        request,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": _callback(request),
            "code_verifier": flow["verifier"],
        },
    )
    await _who(request, tokens["access_token"])
    response = RedirectResponse("/dashboard/#/signin?signed_in=1", status_code=303)
    response.delete_cookie(FLOW, path="/auth")
    _cookie(
        response, request, REFRESH, {"token": tokens["refresh_token"]}, SESSION_SECONDS, lax=False
    )
    if tokens.get("id_token"):
        _cookie(
            response, request, IDENTITY, {"token": tokens["id_token"]}, SESSION_SECONDS, lax=False
        )
    return response


@router.get("/token")
async def token(request: Request) -> JSONResponse:
    """A fresh access token for the page, and who it names (refreshed at the provider)."""
    _settings(request)
    session = _read(request, REFRESH)
    if session is None:
        raise Unauthenticated("not signed in through the identity provider", field="authorization")
    tokens = await _tokens(
        request, {"grant_type": "refresh_token", "refresh_token": session["token"]}
    )
    who = await _who(request, tokens["access_token"])
    body = {
        "access_token": tokens["access_token"],
        "expires_in": tokens.get("expires_in", 300),
        "principal": who,
    }
    response = JSONResponse(body, headers={"Cache-Control": "no-store"})
    refresh = tokens.get("refresh_token", session["token"])
    _cookie(response, request, REFRESH, {"token": refresh}, SESSION_SECONDS, lax=False)
    return response


@router.get("/logout")
async def logout(request: Request) -> RedirectResponse:
    """Forget the session here and at the provider, then back to the dashboard."""
    settings = _settings(request)
    metadata = await asyncio.to_thread(_provider(request).metadata)
    back = str(request.url_for("dashboard_root")).rstrip("/") + "/"
    identity = _read(request, IDENTITY)
    params = [("client_id", settings.oidc_client_id), ("post_logout_redirect_uri", back)]
    if identity is not None:
        params.append(("id_token_hint", identity["token"]))
    end = metadata.get("end_session_endpoint")
    response = RedirectResponse(add_params_to_uri(end, params) if end else back, status_code=303)
    for name in (REFRESH, IDENTITY, FLOW):
        response.delete_cookie(name, path="/auth")
    return response
