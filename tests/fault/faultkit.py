"""What the fault tests share: the platform as processes, a steady load of known writes,
faults (kill -9 and restart), and the check that nothing was lost or applied twice.

The processes, on the test stack (`PHASEOUT_TEST_SLOT` applies):
- `technology`: the technology service's API, with its workers off (`PHASEOUT_RUN_WORKERS=false`);
- `relay`: the same service with its workers on (its outbox relay) and no traffic: the relay as
  a process of its own, so that it can be killed on its own;
- `aggregator`: the aggregator's code in a consumer group of its own (fault_aggregator.py).
Each scenario has its own databases, group and folder of pid files and logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from phaseout_cli import platform, processes, stack
from phaseout_shared import auth
from phaseout_shared.bus import KafkaAccess
from phaseout_shared.reference import USCC_ALPHABET, District, uscc_check_character

HERE = Path(__file__).resolve().parent
SLOT = int(os.environ.get("PHASEOUT_TEST_SLOT", "0"))
TOPIC = "phaseout.technology.events"
AGENCY_TOPICS = [
    f"phaseout.{d}.events" for d in ("energy", "environment", "quality", "safety", "technology")
]
REGISTERED = "phaseout.technology.enterprise.registered.v1"
DISTRICTS = [d.value for d in District]


def make_uscc(rng: random.Random) -> str:
    body = "91440300" + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc_check_character(body)


def raw_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@dataclass
class Scenario:
    """The processes of one fault scenario on the test stack."""

    config: stack.StackConfig
    name: str
    base_port: int
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return self.config.state / f"fault-{self.name}"

    @property
    def seed(self) -> int:
        """The load's seed: its own per scenario and slot, so no two runs write the same codes."""
        return self.base_port

    @property
    def group(self) -> str:
        return f"aggregator-fault-{self.name}"

    @property
    def ports(self) -> dict[str, int]:
        return {
            "technology": self.base_port,
            "relay": self.base_port + 1,
            "aggregator": self.base_port + 2,
        }

    async def prepare(self) -> None:
        names = [f"fault_{self.name}_technology", f"fault_{self.name}_aggregator"]
        urls = await stack.aensure_databases(self.config, names)
        self.urls = {"technology": urls[names[0]], "aggregator": urls[names[1]]}

    def service(self, name: str) -> processes.Service:
        ports = self.ports
        if name == "aggregator":
            base = platform.service(self.config, "aggregator", self.urls["aggregator"], ports[name])
            command = (sys.executable, str(HERE / "fault_aggregator.py"))
            env = {**base.env, "FAULT_GROUP": self.group, "PHASEOUT_CONSUMER_MAX_RETRIES": "5"}
            return processes.Service(name, command, ports[name], {**env, **self._log_file(name)})
        base = platform.service(self.config, "technology", self.urls["technology"], ports[name])
        workers = "true" if name == "relay" else "false"
        env = {**base.env, "PHASEOUT_RUN_WORKERS": workers, **self._log_file(name)}
        return processes.Service(name, base.command, ports[name], env)

    def _log_file(self, name: str) -> dict[str, str]:
        """Each process its own log (the relay runs with the technology service's settings)."""
        return {"PHASEOUT_LOG_FILE": str(self.folder / f"{name}.jsonl")}

    def start(self, name: str, timeout: float = 120) -> None:
        processes.start_services(self.folder, [self.service(name)], timeout)

    def start_all(self) -> None:
        for name in ("technology", "relay", "aggregator"):
            self.start(name)

    def stop_all(self) -> None:
        processes.stop_services(self.folder, ["technology", "relay", "aggregator"], timeout=15)

    def pid(self, name: str) -> int | None:
        return processes.pid_of(self.folder / f"{name}.pid")

    def log(self, name: str) -> str:
        output = processes.tail(self.folder / f"{name}.log", 30)
        return output + processes.tail(self.folder / f"{name}.jsonl", 30)

    def token(self) -> str:
        private, _ = platform.dev_keys()
        return auth.issue(
            private.read_text(), sub="fault", agency="miit", jurisdiction="city", roles=["officer"]
        )


