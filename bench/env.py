"""The benchmarks' own stack: the `bench` profile of the local stack, and services on it.

Its ports follow no test slot's pattern (the test profile shifted by `PHASEOUT_TEST_SLOT=N`
takes pg 54339+100N, Kafka 19192+100N and services 18100+100N..), so a benchmark never meets a
test run or `phaseout up`. Its state folder `.phaseout/bench` is wiped at each run.
"""

from __future__ import annotations

import contextlib
import os
import platform as host
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from bench import sink
from phaseout_cli import platform, processes, stack
from phaseout_shared import auth
from phaseout_shared.bus import KafkaAccess

SHIFT = 1000 * int(os.environ.get("PHASEOUT_BENCH_SLOT", "0"))
"""`PHASEOUT_BENCH_SLOT=N` moves every port of the bench up by 1000·N, for a second bench
stack on the same machine (one per worktree: the state folder is the worktree's own)."""
CONFIG = stack.StackConfig(
    "bench",
    stack.REPO / ".phaseout" / "bench",
    pg_port=54359 + SHIFT,
    kafka_port=19162 + SHIFT,
    controller_port=19163 + SHIFT,
    plain_port=19164 + SHIFT,
)
PORTS = {
    name: 18150 + SHIFT + n
    for n, name in enumerate(
        ("aggregator", "energy", "environment", "quality", "safety", "technology")
    )
}
BARE_PORT = 18160 + SHIFT
AGENCY_TOPICS = [
    f"phaseout.{d}.events" for d in ("energy", "environment", "quality", "safety", "technology")
]


def raw_dsn(url: str) -> str:
    """An asyncpg DSN from a SQLAlchemy URL."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@dataclass
class Bench:
    """The bench stack while it runs: its databases, keys, and the processes it started."""

    config: stack.StackConfig = CONFIG
    urls: dict[str, str] = field(default_factory=dict)
    started: list[str] = field(default_factory=list)

    @property
    def kafka(self) -> KafkaAccess:
        """The bench's own clients: corpus producer, readers and baselines, as the admin."""
        return stack.kafka_access(self.config)

    @property
    def plain(self) -> KafkaAccess:
        """The same broker without TLS, SASL or ACLs: the baseline of the security's cost."""
        assert self.config.plain_port is not None
        return KafkaAccess(f"127.0.0.1:{self.config.plain_port}")

    @property
    def folder(self) -> Path:
        return self.config.state / "services"

    def up(self, *, reset: bool = True) -> None:
        if reset:
            stack.reset(self.config)
        stack.up(self.config)
        platform.dev_keys()

    def down(self) -> None:
        processes.stop_services(self.folder, list(self.started))
        self.started.clear()
        stack.down(self.config)

    async def database(self, name: str) -> str:
        """A fresh database (role and database `phaseout_<name>`); its SQLAlchemy URL."""
        urls = await stack.aensure_databases(self.config, [name])
        self.urls.update(urls)
        return urls[name]

    def token(self, agency: str | None, jurisdiction: str = "city") -> str:
        private, _ = platform.dev_keys()
        return auth.issue(
            private.read_text(),
            sub=f"bench-{agency}",
            agency=agency,
            jurisdiction=jurisdiction,
            roles=["officer"],
        )

    def headers(self, agency: str | None, jurisdiction: str = "city") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(agency, jurisdiction)}"}

    # --- processes -------------------------------------------------------------------------

    def service(self, name: str, url: str, **env: str) -> processes.Service:
        """A service as `phaseout up` runs it, on the bench stack, with extra settings."""
        base = platform.service(self.config, name, url, PORTS[name])
        exported = {"PHASEOUT_OTLP_ENDPOINT": sink.ENDPOINT}  # telemetry on, as deployed
        return processes.Service(name, base.command, base.port, {**base.env, **exported, **env})

    def start(self, *services: processes.Service, timeout: float = 120) -> None:
        for s in services:
            processes.start_service(self.folder, s)
            self.started.append(s.name)
        processes.wait_ready(self.folder, list(services), timeout)

    def start_bare(self, url: str) -> processes.Service:
        """The baseline of the write path: a bare FastAPI endpoint, run by uvicorn too."""
        command = (
            sys.executable,
            "-m",
            "uvicorn",
            "bench.bare:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(BARE_PORT),
            "--no-access-log",
            "--log-level",
            "warning",
        )
        env = {"BENCH_BARE_DSN": raw_dsn(url), "PYTHONPATH": str(stack.REPO)}
        service = processes.Service("bare", command, BARE_PORT, env)
        processes.start_service(self.folder, service)
        self.started.append("bare")
        processes.wait_ready(self.folder, [service], 60)
        return service

    def stop(self, name: str) -> None:
        processes.stop_service(self.folder, name)
        if name in self.started:
            self.started.remove(name)

    def pid(self, name: str) -> int | None:
        return processes.pid_of(self.folder / f"{name}.pid")

    def cpu_seconds(self, name: str) -> float:
        """The CPU time (user and system, all threads) a running service has used so far: a
        cost per request that contention on a shared machine does not inflate, as it does
        latency and throughput."""
        pid = self.pid(name)
        if pid is None:
            raise RuntimeError(f"{name} is not running")
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        utime, stime = int(fields[11]), int(fields[12])  # stat(5): fields 14 and 15
        return (utime + stime) / os.sysconf("SC_CLK_TCK")

    def kill9(self, name: str) -> int | None:
        """SIGKILL a service this bench started; returns the pid killed."""
        pid = self.pid(name)
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            processes.wait_until(lambda: not processes.alive(pid), 10, every=0.05)
            processes.pid_of(self.folder / f"{name}.pid")
        return pid


