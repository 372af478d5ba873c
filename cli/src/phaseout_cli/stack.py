"""The local infrastructure: a real Kafka broker (KRaft) and a PostgreSQL server, natively.

No container engine is needed. Kafka's jars are resolved once from Maven Central by
`deploy/local/kafka/pom.xml` into `.phaseout/cache/`, and run on the machine's Java. PostgreSQL
runs from the machine's binaries (Debian's `postgresql`, installed when missing) in its own data
folder. Each profile (`local` for `phaseout up`, `test` for the test suite) has its own ports and
state folder under `.phaseout/`, so the tests never touch a running local platform.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient

REPO = Path(__file__).resolve().parents[3]
KAFKA_VERSION = "4.1.1"
"""Checked against aiokafka 0.14.0 by the integration tests (see deploy/local/README.md)."""
SUPERUSER = "phaseout"


@dataclass(frozen=True)
class StackConfig:
    """One profile of the local stack: where its state lives and which ports it takes."""

    name: str
    state: Path
    pg_port: int
    kafka_port: int
    controller_port: int
    kafka_version: str = KAFKA_VERSION

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"


def local_config() -> StackConfig:
    return StackConfig("local", REPO / ".phaseout" / "local", 54329, 19092, 19093)


def test_config() -> StackConfig:
    return StackConfig("test", REPO / ".phaseout" / "test", 54339, 19192, 19193)


def bootstrap(cfg: StackConfig) -> str:
    return cfg.bootstrap


# --- processes -------------------------------------------------------------------------------


def pid_of(pidfile: Path) -> int | None:
    """The pid in a pid file if that process still runs (stale files are removed)."""
    try:
        pid = int(pidfile.read_text().strip())
        _reap(pid)
        os.kill(pid, 0)
        return pid
    except (FileNotFoundError, ValueError, ProcessLookupError):
        pidfile.unlink(missing_ok=True)
        return None


def _reap(pid: int) -> None:
    """Collect the exit status of a child that has ended, so that it is not taken for alive."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait(check: object, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not come up within {timeout:.0f}s")


def stop_process(pidfile: Path, timeout: float = 30) -> None:
    pid = pid_of(pidfile)
    if pid is None:
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and pid_of(pidfile) is not None:
        time.sleep(0.2)
    if pid_of(pidfile) is not None:
        os.kill(pid, signal.SIGKILL)
    pidfile.unlink(missing_ok=True)


# --- Kafka -----------------------------------------------------------------------------------


def kafka_jars(cfg: StackConfig) -> Path:
    """Resolve the broker's jars from Maven Central once; later calls reuse the cache."""
    folder = REPO / ".phaseout" / "cache" / f"kafka-{cfg.kafka_version}"
    if (folder / ".complete").exists():
        return folder
    subprocess.run(
        [
            "mvn",
            "-q",
            "-B",
            "-f",
            str(REPO / "deploy" / "local" / "kafka" / "pom.xml"),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={folder}",
            "-DincludeScope=runtime",
            f"-Dkafka.version={cfg.kafka_version}",
        ],
        check=True,
    )
    (folder / ".complete").touch()
    return folder


def _kafka_ready(cfg: StackConfig) -> bool:
    if not _port_open(cfg.kafka_port):
        return False

    async def metadata() -> bool:
        admin = AIOKafkaAdminClient(bootstrap_servers=cfg.bootstrap, request_timeout_ms=3000)
        try:
            await admin.start()
            await admin.list_topics()
            return True
        except Exception:
            return False
        finally:
            await admin.close()

    return asyncio.run(metadata())