def _kill9(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    processes.wait_until(lambda: not processes.alive(pid), 15, every=0.05)


# --- faults ---------------------------------------------------------------------------------

Fault = Callable[[Scenario], Awaitable[str]]


def kill_service(name: str, down: float = 1.0) -> Fault:
    """kill -9 one of the scenario's processes, leave it down `down` seconds, restart it."""

    async def fault(sc: Scenario) -> str:
        pid = sc.pid(name)
        assert pid is not None, f"{name} is not running:\n{sc.log(name)}"
        _kill9(pid)
        await asyncio.sleep(down)
        started = time.monotonic()
        await asyncio.to_thread(sc.start, name)
        return f"kill -9 {name} (pid {pid}), restarted in {time.monotonic() - started:.1f}s"

    return fault


def kill_kafka(down: float = 2.0) -> Fault:
    """kill -9 the broker, leave it down, restart it (same data folder)."""

    async def fault(sc: Scenario) -> str:
        kafka = stack.status(sc.config)["kafka"]
        assert isinstance(kafka, dict)
        pid = kafka["pid"]
        assert isinstance(pid, int), "Kafka is not running"
        _kill9(pid)
        await asyncio.sleep(down)
        started = time.monotonic()
        await asyncio.to_thread(stack.start_kafka, sc.config)
        return f"kill -9 Kafka (pid {pid}), restarted in {time.monotonic() - started:.1f}s"

    return fault


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def kill_postgres(down: float = 1.0) -> Fault:
    """kill -9 the postmaster (its backends then exit on their own), restart it: crash recovery."""

    async def fault(sc: Scenario) -> str:
        pg = stack.status(sc.config)["postgres"]
        assert isinstance(pg, dict)
        pid = pg["pid"]
        assert isinstance(pid, int), "PostgreSQL is not running"
        children = _children(pid)
        _kill9(pid)
        for child in children:  # orphaned backends notice the postmaster's death and exit
            processes.wait_until(lambda c=child: not processes.alive(c), 30, every=0.1)
        home = stack.pg_home(sc.config)
        for lock in [home / "data" / "postmaster.pid", *home.glob(".s.PGSQL.*.lock")]:
            with contextlib.suppress(OSError, ValueError):
                if int(lock.read_text().split("\n", 1)[0]) == pid:
                    # The killed postmaster can linger as a zombie until its parent reaps it,
                    # and PostgreSQL takes a lock file (the data folder's or the socket's)
                    # naming a pid that kill(pid, 0) still finds as a live server. Every
                    # process of the old server is gone (checked above).
                    lock.unlink()
        await asyncio.sleep(down)
        started = time.monotonic()
        await asyncio.to_thread(stack.start_postgres, sc.config)
        return f"kill -9 PostgreSQL (pid {pid}), restarted in {time.monotonic() - started:.1f}s"

    return fault


# --- the load -------------------------------------------------------------------------------


@dataclass
class Load:
    """Registrations of new enterprises at a steady rate, each with known content."""

    url: str
    token: str
    rate: float
    seed: int
    sent: list[str] = field(default_factory=list)
    accepted: set[str] = field(default_factory=set)
    refused: dict[str, int] = field(default_factory=dict)
    not_delivered: set[str] = field(default_factory=set)
    """Connection refused: the request never reached the service."""
    in_doubt: set[str] = field(default_factory=set)
    """Sent, but no answer (the service died mid-request): it may or may not be written."""
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def run(self, stop: asyncio.Event) -> None:
        rng = random.Random(self.seed)
        headers = {"Authorization": f"Bearer {self.token}"}
        tasks: list[asyncio.Task[None]] = []
        async with httpx.AsyncClient(timeout=10) as http:
            started = time.perf_counter()
            n = 0
            while not stop.is_set():
                delay = started + n / self.rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                uscc = make_uscc(rng)
                body = {
                    "uscc": uscc,
                    "name": f"故障测试企业{self.seed}-{n:05d}",
                    "district": DISTRICTS[n % len(DISTRICTS)],
                    "industry": "cement",
                    "address": f"load {n}",
                    "effective_on": "2019-05-06",
                }
                self.bodies[uscc] = body
                self.sent.append(uscc)
                tasks.append(asyncio.create_task(self._send(http, headers, body)))
                n += 1
            await asyncio.gather(*tasks)

    async def _send(
        self, http: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]
    ) -> None:
        uscc = body["uscc"]
        try:
            r = await http.post(f"{self.url}/v1/enterprises", json=body, headers=headers)
        except httpx.ConnectError:
            self.not_delivered.add(uscc)
            return
        except httpx.HTTPError:
            self.in_doubt.add(uscc)
            return
        if 200 <= r.status_code < 300:
            self.accepted.add(uscc)
        else:
            self.refused[uscc] = r.status_code


