"""The platform on a container engine (`deploy/docker-compose.yml`), and its end-to-end check.

    python -m phaseout_cli.compose secrets    # .phaseout/compose/: passwords, TLS, JWT keys
    python -m phaseout_cli.compose bases      # base images from Debian's packages and Maven's jars
    python -m phaseout_cli.compose test       # `make compose-test`: the whole stack, end to end
    python -m phaseout_cli.compose provision  # inside the stack: the bus's principals and ACLs

The secrets are made per installation and never committed: one Kafka password per principal of
`phaseout_shared.principals` (plus the broker's `admin` and `controller`), the broker's TLS
authority and certificate (for the host name `kafka`), one PostgreSQL password per service role
and the superuser's, and the development JWT pair. They are the same files, made by the same code
(`kafka_security`), as the native stack's. Compose mounts each as a file secret; since a bind
mount keeps the host's owner and mode, and the containers' users are not the host's, the files
are readable by all and the folder that holds them (0700) keeps them the operator's.

`test` runs with rootful podman and podman-compose: it builds the base images when asked to
(`--local-bases`, for a machine that reaches no registry), builds the stack, starts it, waits for
every health check, runs the demo container, reads the city's 2019 exit list back through the
containerised aggregator's API and checks that Prometheus scrapes all six services; then it tears
everything down, volumes included.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from phaseout_cli import kafka_security
from phaseout_cli.kafka_security import CONTROLLER, Installation
from phaseout_cli.ports import PORTS
from phaseout_shared.principals import ADMIN, PRINCIPALS

REPO = Path(__file__).resolve().parents[3]
STATE = REPO / ".phaseout" / "compose"
COMPOSE_FILE = REPO / "deploy" / "docker-compose.yml"
BASE_FOLDER = REPO / "deploy" / "docker" / "base"
SERVICES = tuple(PORTS)
INFRASTRUCTURE = ("postgres", "kafka", "provision")
STACK = (*INFRASTRUCTURE, *SERVICES, "prometheus")
"""The compose services `test` starts; the demo runs after them, once they are healthy."""
BOOTSTRAP = "kafka:9093"
DEBIAN = "phaseout-base/debian:bookworm"
LOCAL_BASES = {
    "PHASEOUT_PYTHON_BASE": "phaseout-base/python:3.11",
    "PHASEOUT_KAFKA_BASE": "phaseout-base/kafka:4.4.0",
    "PHASEOUT_POSTGRES_BASE": "phaseout-base/postgres:15",
    "PHASEOUT_PROMETHEUS_BASE": "phaseout-base/prometheus:bookworm",
}
"""The compose file's base-image variables, and the images `bases` makes for them."""
CONTAINERS_CONF = """\
# Written by `python -m phaseout_cli.compose test`: podman's default limits (a million open files)
# exceed what a container sandbox may grant, and runc then refuses to start anything.
[containers]
default_ulimits = ["nofile={nofile}:{nofile}", "nproc=4096:4096"]
"""


def version() -> str:
    """The platform's version: the workspace's, and the image tag compose and k8s ask for."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return str(project["version"])


def image() -> str:
    return f"phaseout:{version()}"


# --- secrets -----------------------------------------------------------------------------------


def installation(folder: Path = STATE) -> Installation:
    return Installation(folder / "kafka", BOOTSTRAP)


def _secret(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(24))
    return path.read_text().strip()


def write_secrets(folder: Path = STATE) -> Path:
    """Make the stack's secrets once (idempotent); returns the folder."""
    from phaseout_shared import auth

    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    home = installation(folder)
    kafka_security.ensure_tls(home, hosts=("kafka", "localhost"))
    for name in (ADMIN, CONTROLLER, *(p.name for p in PRINCIPALS)):
        kafka_security.password(home, name)
    for name in ("superuser", *SERVICES):
        _secret(folder / "postgres" / name)
    auth.ensure_dev_keys(folder / "keys")
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return folder


# --- inside the stack: the bus's provisioning --------------------------------------------------