def start_kafka(cfg: StackConfig) -> None:
    home = cfg.state / "kafka"
    pidfile = home / "kafka.pid"
    if pid_of(pidfile) is not None:
        return
    jars = kafka_jars(cfg)
    home.mkdir(parents=True, exist_ok=True)
    template = (REPO / "deploy" / "local" / "kafka" / "server.properties").read_text()
    props = home / "server.properties"
    props.write_text(
        template.format(
            port=cfg.kafka_port, controller_port=cfg.controller_port, data=home / "data"
        )
    )
    classpath = f"{jars}/*"
    if not (home / "data" / "meta.properties").exists():
        subprocess.run(
            [
                "java",
                "-cp",
                classpath,
                "kafka.tools.StorageTool",
                "format",
                "--standalone",
                "-t",
                uuid.uuid4().hex[:22],
                "-c",
                str(props),
            ],
            check=True,
            capture_output=True,
        )
    with (home / "kafka.log").open("ab") as log:
        proc = subprocess.Popen(
            [
                "java",
                "-Xms256m",
                "-Xmx768m",
                "-XX:+UseG1GC",
                "-cp",
                classpath,
                "kafka.Kafka",
                str(props),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    pidfile.write_text(str(proc.pid))
    _wait(lambda: _kafka_ready(cfg), f"Kafka on port {cfg.kafka_port}", 90)


def stop_kafka(cfg: StackConfig) -> None:
    stop_process(cfg.state / "kafka" / "kafka.pid", timeout=60)


# --- PostgreSQL ------------------------------------------------------------------------------


def pg_bindir() -> Path:
    """The newest installed PostgreSQL's binaries; Debian's package is installed if none is."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if not found:
        if os.geteuid() != 0:
            raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True, env=env)
        return pg_bindir()
    return Path(found[-1]).parent


def _as_pg_user(folder: Path) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the `postgres` system user."""
    if os.geteuid() != 0:
        return []
    user = "postgres"
    if subprocess.run(["id", user], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "--system", "--no-create-home", user], check=True)
    shutil.chown(folder, user)
    for child in folder.rglob("*"):
        shutil.chown(child, user)
    return ["runuser", "-u", user, "--"]


def start_postgres(cfg: StackConfig) -> None:
    home = cfg.state / "postgres"
    data = home / "data"
    if (data / "postmaster.pid").exists() and _port_open(cfg.pg_port):
        return
    bindir = pg_bindir()
    home.mkdir(parents=True, exist_ok=True)
    run_as = _as_pg_user(home)
    if not (data / "PG_VERSION").exists():
        subprocess.run(
            [
                *run_as,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
            ],
            check=True,
            capture_output=True,
        )
    options = f"-p {cfg.pg_port} -k {home} -c listen_addresses=127.0.0.1 -c max_connections=300"
    subprocess.run(
        [
            *run_as,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(home / "postgres.log"),
            "-w",
            "-t",
            "60",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    _wait(lambda: _port_open(cfg.pg_port), f"PostgreSQL on port {cfg.pg_port}", 30)


def stop_postgres(cfg: StackConfig) -> None:
    data = cfg.state / "postgres" / "data"
    if not (data / "postmaster.pid").exists():
        return
    run_as = _as_pg_user(cfg.state / "postgres")
    subprocess.run(
        [*run_as, str(pg_bindir() / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
        check=False,
        capture_output=True,
    )


def database_url(cfg: StackConfig, service: str) -> str:
    return f"postgresql+asyncpg://phaseout_{service}@127.0.0.1:{cfg.pg_port}/phaseout_{service}"


def ensure_databases(cfg: StackConfig, services: list[str]) -> dict[str, str]:
    """One login role and one database owned by it per service; returns their URLs."""

    async def create() -> None:
        conn = await asyncpg.connect(
            host="127.0.0.1", port=cfg.pg_port, user=SUPERUSER, database="postgres"
        )
        try:
            for service in services:
                role = f"phaseout_{service}"
                if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname=$1", role):
                    await conn.execute(f'CREATE ROLE "{role}" LOGIN')
                if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname=$1", role):
                    await conn.execute(f'CREATE DATABASE "{role}" OWNER "{role}"')
        finally:
            await conn.close()

    asyncio.run(create())
    return {s: database_url(cfg, s) for s in services}


# --- the stack -------------------------------------------------------------------------------


def up(cfg: StackConfig) -> None:
    """Start PostgreSQL and Kafka (what already runs is left running)."""
    start_postgres(cfg)
    start_kafka(cfg)


def down(cfg: StackConfig) -> None:
    stop_kafka(cfg)
    stop_postgres(cfg)


def reset(cfg: StackConfig) -> None:
    """Stop the profile and delete its state: the next `up` starts from empty."""
    down(cfg)
    shutil.rmtree(cfg.state, ignore_errors=True)


def status(cfg: StackConfig) -> dict[str, object]:
    return {
        "postgres": {"port": cfg.pg_port, "running": _port_open(cfg.pg_port)},
        "kafka": {
            "port": cfg.kafka_port,
            "running": pid_of(cfg.state / "kafka" / "kafka.pid") is not None,
            "version": cfg.kafka_version,
        },
    }