# --- the checks -----------------------------------------------------------------------------


@dataclass
class Counts:
    sent: int = 0
    accepted: int = 0
    refused: int = 0
    refused_by_status: dict[int, int] = field(default_factory=dict)
    not_delivered: int = 0
    in_doubt: int = 0
    in_doubt_written: int = 0
    in_service: int = 0
    in_aggregator: int = 0
    lost: int = 0
    duplicated: int = 0
    half_written: int = 0
    phantom: int = 0
    outbox_events: int = 0
    outbox_unsent: int = 0
    events_missing_in_aggregator: int = 0
    copies_on_topic: int = 0
    redelivered: int = 0
    lag: int = -1
    faults: list[str] = field(default_factory=list)

    def line(self) -> str:
        skip = {"faults"}
        return ", ".join(f"{k}={v}" for k, v in self.__dict__.items() if k not in skip)


async def _fetch(url: str, query: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(raw_dsn(url))
    try:
        return list(await conn.fetch(query, *args))
    finally:
        await conn.close()


async def lag(kafka: KafkaAccess, group: str) -> int:
    """The group's committed offsets behind the ends of the agency topics (all partitions)."""
    admin = AIOKafkaAdminClient(**kafka.options())
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
        described = await admin.describe_topics(AGENCY_TOPICS)
    finally:
        await admin.close()
    parts = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]
    consumer = AIOKafkaConsumer(**kafka.options(), enable_auto_commit=False)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(parts)
    finally:
        await consumer.stop()
    behind = 0
    for tp, end in ends.items():
        meta = committed.get(tp)
        position = meta.offset if meta is not None and meta.offset >= 0 else 0
        behind += max(0, end - position)
    return behind