def wait_for_port(host: str, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{host}:{port} did not open within {timeout:.0f}s") from None
            time.sleep(1)


def provision(kafka_home: Path, bootstrap: str, wait: Sequence[str], timeout: float) -> None:
    """Wait for the named host:port pairs (the database accepts TCP only once its roles exist),
    then create the bus's topics, principals and ACLs as admin, retrying until the broker answers
    (the same `kafka_security.provision` as `phaseout up`)."""
    for item in wait:
        host, _, port = item.rpartition(":")
        wait_for_port(host, int(port), timeout)
    home = Installation(kafka_home, bootstrap)
    deadline = time.monotonic() + timeout
    while True:
        try:
            kafka_security.provision(home, timeout=15)
        except Exception as exc:
            if time.monotonic() > deadline:
                raise
            print(f"provision: broker not ready yet ({exc})", file=sys.stderr, flush=True)
            time.sleep(2)
        else:
            break
    for row in kafka_security.acl_rows():
        print("acl", *row, flush=True)


# --- the container engine ----------------------------------------------------------------------


def _run(command: Sequence[str], env: dict[str, str], **kwargs: Any) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, env=env, check=True, **kwargs)


def _run_keeping_tail(
    command: Sequence[str], env: dict[str, str], tail: collections.deque[str]
) -> None:
    """`_run`, its output passed through and its last lines kept in `tail` (to be printed
    again last should the test fail, where a reader of the log's end finds them)."""
    print("+", " ".join(command), flush=True)
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            tail.append(line.rstrip("\n"))
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, list(command))


def engine_env(folder: Path = STATE) -> dict[str, str]:
    """The environment podman runs in: limits a sandbox accepts (`CONTAINERS_CONF`)."""
    conf = folder / "containers.conf"
    import resource

    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    nofile = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
    conf.write_text(CONTAINERS_CONF.format(nofile=nofile))
    return {**os.environ, "CONTAINERS_CONF": str(conf)}


def _image_exists(name: str, env: dict[str, str]) -> bool:
    found = subprocess.run(["podman", "image", "exists", name], env=env, capture_output=True)
    return found.returncode == 0


def make_bases(env: dict[str, str]) -> dict[str, str]:
    """Base images from Debian's packages (and the Kafka jars of the local stack's Maven build),
    each made once; returns the compose variables that name them."""
    from phaseout_cli import stack

    if not _image_exists(DEBIAN, env):
        mmdebstrap = shutil.which("mmdebstrap")
        if mmdebstrap is None:
            raise RuntimeError("mmdebstrap is missing: apt-get install -y mmdebstrap")
        print(f"+ mmdebstrap --variant=minbase bookworm | podman import - {DEBIAN}", flush=True)
        rootfs = subprocess.Popen(
            [mmdebstrap, "--quiet", "--variant=minbase", "--include=ca-certificates", "bookworm"],
            stdout=subprocess.PIPE,
        )
        subprocess.run(["podman", "import", "-", DEBIAN], stdin=rootfs.stdout, env=env, check=True)
        if rootfs.wait() != 0:
            raise RuntimeError("mmdebstrap failed")
    contexts = {
        "PHASEOUT_PYTHON_BASE": ("python", BASE_FOLDER),
        "PHASEOUT_KAFKA_BASE": ("kafka", stack.ensure_kafka_jars(stack.local_config())),
        "PHASEOUT_POSTGRES_BASE": ("postgres", BASE_FOLDER),
        "PHASEOUT_PROMETHEUS_BASE": ("prometheus", BASE_FOLDER),
    }
    for variable, (name, context) in contexts.items():
        tag = LOCAL_BASES[variable]
        if not _image_exists(tag, env):
            dockerfile = BASE_FOLDER / f"{name}.Dockerfile"
            _run(["podman", "build", "-q", "-f", str(dockerfile), "-t", tag, str(context)], env)
    return dict(LOCAL_BASES)


# --- the end-to-end check ----------------------------------------------------------------------


def _get_json(url: str, token: str | None = None) -> Any:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _eventually(check: Callable[[], Any], within: float, what: str) -> Any:
    deadline = time.monotonic() + within
    last: object = None
    while time.monotonic() < deadline:
        try:
            found = check()
        except Exception as exc:
            last = exc
        else:
            if found:
                return found
        time.sleep(2)
    raise RuntimeError(f"{what}: not within {within:.0f}s (last: {last!r})")


