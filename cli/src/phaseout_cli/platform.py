"""The whole platform on this machine: the local stack plus the six services as processes."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx

from phaseout_cli import stack
from phaseout_cli.demo import load as load_demo
from phaseout_shared import auth

PORTS = {
    "aggregator": 8100,
    "energy": 8101,
    "environment": 8102,
    "quality": 8103,
    "safety": 8104,
    "technology": 8105,
}
KEYS = stack.REPO / ".phaseout" / "keys"


def dev_keys() -> tuple[Path, Path]:
    """The local development signing key pair (generated once, never committed)."""
    return auth.ensure_dev_keys(KEYS)


def service_env(cfg: stack.StackConfig, service: str, url: str, port: int) -> dict[str, str]:
    _, public = dev_keys()
    return {
        **os.environ,
        "PHASEOUT_SERVICE": service,
        "PHASEOUT_DATABASE_URL": url,
        "PHASEOUT_KAFKA_BOOTSTRAP_SERVERS": cfg.bootstrap,
        "PHASEOUT_HTTP_HOST": "127.0.0.1",
        "PHASEOUT_HTTP_PORT": str(port),
        "PHASEOUT_JWT_PUBLIC_KEY_FILE": str(public),
    }


def start_service(
    cfg: stack.StackConfig, service: str, url: str, port: int
) -> subprocess.Popen[bytes] | None:
    """Start one service detached, logging under the profile's state folder."""
    folder = cfg.state / "services"
    folder.mkdir(parents=True, exist_ok=True)
    pidfile = folder / f"{service}.pid"
    if stack.pid_of(pidfile) is not None:
        return None
    executable = stack.REPO / ".venv" / "bin" / f"phaseout-{service}"
    with (folder / f"{service}.log").open("ab") as log:
        proc = subprocess.Popen(
            [str(executable)],
            env=service_env(cfg, service, url, port),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    pidfile.write_text(str(proc.pid))
    return proc


def wait_ready(ports: dict[str, int], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    waiting = dict(ports)
    while waiting and time.monotonic() < deadline:
        for service, port in list(waiting.items()):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=2).status_code == 200:
                    del waiting[service]
            except httpx.HTTPError:
                pass
        time.sleep(0.5)
    if waiting:
        raise RuntimeError(f"not ready after {timeout:.0f}s: {', '.join(sorted(waiting))}")


def start_services(cfg: stack.StackConfig, ports: dict[str, int]) -> None:
    urls = stack.ensure_databases(cfg, list(ports))
    for service, port in ports.items():
        start_service(cfg, service, urls[service], port)
    wait_ready(ports)


def stop_services(cfg: stack.StackConfig, services: list[str]) -> None:
    for service in services:
        stack.stop_process(cfg.state / "services" / f"{service}.pid")


def up(*, demo: bool) -> None:
    cfg = stack.local_config()
    dev_keys()
    stack.up(cfg)
    start_services(cfg, PORTS)
    print("Phaseout runs:")
    for service, port in PORTS.items():
        print(f"  {service:<12} http://127.0.0.1:{port}/docs")
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
    services = {
        s: {"port": p, "running": stack.pid_of(cfg.state / "services" / f"{s}.pid") is not None}
        for s, p in PORTS.items()
    }
    return {**stack.status(cfg), "services": services}