async def topic_copies(kafka: KafkaAccess, keys: set[str]) -> tuple[int, int]:
    """(records on the technology topic keyed by one of `keys`, distinct event ids among them)."""
    consumer = AIOKafkaConsumer(
        **kafka.options(), enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        parts = [TopicPartition(TOPIC, p) for p in range(3)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        remaining = {tp for tp in parts if ends[tp] > 0}
        copies, ids = 0, set()
        wanted = {k.encode() for k in keys}
        while remaining:
            for tp, records in (await consumer.getmany(*remaining, timeout_ms=1000)).items():
                for r in records:
                    if r.key in wanted:
                        copies += 1
                        ids.add(dict(r.headers).get("ce_id"))
                if records and records[-1].offset + 1 >= ends[tp]:
                    remaining.discard(tp)
        return copies, len(ids)
    finally:
        await consumer.stop()


async def settle(sc: Scenario, kafka: KafkaAccess, within: float = 180) -> None:
    """Wait until the outbox is empty, every outbox event is applied, and the lag is zero."""
    tech, agg = sc.urls["technology"], sc.urls["aggregator"]
    deadline = time.monotonic() + within
    state = ""
    while time.monotonic() < deadline:
        unsent = (await _fetch(tech, "SELECT count(*) FROM outbox WHERE sent_at IS NULL"))[0][0]
        ids = [r[0] for r in await _fetch(tech, "SELECT event_id::text FROM outbox")]
        applied = (
            await _fetch(agg, "SELECT count(*) FROM timeline WHERE event_id = ANY($1)", ids)
        )[0][0]
        behind = await lag(kafka, sc.group)
        state = f"unsent {unsent}, applied {applied}/{len(ids)}, lag {behind}"
        if unsent == 0 and applied == len(ids) and behind == 0:
            return
        await asyncio.sleep(1)
    raise AssertionError(f"the platform did not settle within {within}s: {state}")


async def check(sc: Scenario, load: Load, kafka: KafkaAccess) -> Counts:
    """Count what was sent, accepted, written, applied, lost and duplicated."""
    tech, agg = sc.urls["technology"], sc.urls["aggregator"]
    sent = list(load.sent)
    in_service = {
        r["uscc"]: dict(r)
        for r in await _fetch(
            tech,
            "SELECT uscc, name, district, industry, address FROM enterprises WHERE uscc = ANY($1)",
            sent,
        )
    }
    per_uscc: dict[str, int] = {}
    for r in await _fetch(
        agg,
        "SELECT uscc, count(*) AS n FROM timeline WHERE type = $1 AND uscc = ANY($2) GROUP BY uscc",
        REGISTERED,
        sent,
    ):
        per_uscc[r["uscc"]] = r["n"]
    outbox = await _fetch(tech, "SELECT event_id::text, sent_at FROM outbox")
    ids = [r["event_id"] for r in outbox]
    applied_ids = {
        r[0]
        for r in await _fetch(agg, "SELECT event_id FROM timeline WHERE event_id = ANY($1)", ids)
    }
    copies, distinct = await topic_copies(kafka, set(sent))
    counts = Counts(
        sent=len(sent),
        accepted=len(load.accepted),
        refused=len(load.refused),
        refused_by_status=dict(sorted(Counter(load.refused.values()).items())),
        not_delivered=len(load.not_delivered),
        in_doubt=len(load.in_doubt),
        in_doubt_written=len(load.in_doubt & set(in_service)),
        in_service=len(in_service),
        in_aggregator=sum(1 for u in sent if per_uscc.get(u, 0) > 0),
        lost=sum(1 for u in load.accepted if u not in in_service or per_uscc.get(u, 0) == 0),
        duplicated=sum(1 for u in sent if per_uscc.get(u, 0) > 1),
        half_written=sum(1 for u in in_service if per_uscc.get(u, 0) == 0),
        phantom=sum(1 for u in in_service if u not in load.accepted | load.in_doubt),
        outbox_events=len(ids),
        outbox_unsent=sum(1 for r in outbox if r["sent_at"] is None),
        events_missing_in_aggregator=len(set(ids) - applied_ids),
        copies_on_topic=copies,
        redelivered=copies - distinct,
        lag=await lag(kafka, sc.group),
    )
    wrong = [
        u
        for u in load.accepted
        if u in in_service
        and any(in_service[u][k] != load.bodies[u][k] for k in ("name", "district", "address"))
    ]
    assert not wrong, f"written with other content than sent: {wrong[:5]}"
    return counts


async def run(
    sc: Scenario, kafka: KafkaAccess, faults: list[Fault], *, rate: float, lead: float, gap: float
) -> Counts:
    """Steady load; each fault in turn, `gap` seconds apart; then settle and count."""
    await sc.prepare()
    await asyncio.to_thread(sc.start_all)
    try:
        load = Load(f"http://127.0.0.1:{sc.ports['technology']}", sc.token(), rate, seed=sc.seed)
        stop = asyncio.Event()
        loading = asyncio.create_task(load.run(stop))
        done = []
        await asyncio.sleep(lead)
        for fault in faults:
            done.append(await fault(sc))
            print(f"  fault: {done[-1]}", flush=True)
            await asyncio.sleep(gap)
        stop.set()
        await loading
        await settle(sc, kafka)
        counts = await check(sc, load, kafka)
        counts.faults = done
        return counts
    finally:
        await asyncio.to_thread(sc.stop_all)
