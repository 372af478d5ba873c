"""The local infrastructure: a real Kafka broker (KRaft) and a PostgreSQL server, natively.

No container engine is needed. Kafka's jars are resolved once per version from Maven Central by
`deploy/local/kafka/pom.xml` into `.phaseout/cache/kafka-<version>/`, and run on the machine's
Java. PostgreSQL runs from the machine's binaries (Debian's `postgresql`, installed when missing)
in its own data folder. Each profile (`local` for `phaseout up`, `test` for the test suite) has
its own ports and state folder under `.phaseout/`, so the tests never touch a running local
platform. By hand: `python -m phaseout_cli.stack [--profile local|test] up|down|status|reset`.
See deploy/local/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import fcntl
import glob
import hashlib
import json
import os
import pwd
import re
import secrets
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient

from phaseout_cli import kafka_security
from phaseout_cli.processes import alive, pid_of, rotate, spawn, stop_process, tail, wait_until
from phaseout_shared import bus
from phaseout_shared.bus import KafkaAccess

__all__ = [
    "KAFKA_VERSION",
    "PROFILES",
    "REPO",
    "SUPERUSER",
    "StackConfig",
    "aensure_databases",
    "aensure_topics",
    "bootstrap",
    "database_url",
    "down",
    "ensure_databases",
    "ensure_kafka_jars",
    "ensure_topics",
    "kafka_access",
    "kafka_jars",
    "kafka_jars_dir",
    "local_config",
    "main",
    "pg_bindir",
    "pg_home",
    "pid_of",
    "profile",
    "reset",
    "role_of",
    "start_kafka",
    "start_postgres",
    "status",
    "stop_kafka",
    "stop_postgres",
    "stop_process",
    "test_config",
    "up",
]

REPO = Path(__file__).resolve().parents[3]
KAFKA_DEPLOY = REPO / "deploy" / "local" / "kafka"
CACHE = REPO / ".phaseout" / "cache"
KAFKA_VERSION = "4.4.0"
"""Probed against aiokafka 0.14.0 by deploy/local/probe_kafka.py (see deploy/local/README.md)."""
SUPERUSER = "phaseout"
"""The PostgreSQL superuser; it logs in through the Unix socket only (inside the state folder)."""
PG_SYSTEM_USER = "phaseout"
"""The unprivileged system user that runs PostgreSQL when the stack is started as root."""
DEBIAN_PG_BINARIES = "/usr/lib/postgresql/*/bin"
KAFKA_MAIN = "kafka.Kafka"
NAME = re.compile(r"[a-z][a-z0-9_]{0,40}")
MAX_SOCKET_PATH = 100
HBA = """\
# Written by the local stack at each start (cli/src/phaseout_cli/stack.py).
# The Unix socket (mode 0700, inside the state folder): the superuser, without a password.
local   all   all                 trust
# TCP on loopback only: the services' roles, with their passwords.
host    all   all   127.0.0.1/32  scram-sha-256
"""


@dataclass(frozen=True)
class StackConfig:
    """One profile of the local stack: where its state lives and which ports it takes."""

    name: str
    state: Path
    pg_port: int
    kafka_port: int
    controller_port: int
    kafka_version: str = KAFKA_VERSION
    kafka_heap_mb: int = 512
    plain_port: int | None = None
    """A second, PLAINTEXT listener open to anyone, for the bench alone: the baseline that
    measures what TLS, SASL and the ACLs cost. Never set for `local` or `test`."""

    @property
    def bootstrap(self) -> str:
        """Kafka's bootstrap servers for clients."""
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def kafka_home(self) -> Path:
        return self.state / "kafka"


def local_config() -> StackConfig:
    """The profile of `phaseout up`."""
    return StackConfig("local", REPO / ".phaseout" / "local", 54329, 19092, 19093)


def test_config() -> StackConfig:
    """The profile of the test suite."""
    return StackConfig("test", REPO / ".phaseout" / "test", 54339, 19192, 19193)


PROFILES = {"local": local_config, "test": test_config}


def profile(name: str) -> StackConfig:
    """A profile by name: `local` or `test`."""
    return PROFILES[name]()


