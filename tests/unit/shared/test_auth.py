from datetime import timedelta
from pathlib import Path

import jwt
import pytest

from phaseout_shared import auth
from phaseout_shared.domain.errors import Forbidden
from phaseout_shared.reference import Dimension


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    private, public = auth.ensure_dev_keys(Path(tmp_path_factory.mktemp("keys")))
    return private.read_text(), public.read_text()


def token(private: str, **claims: object) -> str:
    base: dict[str, object] = {
        "sub": "inspector-1",
        "agency": "miit",
        "jurisdiction": "city",
        "roles": ["officer"],
    }
    base.update(claims)
    return auth.issue(private, **base)  # type: ignore[arg-type]


def verify(tok: str, public: str, audience: str = "phaseout") -> auth.Principal:
    return auth.verify(tok, public, issuer="phaseout", audience=audience)


def test_a_signed_token_names_agency_jurisdiction_and_roles(keys: tuple[str, str]) -> None:
    principal = verify(token(keys[0], agency="mee", jurisdiction="baoan"), keys[1])
    assert (principal.agency, principal.jurisdiction, principal.roles) == (
        "mee",
        "baoan",
        ["officer"],
    )
    assert not principal.city_wide
    assert principal.covers("baoan") and not principal.covers("futian")


def test_expired_token_is_refused(keys: tuple[str, str]) -> None:
    expired = auth.issue(
        keys[0], sub="x", agency="miit", jurisdiction="city", roles=[], ttl=timedelta(seconds=-1)
    )
    with pytest.raises(auth.Unauthenticated, match="expired"):
        verify(expired, keys[1])


def test_token_of_another_key_is_refused(keys: tuple[str, str], tmp_path: Path) -> None:
    other_private, _ = auth.ensure_dev_keys(tmp_path)
    with pytest.raises(auth.Unauthenticated, match="invalid token"):
        verify(token(other_private.read_text()), keys[1])


def test_wrong_audience_is_refused(keys: tuple[str, str]) -> None:
    with pytest.raises(auth.Unauthenticated):
        verify(token(keys[0]), keys[1], audience="elsewhere")


@pytest.mark.parametrize("claims", [{"agency": "nasa"}, {"jurisdiction": "atlantis"}])
def test_unknown_agency_or_jurisdiction_is_refused(
    keys: tuple[str, str], claims: dict[str, str]
) -> None:
    with pytest.raises(auth.Unauthenticated):
        verify(token(keys[0], **claims), keys[1])


def principal(
    agency: str, jurisdiction: str, roles: tuple[str, ...] = ("officer",)
) -> auth.Principal:
    return auth.Principal(sub="t", agency=agency, jurisdiction=jurisdiction, roles=list(roles))


OWNERS = {
    Dimension.ENERGY: {"miit", "drc", "water"},
    Dimension.ENVIRONMENT: {"mee"},
    Dimension.QUALITY: {"samr"},
    Dimension.SAFETY: {"mem"},
    Dimension.TECHNOLOGY: {"miit", "drc"},
}


@pytest.mark.parametrize("dimension", list(Dimension))
@pytest.mark.parametrize("agency", ["miit", "drc", "mee", "samr", "mem", "water"])
def test_only_owning_agencies_write(dimension: Dimension, agency: str) -> None:
    p = principal(agency, "city")
    if agency in OWNERS[dimension]:
        auth.authorise_write(p, dimension, "futian")
    else:
        with pytest.raises(Forbidden, match="may not do this"):
            auth.authorise_write(p, dimension, "futian")


def test_district_officer_writes_only_in_own_district() -> None:
    auth.authorise_write(principal("mee", "nanshan"), Dimension.ENVIRONMENT, "nanshan")
    with pytest.raises(Forbidden, match="cannot act in futian"):
        auth.authorise_write(principal("mee", "nanshan"), Dimension.ENVIRONMENT, "futian")


def test_readers_do_not_write() -> None:
    with pytest.raises(Forbidden, match="officer role"):
        auth.authorise_write(principal("mee", "city", ("reader",)), Dimension.ENVIRONMENT, "futian")


def test_a_token_living_longer_than_the_cap_is_refused(keys: tuple[str, str]) -> None:
    century = token(keys[0], ttl=timedelta(days=365 * 100))
    with pytest.raises(auth.Unauthenticated, match="longer than 24 hours"):
        verify(century, keys[1])
    day = token(keys[0], ttl=timedelta(hours=24))
    assert verify(day, keys[1]).sub == "inspector-1"
    with pytest.raises(auth.Unauthenticated, match="longer than 1 hours"):
        auth.verify(
            day, keys[1], issuer="phaseout", audience="phaseout", max_lifetime=timedelta(hours=1)
        )


def test_a_subject_longer_than_the_audit_records_is_refused(keys: tuple[str, str]) -> None:
    with pytest.raises(auth.Unauthenticated, match="sub"):
        verify(token(keys[0], sub="s" * 201), keys[1])
    assert verify(token(keys[0], sub="s" * 200), keys[1]).sub == "s" * 200


class CountingVerify:
    """`auth.verify` with the key, counting the verifications it made."""

    def __init__(self, public: str) -> None:
        self.public, self.calls = public, 0

    def __call__(self, tok: str) -> auth.Principal:
        self.calls += 1
        return verify(tok, self.public)


def test_a_token_is_verified_once_and_used_until_it_expires(keys: tuple[str, str]) -> None:
    tok = token(keys[0], ttl=timedelta(hours=1))
    issued = float(jwt.decode(tok, options={"verify_signature": False})["iat"])
    now = [issued + 1]
    counting = CountingVerify(keys[1])
    tokens = auth.VerifiedTokens(counting, clock=lambda: now[0])
    assert tokens(tok) == tokens(tok) == verify(tok, keys[1])
    assert counting.calls == 1
    now[0] = issued + 3600  # its `exp`: no longer taken from what was kept, verified again
    tokens(tok)
    assert counting.calls == 2
    now[0] = issued - 1  # before its `iat`: not taken from what was kept either
    tokens(tok)
    assert counting.calls == 3


def test_a_refused_token_is_checked_every_time_and_never_kept(keys: tuple[str, str]) -> None:
    good = token(keys[0])
    forged = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    counting = CountingVerify(keys[1])
    tokens = auth.VerifiedTokens(counting)
    for _ in range(2):
        with pytest.raises(auth.Unauthenticated):
            tokens(forged)
    assert counting.calls == 2
    assert tokens(good).sub == "inspector-1" and counting.calls == 3


def test_the_least_recently_used_token_is_forgotten_past_the_size(
    keys: tuple[str, str],
) -> None:
    first, second, third = (token(keys[0], sub=f"inspector-{n}") for n in range(3))
    counting = CountingVerify(keys[1])
    tokens = auth.VerifiedTokens(counting, size=2)
    tokens(first), tokens(second), tokens(first), tokens(third)  # second is the oldest used
    assert counting.calls == 3
    tokens(first)
    assert counting.calls == 3
    tokens(second)
    assert counting.calls == 4
