"""MinIO on loopback: the S3-compatible store the evidence store's tests run against.

Built once from the Go module proxy (`go install`, at the pinned version) into the stack's cache,
then started as `minio server` on a folder of its own; stopped with the block that started it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

MODULE = "github.com/minio/minio"
VERSION = "v0.0.0-20260212201848-7aac2a2c5b7c"
"""What `@latest` resolved to on the module proxy (MinIO's module has pseudo-versions only)."""
USER = "phaseout"


@dataclass(frozen=True)
class Running:
    endpoint: str
    access_key: str
    secret_key: str


def ensure(cache: Path) -> Path:
    """The minio binary, built into `cache` when missing (it takes minutes the first time)."""
    folder = cache / f"minio-{VERSION}"
    binary = folder / "minio"
    if binary.exists():
        return binary
    go = shutil.which("go") or (
        "/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").exists() else None
    )
    if go is None:
        raise RuntimeError("go is missing: MinIO is built with `go install`")
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GOBIN": str(folder)}
    built = subprocess.run(
        [go, "install", f"{MODULE}@{VERSION}"], env=env, capture_output=True, text=True
    )
    if built.returncode != 0 or not binary.exists():
        raise RuntimeError(f"go install {MODULE}@{VERSION} failed:\n{built.stderr[-2000:]}")
    return binary


@contextlib.contextmanager
def running(binary: Path, folder: Path, port: int, secret: str) -> Iterator[Running]:
    """MinIO serving `folder` on 127.0.0.1:`port` (its console on the next port) for the block."""
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "MINIO_ROOT_USER": USER,
        "MINIO_ROOT_PASSWORD": secret,
        "MINIO_BROWSER": "off",
        "MINIO_UPDATE": "off",
    }
    log = (folder / "minio.log").open("wb")
    process = subprocess.Popen(
        [
            str(binary),
            "server",
            str(data),
            "--address",
            f"127.0.0.1:{port}",
            "--console-address",
            f"127.0.0.1:{port + 1}",
            "--quiet",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait(endpoint, process, folder)
        yield Running(endpoint, USER, secret)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait(endpoint: str, process: subprocess.Popen[bytes], folder: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = (folder / "minio.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"minio exited with {process.returncode}:\n{said}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{endpoint}/minio/health/ready", timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"minio did not answer at {endpoint} within 60 s")