async def aend_offsets(kafka: KafkaAccess, topics: Sequence[str]) -> dict[TopicPartition, int]:
    """The end offset of every partition of the topics (those that exist)."""
    from aiokafka import AIOKafkaConsumer

    parts = await partitions(kafka, topics)
    consumer = AIOKafkaConsumer(**kafka.options(), enable_auto_commit=False)
    await consumer.start()
    try:
        return dict(await consumer.end_offsets(parts)) if parts else {}
    finally:
        await consumer.stop()


async def partitions(kafka: KafkaAccess, topics: Sequence[str]) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(**kafka.options())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [t for t in topics if t in existing]
        described = await admin.describe_topics(wanted) if wanted else []
    finally:
        await admin.close()
    return [
        TopicPartition(t["topic"], p["partition"])
        for t in described
        for p in sorted(t["partitions"], key=lambda p: p["partition"])
    ]


async def skip_group_to_end(kafka: KafkaAccess, group: str, topics: Sequence[str]) -> None:
    """Commit `group`'s offsets at the end of the topics: it starts with what comes next."""
    from aiokafka import AIOKafkaConsumer
    from aiokafka.structs import OffsetAndMetadata

    ends = await aend_offsets(kafka, topics)
    consumer = AIOKafkaConsumer(**kafka.options(), group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(list(ends))
        await consumer.commit({tp: OffsetAndMetadata(off, "") for tp, off in ends.items()})
    finally:
        await consumer.stop()


@contextlib.asynccontextmanager
async def pg(url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(raw_dsn(url))
    try:
        yield conn
    finally:
        await conn.close()


def _first_line(command: Sequence[str]) -> str:
    try:
        out = subprocess.run(list(command), capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if text else "unknown"


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return host.processor() or "unknown"


def _mem_gib() -> float:
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return int(re.findall(r"\d+", line)[0]) / 1024 / 1024
    return float("nan")


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    from importlib.metadata import version

    bindir = stack.pg_bindir()
    return {
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gib": round(_mem_gib(), 1),
        "kernel": host.release(),
        "python": sys.version.split()[0],
        "kafka": stack.KAFKA_VERSION,
        "java": _first_line(["java", "-version"]),
        "postgresql": _first_line([str(bindir / "postgres"), "--version"]),
        "aiokafka": version("aiokafka"),
        "asyncpg": version("asyncpg"),
        "sqlalchemy": version("sqlalchemy"),
        "fastapi": version("fastapi"),
        "uvicorn": version("uvicorn"),
        "load_average_at_start": os.getloadavg(),
    }


def env_of(settings: Mapping[str, object]) -> dict[str, str]:
    return {f"PHASEOUT_{k.upper()}": str(v) for k, v in settings.items()}