def _containers(project: str, env: dict[str, str]) -> list[str]:
    label = f"label=io.podman.compose.project={project}"
    out = subprocess.run(
        ["podman", "ps", "-a", "--filter", label, "--format", "{{.Names}}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()


def _wait_healthy(project: str, env: dict[str, str], within: float) -> None:
    """Run every container's health check until all pass. Podman runs health checks on
    systemd timers; without systemd they run only when asked, so they are asked here."""

    def unhealthy() -> list[str]:
        waiting = []
        for name in _containers(project, env):
            inspect = subprocess.run(
                ["podman", "inspect", name, "--format", "{{.Config.Healthcheck}}"],
                env=env,
                capture_output=True,
                text=True,
            )
            if inspect.stdout.strip() in ("", "<nil>"):
                continue
            check = subprocess.run(
                ["podman", "healthcheck", "run", name], env=env, capture_output=True
            )
            if check.returncode != 0:
                waiting.append(name)
        return waiting

    deadline = time.monotonic() + within
    while waiting := unhealthy():
        if time.monotonic() > deadline:
            raise RuntimeError(f"not healthy within {within:.0f}s: {waiting}")
        time.sleep(3)


def _wait_exit(container: str, env: dict[str, str], within: float) -> None:
    """Wait for a one-shot container to finish, and require that it succeeded."""
    done = subprocess.run(
        ["podman", "wait", container], env=env, capture_output=True, text=True, timeout=within
    )
    if done.returncode != 0 or done.stdout.strip() != "0":
        raise RuntimeError(f"{container} failed (exit {done.stdout.strip()}): {done.stderr}")


def _expected_exits(count: int, seed: int) -> set[str]:
    from phaseout_cli import demo, demo_year

    exiting = {
        demo_year.Story.TECH_SEALED,
        demo_year.Story.TECH_DISMANTLED,
        demo_year.Story.ENERGY_OVERDUE,
        demo_year.Story.ENERGY_FAILED,
        demo_year.Story.ENV_CLOSED,
        demo_year.Story.SAFETY_CLOSED,
    }
    city = list(demo.enterprises(count, seed=seed))
    return {a.enterprise.uscc for a in demo_year.plan(city, seed) if a.story in exiting}


def check_exit_list(base: str, private_key: str, count: int, seed: int) -> int:
    """The demo's 2019 exits, read back through the aggregator's API; returns how many."""
    from phaseout_shared import auth

    token = auth.issue(
        private_key, sub="compose-test", agency="miit", jurisdiction="city", roles=["reader"]
    )
    expected = _expected_exits(count, seed)
    if not expected:
        raise RuntimeError(f"the demo of {count} enterprises (seed {seed}) exits nothing")
    url = f"{base}/v1/exits?as_of=2020-01-31&year=2019"

    def all_there() -> set[str] | None:
        found = {r["uscc"] for r in _get_json(url, token)["rows"]}
        return found if expected <= found else None

    found = _eventually(all_there, 180, "the demo's 2019 exits in the aggregator")
    print(f"compose-test: {len(expected)} exits of 2019 read back ({len(found)} rows)")
    return len(expected)


def check_document(base: str, private_key: str) -> None:
    """A district government issues its 2019 exit list in the containers: the PDF renders with
    the Chinese font the image carries, is kept on the service's volume and answers its digest,
    and its verification page answers without a token."""
    import hashlib

    from phaseout_shared import auth

    token = auth.issue(
        private_key, sub="compose-test", agency=None, jurisdiction="baoan", roles=["officer"]
    )
    body = json.dumps({"district": "baoan", "year": 2019, "as_of": "2020-01-31"}).encode()
    request = urllib.request.Request(
        f"{base}/v1/exit-lists",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        issued = json.loads(response.read())
    request = urllib.request.Request(
        f"{base}/v1/exit-lists/{issued['document_id']}/pdf",
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        pdf = response.read()
    if not pdf.startswith(b"%PDF-") or b"/FontFile" not in pdf:
        raise RuntimeError(f"the exit list's PDF: {pdf[:80]!r}")
    if hashlib.sha256(pdf).hexdigest() != issued["sha256"]:
        raise RuntimeError("the exit list's PDF is not the one its digest names")
    verified = _get_json(f"{base}/v1/public/exit-lists/{issued['document_id']}")
    if verified["sha256"] != issued["sha256"]:
        raise RuntimeError(f"the verification page says {verified}")
    print(
        f"compose-test: baoan's 2019 exit list issued as {issued['number']} "
        f"({issued['items']} lines, {len(pdf):,} bytes), verified without a token"
    )


def check_prometheus(base: str) -> None:
    """Prometheus has scraped every service successfully."""

    def all_up() -> bool:
        targets = _get_json(f"{base}/api/v1/targets")["data"]["activeTargets"]
        up = {t["labels"].get("service") for t in targets if t["health"] == "up"}
        return set(SERVICES) <= up

    _eventually(all_up, 120, "Prometheus scraping all six services")
    print("compose-test: Prometheus scrapes all six services")


def run_test(*, local_bases: bool, port_prefix: str, count: int, keep: bool, project: str) -> float:
    """Build, start, check and tear down the stack; returns how long it took in seconds."""
    started = time.monotonic()
    folder = write_secrets()
    env = engine_env(folder)
    env.update(
        PHASEOUT_VERSION=version(),
        PHASEOUT_PORT_PREFIX=port_prefix,
        PHASEOUT_DEMO_COUNT=str(count),
    )
    if local_bases:
        env.update(make_bases(env))
    compose = [str(Path(sys.executable).parent / "podman-compose"), "-p", project]
    demo: collections.deque[str] = collections.deque(maxlen=40)
    compose += ["-f", str(COMPOSE_FILE)]
    try:
        _run([*compose, "build"], env)
        # In phases, each `--no-deps`: podman 4.3 cannot start a container whose `--requires`
        # names a one-shot container that has exited (and runs no health-check conditions).
        up = [*compose, "up", "-d", "--no-deps"]
        _run([*up, *INFRASTRUCTURE], env, stdout=subprocess.DEVNULL)
        _wait_exit(f"{project}_provision_1", env, within=300)
        _run([*up, *SERVICES, "prometheus"], env, stdout=subprocess.DEVNULL)
        _wait_healthy(project, env, within=300)
        print(f"compose-test: healthy after {time.monotonic() - started:.0f}s", flush=True)
        _run_keeping_tail([*compose, "run", "--rm", "--no-deps", "-T", "demo"], env, demo)
        private_key = (folder / "keys" / "jwt-private.pem").read_text()
        check_exit_list(f"http://127.0.0.1:{port_prefix}00", private_key, count, seed=2019)
        check_document(f"http://127.0.0.1:{port_prefix}00", private_key)
        check_prometheus(f"http://127.0.0.1:{port_prefix}90")
    except BaseException:
        for name in _containers(project, env):
            print(f"--- the end of {name}'s log", flush=True)
            subprocess.run(["podman", "logs", "--tail", "30", name], env=env)
        if demo:
            print("--- the end of the demo loader's output", flush=True)
            print(*demo, sep="\n", flush=True)
        raise
    finally:
        if not keep:
            subprocess.run([*compose, "down", "-v"], env=env, capture_output=True)
    took = time.monotonic() - started
    print(f"compose-test: passed in {took:.0f}s")
    return took


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m phaseout_cli.compose")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("secrets", help="make .phaseout/compose/ (idempotent)")
    commands.add_parser("bases", help="make the base images without a registry")
    prov = commands.add_parser("provision", help="(inside the stack) the bus's principals, ACLs")
    prov.add_argument("--kafka-home", type=Path, default=Path("/etc/phaseout/kafka"))
    prov.add_argument("--bootstrap", default=BOOTSTRAP)
    prov.add_argument("--wait", action="append", default=[], help="host:port to wait for first")
    prov.add_argument("--timeout", type=float, default=180)
    test = commands.add_parser("test", help="build, start, check and tear down the stack")
    test.add_argument("--local-bases", action="store_true", help="make the base images here")
    test.add_argument("--port-prefix", default="81", help="host ports <prefix>00-05, <prefix>90")
    test.add_argument("--demo-count", type=int, default=60)
    test.add_argument("--keep", action="store_true", help="leave the stack running")
    test.add_argument("--project", default="phaseout-compose-test")
    args = parser.parse_args(argv)
    if args.command == "secrets":
        print(write_secrets())
    elif args.command == "bases":
        print(json.dumps(make_bases(engine_env(write_secrets())), indent=2))
    elif args.command == "provision":
        provision(args.kafka_home, args.bootstrap, args.wait, args.timeout)
    else:
        run_test(
            local_bases=args.local_bases,
            port_prefix=args.port_prefix,
            count=args.demo_count,
            keep=args.keep,
            project=args.project,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
