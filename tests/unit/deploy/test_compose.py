"""deploy/docker-compose.yml, checked statically (no container engine here)."""

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from phaseout_shared.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text())
SERVICES = ["aggregator", "energy", "environment", "quality", "safety", "technology"]
SETTINGS_FIELDS = {f"PHASEOUT_{name.upper()}" for name in Settings.model_fields}


def service(name: str) -> dict[str, Any]:
    return COMPOSE["services"][name]  # type: ignore[no-any-return]


def test_infrastructure_is_there() -> None:
    assert {"kafka", "postgres", "otel-collector", "jaeger"} <= set(COMPOSE["services"])
    assert service("kafka")["image"].startswith("apache/kafka:")
    assert service("postgres")["image"].startswith("postgres:")


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_runs_its_own_entry_point(name: str) -> None:
    assert service(name)["command"] == [f"phaseout-{name}"]
    scripts = (ROOT / "services" / name / "pyproject.toml").read_text()
    assert f'phaseout-{name} = "phaseout_{name}.main:run"' in scripts


@pytest.mark.parametrize("name", SERVICES)
def test_environment_names_only_known_settings(name: str) -> None:
    env = service(name)["environment"]
    assert set(env) <= SETTINGS_FIELDS, set(env) - SETTINGS_FIELDS
    Settings.model_validate({k.removeprefix("PHASEOUT_").lower(): v for k, v in env.items()})


@pytest.mark.parametrize("name", SERVICES)
def test_port_is_the_same_in_settings_mapping_and_healthcheck(name: str) -> None:
    port = service(name)["environment"]["PHASEOUT_HTTP_PORT"]
    assert service(name)["ports"] == [f"{port}:{port}"]
    assert f"127.0.0.1:{port}/health/ready" in " ".join(service(name)["healthcheck"]["test"])


@pytest.mark.parametrize("name", SERVICES)
def test_database_is_the_services_own(name: str) -> None:
    url = urlparse(service(name)["environment"]["PHASEOUT_DATABASE_URL"])
    assert url.scheme == "postgresql+asyncpg"
    assert (url.hostname, url.port, url.username, url.path) == (
        "postgres",
        5432,
        f"phaseout_{name}",
        f"/phaseout_{name}",
    )
    init = (ROOT / "deploy" / "docker" / "postgres-init.sql").read_text()
    assert f"CREATE DATABASE phaseout_{name} OWNER phaseout_{name};" in init


@pytest.mark.parametrize("name", SERVICES)
def test_kafka_and_telemetry_point_at_their_services(name: str) -> None:
    env = service(name)["environment"]
    advertised = service("kafka")["environment"]["KAFKA_ADVERTISED_LISTENERS"]
    assert f"PLAINTEXT://{env['PHASEOUT_KAFKA_BOOTSTRAP_SERVERS']}" == advertised
    assert urlparse(env["PHASEOUT_OTLP_ENDPOINT"]).hostname == "otel-collector"
    assert set(service(name)["depends_on"]) == {"kafka", "postgres"}


def test_the_demo_city_is_loaded_once_every_service_is_ready() -> None:
    demo = service("demo")
    assert demo["image"] == service("aggregator")["image"] and demo["restart"] == "no"
    assert demo["depends_on"] == {name: {"condition": "service_healthy"} for name in SERVICES}
    command = demo["command"]
    assert command[:2] == ["phaseout", "demo"]
    options = dict(arg.removeprefix("--").split("=", 1) for arg in command[2:] if "=" in arg)
    secret = options["private-key-file"].removeprefix("/run/secrets/")
    assert demo["secrets"] == [secret]
    assert COMPOSE["secrets"][secret]["file"].endswith("jwt-private.pem")
    urls = dict(arg.split("=", 2)[1:] for arg in command if arg.startswith("--service="))
    for name in SERVICES:
        url = urlparse(urls[name])
        assert url.hostname == name
        assert str(url.port) == service(name)["environment"]["PHASEOUT_HTTP_PORT"]


def test_the_demo_command_is_one_the_cli_accepts() -> None:
    from typer.testing import CliRunner

    from phaseout_cli.main import app, service_urls

    given = [a.removeprefix("--service=") for a in service("demo")["command"] if "--service=" in a]
    assert service_urls(given) == {
        name: f"http://{name}:{service(name)['environment']['PHASEOUT_HTTP_PORT']}"
        for name in SERVICES
    }
    refused = CliRunner().invoke(app, ["demo", "--service=nowhere=http://x:1"])
    assert refused.exit_code == 2 and "--service" in refused.output
