"""deploy/docker-compose.yml, checked statically; `make compose-test` runs it for real."""

import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from phaseout_cli import compose
from phaseout_cli.kafka_security import CONTROLLER
from phaseout_shared.principals import ADMIN, PRINCIPALS
from phaseout_shared.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text())
SERVICES = ["aggregator", "energy", "environment", "quality", "safety", "technology"]
SETTINGS_FIELDS = {f"PHASEOUT_{name.upper()}" for name in Settings.model_fields}
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
IMAGE = f"phaseout:${{PHASEOUT_VERSION:-{VERSION}}}"
OFFICIAL = {
    "postgres": ("POSTGRES_BASE", "postgres:15-bookworm"),
    "kafka": ("KAFKA_BASE", "apache/kafka:4.4.0"),
    "provision": ("PYTHON_BASE", "python:3.11-slim-bookworm"),
    "prometheus": ("PROMETHEUS_BASE", "prom/prometheus:v2.53.4"),
}


def service(name: str) -> dict[str, Any]:
    return COMPOSE["services"][name]  # type: ignore[no-any-return]


def secret_names(name: str) -> set[str]:
    return {s if isinstance(s, str) else s["source"] for s in service(name).get("secrets", [])}


@pytest.mark.parametrize(("name", "arg"), OFFICIAL.items())
def test_each_image_is_built_on_an_official_base_unless_given_another(
    name: str, arg: tuple[str, str]
) -> None:
    build = service(name)["build"]
    variable, official = arg
    assert build["context"] == ".."
    assert build["args"][variable] == f"${{PHASEOUT_{variable}:-{official}}}"
    dockerfile = (ROOT / build["dockerfile"]).read_text()
    assert f"ARG {variable}={official}" in dockerfile
    assert f"FROM ${{{variable}}}" in dockerfile
    assert f"PHASEOUT_{variable}" in compose.LOCAL_BASES


def test_one_image_name_and_tag_for_compose_and_k8s() -> None:
    uses = [n for n, s in COMPOSE["services"].items() if s.get("image", "").startswith("phaseout:")]
    assert set(uses) == {"provision", "demo", *SERVICES}
    assert {service(n)["image"] for n in uses} == {IMAGE}
    assert compose.image() == f"phaseout:{VERSION}"
    k8s = (ROOT / "deploy" / "k8s" / "services.yaml").read_text()
    assert set(re.findall(r"image: (phaseout:\S+)", k8s)) == {f"phaseout:{VERSION}"}


def test_the_image_is_built_from_the_lock_where_it_runs_as_a_non_root_user() -> None:
    dockerfile = (ROOT / "deploy" / "docker" / "Dockerfile").read_text()
    assert dockerfile.count("uv sync --frozen --no-dev") == 2 and "--no-editable" in dockerfile
    assert "UV_PROJECT_ENVIRONMENT=/opt/phaseout" in dockerfile
    assert "COPY --from=build /opt/phaseout /opt/phaseout" in dockerfile
    assert "USER 10001:10001" in dockerfile


def test_the_build_context_leaves_out_state_keys_and_venvs() -> None:
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignored[ignored.index("*") - 1].startswith("#")  # everything is out unless let in
    for pattern in ("**/.phaseout", "**/.venv", "**/node_modules", "**/.git"):
        assert pattern in ignored
    let_in = [line[1:] for line in ignored if line.startswith("!")]
    assert not any(p.startswith(".phaseout") for p in let_in)


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_runs_its_own_entry_point(name: str) -> None:
    assert service(name)["command"] == [f"phaseout-{name}"]
    scripts = (ROOT / "services" / name / "pyproject.toml").read_text()
    assert f'phaseout-{name} = "phaseout_{name}.main:run"' in scripts
    assert service(name)["depends_on"] == {
        "provision": {"condition": "service_completed_successfully"}
    }


@pytest.mark.parametrize("name", SERVICES)
def test_environment_names_only_known_settings(name: str) -> None:
    env = service(name)["environment"]
    assert set(env) <= SETTINGS_FIELDS, set(env) - SETTINGS_FIELDS
    files = {k for k in env if k.endswith("_FILE")}
    values = {k.removeprefix("PHASEOUT_").lower(): v for k, v in env.items() if k not in files}
    values["otlp_endpoint"] = ""  # the compose default of ${PHASEOUT_OTLP_ENDPOINT:-}
    values["log_level"] = "INFO"
    settings = Settings.model_validate(values)
    assert settings.otlp_endpoint is None and settings.log_format == "json"


@pytest.mark.parametrize("name", SERVICES)
def test_port_is_the_same_in_settings_mapping_and_healthcheck(name: str) -> None:
    port = int(service(name)["environment"]["PHASEOUT_HTTP_PORT"])
    host = f"127.0.0.1:${{PHASEOUT_PORT_PREFIX:-81}}0{port - 8100}"
    assert service(name)["ports"] == [f"{host}:{port}"]
    assert f"127.0.0.1:{port}/health/ready" in " ".join(service(name)["healthcheck"]["test"])


