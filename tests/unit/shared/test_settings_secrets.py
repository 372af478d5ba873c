"""Settings read secrets from mounted files, and a blank value is an unset one."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from phaseout_shared.settings import Settings


def test_the_database_password_comes_from_its_file_quoted(tmp_path: Path) -> None:
    secret = tmp_path / "pg_energy"
    secret.write_text("p@ss/w:rd%\n")
    settings = Settings(
        database_url="postgresql+asyncpg://phaseout_energy@postgres:5432/phaseout_energy",
        database_password_file=secret,
    )
    assert settings.database_url.get_secret_value() == (
        "postgresql+asyncpg://phaseout_energy:p%40ss%2Fw%3Ard%25@postgres:5432/phaseout_energy"
    )
    from sqlalchemy.engine import make_url

    assert make_url(settings.database_url.get_secret_value()).password == "p@ss/w:rd%"


def test_the_file_replaces_a_password_in_the_url(tmp_path: Path) -> None:
    secret = tmp_path / "pg"
    secret.write_text("new")
    settings = Settings(
        database_url="postgresql+asyncpg://r:old@h/d", database_password_file=secret
    )
    assert settings.database_url.get_secret_value() == "postgresql+asyncpg://r:new@h/d"


def test_a_url_without_a_role_is_refused_with_the_field(tmp_path: Path) -> None:
    secret = tmp_path / "pg"
    secret.write_text("x")
    with pytest.raises(ValidationError, match="database_url must name its role"):
        Settings(database_url="postgresql+asyncpg://h/d", database_password_file=secret)


def test_a_blank_value_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHASEOUT_OTLP_ENDPOINT", "")
    monkeypatch.setenv("PHASEOUT_LOG_LEVEL", "WARNING")
    settings = Settings()
    assert settings.otlp_endpoint is None and settings.log_level == "WARNING"
    monkeypatch.setenv("PHASEOUT_LOG_FORMAT", "xml")
    with pytest.raises(ValidationError, match="log_format"):
        Settings()
