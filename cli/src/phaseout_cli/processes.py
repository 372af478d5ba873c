"""Detached processes with pid files: the local broker, and the six services of the platform.

A process is started in its own session (it outlives the command that started it), its output
goes to a log file, and its pid to a pid file. A pid file is trusted only while that pid still
runs the expected command, so stale files (a crash, a reboot, a reused pid) are cleaned up.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[3]

_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}
"""Processes started by this interpreter, kept so that they are reaped once stopped."""


# --- any process -----------------------------------------------------------------------------


def _cmdline(pid: int) -> str | None:
    """The command line of a live process, None when it is gone or a zombie."""
    proc = Path("/proc") / str(pid)
    if not proc.exists():
        return None if _signal_fails(pid) else ""
    try:
        stat = (proc / "stat").read_text()
        cmdline = (proc / "cmdline").read_bytes()
    except OSError:
        return None
    if stat.rsplit(")", 1)[-1].split()[0] == "Z":
        _reap(pid)
        return None
    return cmdline.replace(b"\0", b" ").decode(errors="replace")


def _signal_fails(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _reap(pid: int) -> None:
    child = _CHILDREN.pop(pid, None)
    if child is not None:
        child.poll()
        return
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def alive(pid: int, expect: str | None = None) -> bool:
    """Whether `pid` runs (not a zombie) and, if given, its command line contains `expect`."""
    cmdline = _cmdline(pid)
    return cmdline is not None and (expect is None or expect in cmdline or cmdline == "")


def _read_pidfile(pidfile: Path) -> tuple[int, str | None] | None:
    """A pid file holds the pid, then (optionally) a marker its command line must contain."""
    try:
        pid, *marker = pidfile.read_text().split("\n", 1)
        return int(pid), (marker[0].strip() or None) if marker else None
    except (FileNotFoundError, ValueError):
        return None


def pid_of(pidfile: Path, expect: str | None = None) -> int | None:
    """The pid in a pid file if that process still runs; a stale file is removed.

    `expect` (by default the marker stored in the file) must be part of its command line,
    so that a pid reused by another program is not taken for ours.
    """
    entry = _read_pidfile(pidfile)
    if entry is not None and alive(entry[0], expect or entry[1]):
        return entry[0]
    pidfile.unlink(missing_ok=True)
    return None


def spawn(
    command: Sequence[str],
    log: Path,
    pidfile: Path,
    env: Mapping[str, str] | None = None,
    marker: str | None = None,
) -> int:
    """Start `command` detached, appending its output to `log`; returns its pid.

    The pid file records `marker` (by default the program) for `pid_of` to check.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        child = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            start_new_session=True,
        )
    _CHILDREN[child.pid] = child
    pidfile.write_text(f"{child.pid}\n{marker or command[0]}\n")
    return child.pid


def _wait_gone(pid: int, timeout: float) -> bool:
    return wait_until(lambda: not alive(pid), timeout, every=0.1)


def stop_process(pidfile: Path, timeout: float = 30, expect: str | None = None) -> bool:
    """SIGTERM, then SIGKILL after `timeout` seconds; True if a running process was stopped."""
    pid = pid_of(pidfile, expect)
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    if not _wait_gone(pid, timeout):
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, 10)
    _reap(pid)
    pidfile.unlink(missing_ok=True)
    return True


def tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log file (empty when there is none)."""
    try:
        with path.open("rb") as f:
            f.seek(max(0, f.seek(0, os.SEEK_END) - 64 * 1024))
            text = f.read().decode(errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def wait_until(check: Callable[[], bool], timeout: float, every: float = 0.3) -> bool:
    """Poll `check` until it holds (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return check()


# --- the services ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    """One service process: its name, the command that runs it, its HTTP port, extra env."""

    name: str
    command: tuple[str, ...]
    port: int
    env: Mapping[str, str] = field(default_factory=dict)


def service_command(name: str, venv: Path = REPO / ".venv") -> tuple[str, ...]:
    """The entry point of a service in the workspace's virtual environment."""
    return (str(venv / "bin" / f"phaseout-{name}"),)


def _files(folder: Path, name: str) -> tuple[Path, Path]:
    return folder / f"{name}.pid", folder / f"{name}.log"


def start_service(folder: Path, service: Service) -> int:
    """Start one service detached (pid file and log in `folder`); returns its pid.

    A service that already runs is left alone and its pid returned.
    """
    folder.mkdir(parents=True, exist_ok=True)
    pidfile, log = _files(folder, service.name)
    running = pid_of(pidfile)
    if running is not None:
        return running
    rotate(log)
    return spawn(service.command, log, pidfile, {**os.environ, **service.env})


def rotate(log: Path, limit: int = 20 * 1024 * 1024) -> None:
    """Keep a process's standard output small: past `limit`, the old one becomes `<log>.1`
    when the process starts again (its records proper go to its rotated `.jsonl`)."""
    if log.exists() and log.stat().st_size > limit:
        log.replace(log.with_name(log.name + ".1"))


def is_ready(port: int) -> bool:
    """Whether `GET /health/ready` on 127.0.0.1:`port` answers 200."""
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _not_ready(folder: Path, services: Iterable[Service]) -> list[Service]:
    waiting = []
    for service in services:
        pidfile, log = _files(folder, service.name)
        if pid_of(pidfile) is None:
            raise RuntimeError(f"{service.name} exited; the end of {log}:\n{tail(log)}")
        if not is_ready(service.port):
            waiting.append(service)
    return waiting


def wait_ready(folder: Path, services: Sequence[Service], timeout: float = 90) -> None:
    """Wait until every service answers ready; fail early, with its log, if one exits."""
    waiting = list(services)
    deadline = time.monotonic() + timeout
    while waiting and time.monotonic() < deadline:
        waiting = _not_ready(folder, waiting)
        if waiting:
            time.sleep(0.5)
    if waiting:
        names = ", ".join(s.name for s in waiting)
        raise RuntimeError(f"not ready after {timeout:.0f}s: {names} (logs in {folder})")


def start_services(
    folder: Path, services: Sequence[Service], timeout: float = 90
) -> dict[str, int]:
    """Start the services, wait until all are ready; returns their pids by name."""
    pids = {s.name: start_service(folder, s) for s in services}
    wait_ready(folder, services, timeout)
    return pids


def stop_service(folder: Path, name: str, timeout: float = 30) -> bool:
    """Stop one service; True if it was running."""
    return stop_process(_files(folder, name)[0], timeout)


def stop_services(folder: Path, names: Iterable[str], timeout: float = 30) -> list[str]:
    """Stop the services (those not running are skipped); returns the names stopped."""
    return [name for name in names if stop_service(folder, name, timeout)]


def services_status(folder: Path, ports: Mapping[str, int]) -> dict[str, dict[str, object]]:
    """For each service: its port, pid (None when not running) and whether it answers ready."""
    status: dict[str, dict[str, object]] = {}
    for name, port in ports.items():
        pid = pid_of(_files(folder, name)[0])
        ready = pid is not None and is_ready(port)
        status[name] = {"port": port, "pid": pid, "running": pid is not None, "ready": ready}
    return status
