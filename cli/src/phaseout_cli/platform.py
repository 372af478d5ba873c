"""The whole platform on this machine: the local stack plus the six services as processes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from phaseout_cli import kafka_security, keycloak, processes, stack
from phaseout_cli.demo import load as load_demo
from phaseout_cli.ports import PORTS
from phaseout_shared import auth

KEYS = stack.REPO / ".phaseout" / "keys"


def dev_keys() -> tuple[Path, Path]:
    """The local development signing key pair (generated once, never committed)."""
    return auth.ensure_dev_keys(KEYS)


def services_folder(cfg: stack.StackConfig) -> Path:
    return cfg.state / "services"


def service(
    cfg: stack.StackConfig, name: str, url: str, port: int, oidc_issuer: str | None = None
) -> processes.Service:
    """How `phaseout up` runs one service: its entry point, with its settings in the env
    (and the identity provider whose tokens it accepts beside the platform's own)."""
    _, public = dev_keys()
    env = {
        "PHASEOUT_SERVICE": name,
        "PHASEOUT_DATABASE_URL": url,
        "PHASEOUT_KAFKA_BOOTSTRAP_SERVERS": cfg.bootstrap,
        "PHASEOUT_KAFKA_USERNAME": name,
        "PHASEOUT_KAFKA_PASSWORD_FILE": str(kafka_security.secret_file(cfg, name)),
        "PHASEOUT_KAFKA_CA_FILE": str(kafka_security.ca_file(cfg)),
        "PHASEOUT_HTTP_HOST": "127.0.0.1",
        "PHASEOUT_HTTP_PORT": str(port),
        "PHASEOUT_JWT_PUBLIC_KEY_FILE": str(public),
        # JSON lines, rotated at 10 MB; standard output (<name>.log) keeps what comes before.
        "PHASEOUT_LOG_FILE": str(services_folder(cfg) / f"{name}.jsonl"),
        "PHASEOUT_EVIDENCE_DIR": str(cfg.state / "evidence" / name),
    }
    if oidc_issuer is not None:
        env["PHASEOUT_OIDC_ISSUER"] = oidc_issuer
    return processes.Service(name, processes.service_command(name), port, env)


def services(
    cfg: stack.StackConfig,
    urls: dict[str, str],
    ports: dict[str, int],
    oidc_issuer: str | None = None,
) -> list[processes.Service]:
    """The services on `ports` as `phaseout up` runs them, the aggregator told where the
    agency services are (it reads the consumption curve's readings at technology, and relays
    the dashboard's evidence, documents and archives to each)."""
    found = [service(cfg, name, urls[name], port, oidc_issuer) for name, port in ports.items()]
    agencies = {
        f"PHASEOUT_{name.upper()}_URL": f"http://127.0.0.1:{port}"
        for name, port in ports.items()
        if name != "aggregator"
    }
    return [
        dataclasses.replace(s, env={**s.env, **agencies}) if s.name == "aggregator" else s
        for s in found
    ]


def start_services(
    cfg: stack.StackConfig, ports: dict[str, int], oidc_issuer: str | None = None
) -> None:
    urls = stack.ensure_databases(cfg, list(ports))
    processes.start_services(services_folder(cfg), services(cfg, urls, ports, oidc_issuer))


def stop_services(cfg: stack.StackConfig, names: list[str]) -> None:
    processes.stop_services(services_folder(cfg), names)


KEYCLOAK_PORT = 8180
"""The local identity provider (Keycloak, realm `phaseout`)."""


def identity_provider(cfg: stack.StackConfig, port: int, aggregator: int) -> str | None:
    """Start the profile's Keycloak with its demo realm; its issuer, or None (said why) when
    it cannot run here (no JDK 21 or later, no Maven Central)."""
    try:
        running = keycloak.up(
            stack.CACHE,
            cfg.state / "keycloak",
            port,
            [f"http://127.0.0.1:{aggregator}/auth/callback"],
        )
    except RuntimeError as exc:
        print(f"identity provider not started: {exc}")
        return None
    return running.issuer


def up(*, demo: bool) -> None:
    cfg = stack.local_config()
    dev_keys()
    stack.up(cfg)
    issuer = identity_provider(cfg, KEYCLOAK_PORT, PORTS["aggregator"])
    start_services(cfg, PORTS, issuer)
    print("Phaseout runs:")
    for name, port in PORTS.items():
        print(f"  {name:<12} http://127.0.0.1:{port}/docs")
    print(f"  {'dashboard':<12} http://127.0.0.1:{PORTS['aggregator']}/dashboard/")
    if issuer is not None:
        print(f"  {'sign-in':<12} {issuer} (demo users: miit, mee, futian, …; password phaseout)")
    if demo:
        private, _ = dev_keys()
        accepted = load_demo(PORTS, private.read_text())
        print(f"demo: {accepted} registrations accepted (already loaded ones are skipped)")


def down() -> None:
    cfg = stack.local_config()
    stop_services(cfg, list(PORTS))
    keycloak.down(cfg.state / "keycloak")
    stack.down(cfg)


def status() -> dict[str, object]:
    cfg = stack.local_config()
    return {**stack.status(cfg), "services": processes.services_status(services_folder(cfg), PORTS)}
