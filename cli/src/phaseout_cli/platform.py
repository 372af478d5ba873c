"""The whole platform on this machine: the local stack plus the six services as processes."""

from __future__ import annotations

from pathlib import Path

from phaseout_cli import kafka_security, processes, stack
from phaseout_cli.demo import load as load_demo
from phaseout_cli.ports import PORTS
from phaseout_shared import auth

KEYS = stack.REPO / ".phaseout" / "keys"


def dev_keys() -> tuple[Path, Path]:
    """The local development signing key pair (generated once, never committed)."""
    return auth.ensure_dev_keys(KEYS)


def services_folder(cfg: stack.StackConfig) -> Path:
    return cfg.state / "services"


def service(cfg: stack.StackConfig, name: str, url: str, port: int) -> processes.Service:
    """How `phaseout up` runs one service: its entry point, with its settings in the env."""
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
        "PHASEOUT_EVIDENCE_DIR": str(cfg.state / "evidence" / name),
    }
    return processes.Service(name, processes.service_command(name), port, env)


def start_services(cfg: stack.StackConfig, ports: dict[str, int]) -> None:
    urls = stack.ensure_databases(cfg, list(ports))
    services = [service(cfg, name, urls[name], port) for name, port in ports.items()]
    processes.start_services(services_folder(cfg), services)


def stop_services(cfg: stack.StackConfig, names: list[str]) -> None:
    processes.stop_services(services_folder(cfg), names)


def up(*, demo: bool) -> None:
    cfg = stack.local_config()
    dev_keys()
    stack.up(cfg)
    start_services(cfg, PORTS)
    print("Phaseout runs:")
    for name, port in PORTS.items():
        print(f"  {name:<12} http://127.0.0.1:{port}/docs")
    if demo:
        private, _ = dev_keys()
        accepted = load_demo(PORTS, private.read_text())
        print(f"demo: {accepted} registrations accepted (already loaded ones are skipped)")


def down() -> None:
    cfg = stack.local_config()
    stop_services(cfg, list(PORTS))
    stack.down(cfg)


def status() -> dict[str, object]:
    cfg = stack.local_config()
    return {**stack.status(cfg), "services": processes.services_status(services_folder(cfg), PORTS)}
