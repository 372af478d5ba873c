"""The identity provider's tokens: verified by its key, its claims or groups mapped to who the
bearer is, refused with 401 when they cannot be."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from phaseout_shared.auth import Unauthenticated
from phaseout_shared.oidc import Provider, issuer_of

ISSUER = "http://127.0.0.1:8180/realms/phaseout"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def provider(**groups: str) -> Provider:
    found = Provider.configured(
        ISSUER, "phaseout", None if not groups else __import__("json").dumps(groups)
    )
    found.signing_key = lambda token: KEY.public_key()  # type: ignore[method-assign]
    return found


def token(**claims: Any) -> str:
    now = int(time.time())
    body = {
        "iss": ISSUER,
        "aud": ["phaseout", "account"],
        "sub": "0b7c",
        "preferred_username": "futian",
        "iat": now,
        "exp": now + 300,
        **claims,
    }
    return jwt.encode(body, KEY, algorithm="RS256")


def test_groups_name_the_agency_the_jurisdiction_and_the_roles() -> None:
    groups = ["/agencies/mee", "/jurisdictions/futian", "/roles/officer", "/other/x"]
    who = provider().verify(token(groups=groups))
    assert (who.agency, who.jurisdiction, who.roles) == ("mee", "futian", ["officer"])
    assert who.sub == "futian", "the audit records the user's name"


def test_a_member_of_no_agency_is_a_government_and_no_jurisdiction_is_city_wide() -> None:
    who = provider().verify(token(groups=["/jurisdictions/luohu", "/roles/reader"]))
    assert who.agency is None and who.jurisdiction == "luohu" and who.roles == ["reader"]
    assert provider().verify(token(groups=["/roles/reader"])).jurisdiction == "city"


def test_claims_win_over_groups_and_the_mapping_is_configured() -> None:
    mapped = provider(agency="/bureaus/")
    who = mapped.verify(token(groups=["/bureaus/samr", "/roles/officer"]))
    assert who.agency == "samr"
    who = provider().verify(token(agency="drc", jurisdiction="city", roles=["officer"]))
    assert (who.agency, who.jurisdiction) == ("drc", "city")


@pytest.mark.parametrize(
    "claims",
    [
        {"groups": ["/jurisdictions/atlantis"]},
        {"groups": ["/agencies/nasa"]},
        {"aud": "someone-else"},
        {"iss": "http://elsewhere/realms/x"},
        {"exp": int(time.time()) - 10},
        {"iat": int(time.time()) - 3 * 86400, "exp": int(time.time()) + 60},
    ],
)
def test_a_token_that_does_not_hold_is_refused(claims: dict[str, Any]) -> None:
    with pytest.raises(Unauthenticated):
        provider().verify(token(**claims))


def test_the_issuer_decides_which_verifier_is_asked() -> None:
    assert issuer_of(token()) == ISSUER
    assert issuer_of("not-a-token") is None