def bootstrap(cfg: StackConfig) -> str:
    return cfg.bootstrap


def kafka_access(cfg: StackConfig, principal: str = "admin") -> KafkaAccess:
    """How a client reaches the profile's broker as one of the platform's principals."""
    return kafka_security.access(cfg, principal)


# --- the machine -----------------------------------------------------------------------------


def _apt_install(package: str) -> None:
    """Install a Debian package; only root can, anyone else is told what is missing."""
    if os.geteuid() != 0:
        raise RuntimeError(f"{package} is missing: sudo apt-get install -y {package}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, env=env)


def _tool(program: str, package: str) -> str:
    """The path of a program, installing its Debian package when it is missing."""
    found = shutil.which(program)
    if found is None:
        _apt_install(package)
        found = shutil.which(program)
    if found is None:
        raise RuntimeError(f"{program} is still missing after installing {package}")
    return found


def ensure_document_font() -> None:
    """The Chinese font the services embed in their documents (Debian's fonts-noto-cjk)."""
    from phaseout_shared import document_pdf

    try:
        document_pdf.font()
    except RuntimeError:
        _apt_install("fonts-noto-cjk")
        document_pdf.font()


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    return _tool("java", "openjdk-17-jre-headless")


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _refuse_taken(port: int, what: str) -> None:
    if _port_open(port):
        raise RuntimeError(
            f"port {port} for {what} is taken by a process this profile did not start"
        )


@contextlib.contextmanager
def _locked(lockfile: Path) -> Iterator[None]:
    """An exclusive lock between processes (two profiles resolving the same jars at once)."""
    lockfile.parent.mkdir(parents=True, exist_ok=True)
    with lockfile.open("w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


# --- Kafka -----------------------------------------------------------------------------------


def kafka_jars_dir(cfg: StackConfig) -> Path:
    """Where the jars of the profile's Kafka version are cached (shared by the profiles)."""
    return CACHE / f"kafka-{cfg.kafka_version}"


def _jars_complete(folder: Path, version: str) -> bool:
    return (folder / f"kafka_2.13-{version}.jar").exists()


def _resolve_jars(version: str, folder: Path) -> None:
    """Run Maven into a temporary folder, then move it in place: no half-filled cache."""
    partial = folder.parent / f"{folder.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    pom = KAFKA_DEPLOY / "pom.xml"
    mvn = _tool("mvn", "maven")
    goal = ["dependency:copy-dependencies", f"-Dkafka.version={version}", f"-Djars.dir={partial}"]
    result = subprocess.run(
        [mvn, "-q", "-B", "-f", str(pom), *goal], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"Maven could not resolve Kafka {version}:\n{result.stdout}{result.stderr}"
        )
    if not _jars_complete(partial, version):
        raise RuntimeError(f"Maven did not deliver kafka_2.13-{version}.jar into {partial}")
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)


def ensure_kafka_jars(cfg: StackConfig) -> Path:
    """The folder of the broker's jars, resolved from Maven Central on first use; idempotent."""
    folder = kafka_jars_dir(cfg)
    if not _jars_complete(folder, cfg.kafka_version):
        with _locked(folder.parent / f"{folder.name}.lock"):
            if not _jars_complete(folder, cfg.kafka_version):
                _resolve_jars(cfg.kafka_version, folder)
    return folder


kafka_jars = ensure_kafka_jars


def _kafka_pidfile(cfg: StackConfig) -> Path:
    return cfg.kafka_home / "kafka.pid"


def _kafka_log(cfg: StackConfig) -> Path:
    return cfg.kafka_home / "kafka.log"


def _write_kafka_properties(cfg: StackConfig) -> Path:
    template = (KAFKA_DEPLOY / "server.properties").read_text()
    props = cfg.kafka_home / "server.properties"
    data = cfg.kafka_home / "data"
    text = template.format(
        listen_host="127.0.0.1",
        advertised_host="127.0.0.1",
        port=cfg.kafka_port,
        controller_port=cfg.controller_port,
        data=data,
        **kafka_security.broker_settings(cfg),
    )
    if cfg.plain_port is not None:
        text = _with_plain_listener(text, cfg.plain_port)
    props.touch(mode=0o600)
    props.write_text(text)
    return props


def _with_plain_listener(text: str, port: int) -> str:
    """The broker's settings with an anonymous PLAINTEXT listener beside the secured one."""
    lines = []
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key in ("listeners", "advertised.listeners"):
            line = f"{line},PLAIN://127.0.0.1:{port}"
        elif key == "listener.security.protocol.map":
            line = f"{line},PLAIN:PLAINTEXT"
        elif key == "super.users":
            line = f"{key}={value};User:ANONYMOUS"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _cluster_id() -> str:
    """A random cluster id, as `kafka-storage.sh random-uuid` makes it (URL-safe base64)."""
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


def _format_storage(cfg: StackConfig, java: str, classpath: str, props: Path) -> None:
    """Format the log folder once (a single-node dynamic quorum, so `--standalone`)."""
    if (cfg.kafka_home / "data" / "meta.properties").exists():
        if not kafka_security.secret_file(cfg, "admin").exists():
            raise RuntimeError(
                f"Kafka's data in {cfg.kafka_home} predates the secured broker (no admin "
                "credential): `make clean` (or delete that folder) and start again"
            )
        return
    tool = [java, "-cp", classpath, "kafka.tools.StorageTool", "format"]
    scram = kafka_security.bootstrap_scram(cfg)
    result = subprocess.run(
        [*tool, "--standalone", f"--cluster-id={_cluster_id()}", *scram, "-c", str(props)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"formatting Kafka's storage failed:\n{result.stdout}{result.stderr}")


def _kafka_command(cfg: StackConfig, java: str, classpath: str, props: Path) -> list[str]:
    heap = f"{cfg.kafka_heap_mb}m"
    return [
        java,
        f"-Xmx{heap}",
        f"-Xms{min(cfg.kafka_heap_mb, 256)}m",
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={KAFKA_DEPLOY / 'log4j2.xml'}",
        "-cp",
        classpath,
        KAFKA_MAIN,
        str(props),
    ]


async def _kafka_answers(cfg: StackConfig) -> bool:
    admin = AIOKafkaAdminClient(**kafka_access(cfg).options(), request_timeout_ms=3000)
    try:
        await asyncio.wait_for(admin.start(), 5)
        cluster = await asyncio.wait_for(admin.describe_cluster(), 5)
        return bool(cluster.get("brokers")) and cluster.get("controller_id", -1) >= 0
    except Exception:
        return False
    finally:
        await admin.close()


def _kafka_ready(cfg: StackConfig) -> bool:
    """The port accepts connections and the broker answers metadata with a controller."""
    return _port_open(cfg.kafka_port) and asyncio.run(_kafka_answers(cfg))


def _wait_kafka(cfg: StackConfig, timeout: float) -> None:
    def ready() -> bool:
        if pid_of(_kafka_pidfile(cfg), KAFKA_MAIN) is None:
            log = _kafka_log(cfg)
            raise RuntimeError(f"Kafka exited; the end of {log}:\n{tail(log)}")
        return _kafka_ready(cfg)

    if not wait_until(ready, timeout, every=0.5):
        raise RuntimeError(f"Kafka on port {cfg.kafka_port} not ready after {timeout:.0f}s")


def start_kafka(cfg: StackConfig, timeout: float = 120) -> int:
    """Start the broker (formatting its storage the first time) and wait until it answers.

    Returns the broker's pid; a broker that already runs for this profile is left running.
    """
    pid = pid_of(_kafka_pidfile(cfg), KAFKA_MAIN)
    if pid is None:
        _refuse_taken(cfg.kafka_port, "Kafka")
        _refuse_taken(cfg.controller_port, "Kafka's controller")
        pid = _spawn_kafka(cfg)
    _wait_kafka(cfg, timeout)
    return pid


def _spawn_kafka(cfg: StackConfig) -> int:
    classpath = f"{ensure_kafka_jars(cfg)}/*"
    java = _java()
    cfg.kafka_home.mkdir(parents=True, exist_ok=True)
    props = _write_kafka_properties(cfg)
    _format_storage(cfg, java, classpath, props)
    rotate(_kafka_log(cfg))
    command = _kafka_command(cfg, java, classpath, props)
    return spawn(command, _kafka_log(cfg), _kafka_pidfile(cfg), marker=KAFKA_MAIN)


def stop_kafka(cfg: StackConfig, timeout: float = 60) -> bool:
    """Stop the broker (a controlled shutdown); True if it was running."""
    return stop_process(_kafka_pidfile(cfg), timeout, KAFKA_MAIN)


async def aensure_topics(cfg: StackConfig, topics: Iterable[str], partitions: int = 3) -> list[str]:
    """`ensure_topics` for code that already runs an event loop."""
    return await bus.ensure_topics(kafka_access(cfg), topics, partitions=partitions)


def ensure_topics(cfg: StackConfig, topics: Iterable[str], partitions: int = 3) -> list[str]:
    """Create the topics that do not exist yet (replication factor 1); returns those created."""
    return asyncio.run(aensure_topics(cfg, topics, partitions))


# --- PostgreSQL ------------------------------------------------------------------------------


def _find_pg_bindir() -> Path | None:
    pg_config = shutil.which("pg_config")
    if pg_config is not None:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        bindir = Path(out.stdout.strip())
        if out.returncode == 0 and (bindir / "initdb").exists():
            return bindir
    found = glob.glob(f"{DEBIAN_PG_BINARIES}/initdb")
    newest = max(found, key=lambda p: int(Path(p).parent.parent.name), default=None)
    return Path(newest).parent if newest else None


def pg_bindir() -> Path:
    """The PostgreSQL server's binaries; Debian's `postgresql` is installed if there are none."""
    bindir = _find_pg_bindir()
    if bindir is None:
        _apt_install("postgresql")
        bindir = _find_pg_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL's initdb is still missing after installing postgresql")
    return bindir


def _ensure_system_user(user: str) -> None:
    if subprocess.run(["id", "-u", user], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "--system", "--no-create-home", user], check=True)


def _run_as() -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as an unprivileged system user."""
    if os.geteuid() != 0:
        return []
    _ensure_system_user(PG_SYSTEM_USER)
    return ["runuser", "-u", PG_SYSTEM_USER, "--"]


def _reachable(folder: Path) -> bool:
    """Whether PostgreSQL's user may enter `folder`: always for the user that starts it, and as
    root, when every existing folder on the way lets others pass (a 0700 /root does not)."""
    if os.geteuid() != 0:
        return True
    existing = [p for p in (folder, *folder.parents) if p.exists()]
    return all(p.stat().st_mode & stat.S_IXOTH for p in existing)


def pg_home(cfg: StackConfig) -> Path:
    """PostgreSQL's folder: `<state>/postgres`, unless the system user could not reach it or
    its Unix socket path would be too long; then a folder named after the state folder in the
    temporary directory."""
    home = cfg.state / "postgres"
    socket_path = home / f".s.PGSQL.{cfg.pg_port}"
    if len(str(socket_path)) <= MAX_SOCKET_PATH and _reachable(cfg.state):
        return home
    digest = hashlib.sha256(str(cfg.state).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"phaseout-{cfg.name}-{digest}-postgres"


def _postmaster_pid(data: Path) -> int | None:
    try:
        pid = int((data / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None
    return pid if alive(pid, "postgres") else None


def _give_to_pg_user(path: Path) -> None:
    """As root, hand PostgreSQL's folder to the system user that runs it."""
    if os.geteuid() != 0:
        return
    if path.stat().st_uid != pwd.getpwnam(PG_SYSTEM_USER).pw_uid:
        subprocess.run(["chown", "-R", f"{PG_SYSTEM_USER}:", str(path)], check=True)


def _initdb(bindir: Path, data: Path, run_as: list[str]) -> None:
    if (data / "PG_VERSION").exists():
        return
    command = [str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "-E", "UTF8"]
    options = ["--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256"]
    result = subprocess.run([*run_as, *command, *options], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"initdb failed:\n{result.stdout}{result.stderr}")


def _include_settings(data: Path) -> None:
    """Make postgresql.conf read `phaseout.conf`, the settings rewritten at each start."""
    conf = data / "postgresql.conf"
    include = "include_if_exists = 'phaseout.conf'"
    if include not in conf.read_text():
        with conf.open("a") as f:
            f.write(f"\n# The local stack's settings, rewritten at each start.\n{include}\n")


def _write_pg_settings(cfg: StackConfig, home: Path) -> None:
    socket_dir = str(home).replace("'", "''")
    settings = {
        "port": str(cfg.pg_port),
        "listen_addresses": "'127.0.0.1'",
        "unix_socket_directories": f"'{socket_dir}'",
        "unix_socket_permissions": "0700",
        "max_connections": "300",
        "password_encryption": "'scram-sha-256'",
    }
    _include_settings(home / "data")
    conf = home / "data" / "phaseout.conf"
    conf.write_text("".join(f"{k} = {v}\n" for k, v in settings.items()))
    hba = home / "data" / "pg_hba.conf"
    hba.write_text(HBA)
    _give_to_pg_user(conf)
    _give_to_pg_user(hba)


def start_postgres(cfg: StackConfig) -> int:
    """Initialise (once) and start the profile's PostgreSQL server; returns the postmaster's pid.

    A server that already runs for this profile is left running.
    """
    home = pg_home(cfg)
    running = _postmaster_pid(home / "data")
    if running is not None and _port_open(cfg.pg_port):
        return running
    _refuse_taken(cfg.pg_port, "PostgreSQL")
    bindir, run_as = pg_bindir(), _run_as()
    home.mkdir(parents=True, exist_ok=True)
    _give_to_pg_user(home)
    _initdb(bindir, home / "data", run_as)
    _write_pg_settings(cfg, home)
    _pg_ctl(bindir, run_as, home, ["-l", str(home / "postgres.log"), "-t", "60", "start"])
    pid = _postmaster_pid(home / "data")
    if pid is None or not wait_until(lambda: _port_open(cfg.pg_port), 30):
        raise RuntimeError(f"PostgreSQL did not start; see {home / 'postgres.log'}")
    return pid


def _pg_ctl(bindir: Path, run_as: list[str], home: Path, args: list[str]) -> None:
    command = [*run_as, str(bindir / "pg_ctl"), "-D", str(home / "data"), "-w", *args]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        log = tail(home / "postgres.log")
        raise RuntimeError(f"pg_ctl {args[-1]} failed:\n{result.stdout}{result.stderr}{log}")


def stop_postgres(cfg: StackConfig) -> bool:
    """Stop the profile's PostgreSQL server (fast shutdown); True if it was running."""
    home = pg_home(cfg)
    if _postmaster_pid(home / "data") is None:
        return False
    _pg_ctl(pg_bindir(), _run_as(), home, ["-m", "fast", "-t", "60", "stop"])
    return True


def _passwords_file(cfg: StackConfig) -> Path:
    return cfg.state / "db-passwords.json"


def _passwords(cfg: StackConfig, roles: Iterable[str]) -> dict[str, str]:
    """Each role's development password: generated once, kept in the state folder (0600)."""
    path = _passwords_file(cfg)
    known: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    missing = [r for r in roles if r not in known]
    if missing:
        known.update({r: secrets.token_urlsafe(24) for r in missing})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(json.dumps(known, indent=2, sort_keys=True))
    return known


def role_of(service: str) -> str:
    """A service's role and database name: `phaseout_<service>`."""
    if not NAME.fullmatch(service):
        raise ValueError(f"not a service name: {service!r}")
    return f"phaseout_{service}"


def database_url(cfg: StackConfig, service: str) -> str:
    """The SQLAlchemy URL (asyncpg driver) of a service's database, with its role's password."""
    role = role_of(service)
    password = _passwords(cfg, [role])[role]
    return f"postgresql+asyncpg://{role}:{password}@127.0.0.1:{cfg.pg_port}/{role}"


async def _ddl(conn: asyncpg.Connection, template: str, *args: str) -> None:
    """Run DDL whose names and literals are quoted by the server (`format` with %I and %L)."""
    await conn.execute(await conn.fetchval(f"SELECT format('{template}', {_params(args)})", *args))


def _params(args: Sequence[str]) -> str:
    return ", ".join(f"${i}::text" for i in range(1, len(args) + 1))


async def _ensure_role_and_db(conn: asyncpg.Connection, role: str, password: str) -> None:
    """The role (its password set each time) and its database, closed to other roles."""
    exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
    verb = "ALTER" if exists else "CREATE"
    await _ddl(conn, f"{verb} ROLE %I LOGIN PASSWORD %L", role, password)
    if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", role):
        await _ddl(conn, "CREATE DATABASE %I OWNER %I", role, role)
    await _ddl(conn, "REVOKE ALL ON DATABASE %I FROM PUBLIC", role)


async def aensure_databases(cfg: StackConfig, services: Iterable[str]) -> dict[str, str]:
    """`ensure_databases` for code that already runs an event loop."""
    services = list(services)
    passwords = _passwords(cfg, [role_of(s) for s in services])
    conn = await asyncpg.connect(
        host=str(pg_home(cfg)), port=cfg.pg_port, user=SUPERUSER, database="postgres"
    )
    try:
        for service in services:
            await _ensure_role_and_db(conn, role_of(service), passwords[role_of(service)])
    finally:
        await conn.close()
    return {s: database_url(cfg, s) for s in services}


def ensure_databases(cfg: StackConfig, services: Iterable[str]) -> dict[str, str]:
    """One login role and one database owned by it per service (`phaseout_<service>`), which
    only that role (and the superuser) may connect to; returns each service's SQLAlchemy URL."""
    return asyncio.run(aensure_databases(cfg, services))


# --- the stack -------------------------------------------------------------------------------


def up(cfg: StackConfig) -> dict[str, object]:
    """Start PostgreSQL and Kafka (what already runs is left running), provision the bus's
    topics, principals and ACLs; returns `status`. The font of the services' documents is
    installed when missing."""
    ensure_document_font()
    start_postgres(cfg)
    start_kafka(cfg)
    kafka_security.provision(cfg)
    return status(cfg)


def down(cfg: StackConfig) -> None:
    """Stop Kafka and PostgreSQL; stopping a stopped stack is harmless."""
    stop_kafka(cfg)
    stop_postgres(cfg)


def reset(cfg: StackConfig) -> None:
    """Stop the profile and delete its state: the next `up` starts from empty."""
    down(cfg)
    shutil.rmtree(pg_home(cfg), ignore_errors=True)
    shutil.rmtree(cfg.state, ignore_errors=True)


def status(cfg: StackConfig) -> dict[str, object]:
    """What runs for the profile, on which ports, with which pids."""
    home = pg_home(cfg)
    pg_pid = _postmaster_pid(home / "data")
    kafka_pid = pid_of(_kafka_pidfile(cfg), KAFKA_MAIN)
    return {
        "profile": cfg.name,
        "state": str(cfg.state),
        "postgres": {
            "running": pg_pid is not None and _port_open(cfg.pg_port),
            "port": cfg.pg_port,
            "pid": pg_pid,
            "folder": str(home),
        },
        "kafka": {
            "running": kafka_pid is not None and _port_open(cfg.kafka_port),
            "port": cfg.kafka_port,
            "controller_port": cfg.controller_port,
            "pid": kafka_pid,
            "version": cfg.kafka_version,
            "jars": str(kafka_jars_dir(cfg)),
            "security": "SASL_SSL, SCRAM-SHA-512",
            "ca": str(kafka_security.ca_file(cfg)),
            "acls": [" ".join(row) for row in kafka_security.acl_rows()],
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m phaseout_cli.stack", description="The local Kafka and PostgreSQL."
    )
    parser.add_argument("command", choices=["up", "down", "status", "reset"])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="local")
    args = parser.parse_args(argv)
    cfg = profile(args.profile)
    started = time.monotonic()
    if args.command == "down":
        down(cfg)
    elif args.command == "reset":
        reset(cfg)
    elif args.command == "up":
        up(cfg)
    print(json.dumps(status(cfg), indent=2))
    if args.command != "status":
        print(f"{args.command} took {time.monotonic() - started:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