@pytest.mark.parametrize("name", SERVICES)
def test_database_is_the_services_own_and_its_password_a_secret(name: str) -> None:
    env = service(name)["environment"]
    url = urlparse(env["PHASEOUT_DATABASE_URL"])
    assert url.scheme == "postgresql+asyncpg" and url.password is None
    assert (url.hostname, url.port, url.username, url.path) == (
        "postgres",
        5432,
        f"phaseout_{name}",
        f"/phaseout_{name}",
    )
    assert env["PHASEOUT_DATABASE_PASSWORD_FILE"] == f"/run/secrets/pg_{name}"
    assert f"pg_{name}" in secret_names(name) and f"pg_{name}" in secret_names("postgres")
    init = (ROOT / "deploy" / "docker" / "postgres" / "init.sh").read_text()
    assert re.search(rf"for service in .*\b{name}\b", init)


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_speaks_to_the_bus_as_its_own_principal(name: str) -> None:
    env = service(name)["environment"]
    assert env["PHASEOUT_KAFKA_BOOTSTRAP_SERVERS"] == compose.BOOTSTRAP == "kafka:9093"
    assert env["PHASEOUT_KAFKA_USERNAME"] == name
    assert env["PHASEOUT_KAFKA_PASSWORD_FILE"] == f"/run/secrets/kafka_{name}"
    assert env["PHASEOUT_KAFKA_CA_FILE"] == "/run/secrets/kafka_ca"
    assert secret_names(name) == {f"pg_{name}", f"kafka_{name}", "kafka_ca", "jwt_public"}


def test_the_broker_takes_the_native_stacks_settings_with_its_secrets() -> None:
    start = (ROOT / "deploy" / "docker" / "kafka" / "start.sh").read_text()
    template = (ROOT / "deploy" / "local" / "kafka" / "server.properties").read_text()
    names = set(re.findall(r"\{(\w+)\}", template))
    assert names == set(re.findall(r"s\|\{(\w+)\}\|", start))
    assert '-e "s|{port}|9093|g"' in start
    assert secret_names("kafka") == {"kafka_admin", "kafka_controller", "kafka_server", "kafka_ca"}
    assert "ports" not in service("kafka")  # the bus is reached on the stack's network only


def test_provisioning_reads_every_principals_password_where_kafka_security_looks() -> None:
    provision = service("provision")
    targets = {s["source"]: s["target"] for s in provision["secrets"]}
    home = Path("/etc/phaseout/kafka")
    assert f"--kafka-home={home}" in provision["command"]
    for p in [ADMIN, *(p.name for p in PRINCIPALS)]:
        assert targets[f"kafka_{p}"] == str(home / "secrets" / p)
    assert targets["kafka_ca"] == str(home / "tls" / "ca.pem")
    assert provision["command"][:4] == ["python", "-m", "phaseout_cli.compose", "provision"]


def test_every_secret_is_a_generated_file_and_none_is_committed() -> None:
    made = ROOT / ".phaseout" / "compose"
    for name, secret in COMPOSE["secrets"].items():
        if name == "ca_bundle":
            continue
        path = (ROOT / "deploy" / secret["file"]).resolve()
        assert path.is_relative_to(made), name
    text = (ROOT / "deploy" / "docker-compose.yml").read_text()
    assert not re.search(r"PASSWORD\w*: (?!/run/secrets/)", text)
    assert not (ROOT / "deploy" / "docker" / "postgres-init.sql").exists()


def test_the_generated_secrets_cover_every_principal_and_role(tmp_path: Path) -> None:
    folder = compose.write_secrets(tmp_path / "compose")
    assert folder.stat().st_mode & 0o777 == 0o700
    for p in [ADMIN, CONTROLLER, *(p.name for p in PRINCIPALS)]:
        assert (folder / "kafka" / "secrets" / p).read_text().strip()
    for name in ["superuser", *SERVICES]:
        assert (folder / "postgres" / name).read_text().strip()
    assert (folder / "kafka" / "tls" / "server.pem").exists()
    again = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    compose.write_secrets(folder)
    assert again == {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_the_brokers_certificate_names_the_host_the_services_dial(tmp_path: Path) -> None:
    from cryptography import x509

    folder = compose.write_secrets(tmp_path / "compose")
    pem = (folder / "kafka" / "tls" / "server.pem").read_bytes()
    cert = x509.load_pem_x509_certificates(pem)[0]
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "kafka" in names.get_values_for_type(x509.DNSName)


def test_prometheus_scrapes_every_service_on_its_port() -> None:
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    (job,) = config["scrape_configs"]
    targets = {c["labels"]["service"]: c["targets"] for c in job["static_configs"]}
    assert targets == {
        name: [f"{name}:{service(name)['environment']['PHASEOUT_HTTP_PORT']}"] for name in SERVICES
    }
    assert job["metrics_path"] == "/metrics"


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


def test_the_compose_test_starts_every_service_of_the_file_but_the_demo() -> None:
    optional = {n for n, s in COMPOSE["services"].items() if s.get("profiles")}
    assert set(compose.STACK) == set(COMPOSE["services"]) - optional - {"demo"}
