"""The local stack's identity provider: Keycloak, with a realm of demo users.

Keycloak's server distribution (`org.keycloak:keycloak-quarkus-dist`, a zip) is resolved from
Maven Central by `deploy/local/keycloak/pom.xml` into `.phaseout/cache/keycloak-<version>/`, and
runs in development mode (an in-memory database) on the machine's newest JDK (it needs 21 or
later). At each start the realm `phaseout` is created through the admin API:

- the dashboard's client, `phaseout-dashboard`: public, authorization code with PKCE (S256)
  only, redirecting to the aggregator's `/auth/callback`; its access tokens carry the audience
  `phaseout` and the user's groups (full paths);
- groups `/agencies/<agency>`, `/jurisdictions/<city or district>`, `/roles/<officer|reader>`,
  which the platform maps to agency, jurisdiction and roles (`phaseout_shared.oidc`);
- one demo user per agency (its city officer: `miit`, `mee`, …) and per district government
  (`futian`, …), and a district officer of an agency (`mee-futian`); every password is
  `phaseout`. A demo realm for a laptop, never for a city.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from phaseout_shared.reference import CITY, NAMES_ZH, Agency, District

VERSION = "26.4.7"
REALM = "phaseout"
CLIENT = "phaseout-dashboard"
PASSWORD = "phaseout"
START_SECONDS = 600
"""The first start builds the optimised server (about two minutes on a busy 2-CPU machine), then
starts it (about 30 s on a quiet one)."""
JDKS = ("/usr/lib/jvm/temurin-25-jdk-amd64", "/usr/lib/jvm/temurin-21-jdk-amd64")


def java_home() -> str | None:
    """A JDK Keycloak runs on (21 or later): `PHASEOUT_KEYCLOAK_JAVA_HOME`, or a known one."""
    given = os.environ.get("PHASEOUT_KEYCLOAK_JAVA_HOME")
    if given:
        return given
    return next((j for j in JDKS if Path(j, "bin", "java").exists()), None)


def users() -> list[dict[str, Any]]:
    """The demo users: each agency's city officer, each district government's officer, and
    a district officer of the environment bureau."""
    people: list[tuple[str, str | None, str, str]] = [
        (a.value, a.value, CITY, f"{NAMES_ZH[a.value]}经办人") for a in Agency
    ]
    people += [(d.value, None, d.value, f"{NAMES_ZH[d.value]}政府经办人") for d in District]
    people += [("mee-futian", "mee", "futian", "市生态环境局福田管理局经办人")]
    people += [("miit-reader", "miit", CITY, "市工业和信息化局查阅人")]
    found = []
    for username, agency, jurisdiction, name in people:
        role = "reader" if username.endswith("-reader") else "officer"
        groups = [f"/jurisdictions/{jurisdiction}", f"/roles/{role}"]
        if agency is not None:
            groups.append(f"/agencies/{agency}")
        found.append(
            {
                "username": username,
                "enabled": True,
                "email": f"{username}@phaseout.invalid",
                "emailVerified": True,
                "firstName": name,
                "lastName": "演示",
                "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
                "groups": groups,
                "requiredActions": [],
            }
        )
    return found


def realm(redirects: list[str]) -> dict[str, Any]:
    """The realm, its dashboard client and demo users; `redirects` are the aggregator's
    `/auth/callback` addresses."""

    def group(name: str, children: list[str]) -> dict[str, Any]:
        return {"name": name, "subGroups": [{"name": c} for c in children]}

    origins = sorted({r.rsplit("/auth/", 1)[0] for r in redirects})
    return {
        "realm": REALM,
        "enabled": True,
        "displayName": "深圳市统一身份认证（演示）",
        "sslRequired": "none",
        "accessTokenLifespan": 300,
        "ssoSessionIdleTimeout": 1800,
        "groups": [
            group("agencies", [a.value for a in Agency]),
            group("jurisdictions", [CITY, *(d.value for d in District)]),
            group("roles", ["officer", "reader"]),
        ],
        "users": users(),
        "clients": [
            {
                "clientId": CLIENT,
                "name": "Phaseout dashboard",
                "enabled": True,
                "publicClient": True,
                "standardFlowEnabled": True,
                "implicitFlowEnabled": False,
                "directAccessGrantsEnabled": False,
                "redirectUris": redirects,
                "webOrigins": origins,
                "attributes": {
                    "pkce.code.challenge.method": "S256",
                    "post.logout.redirect.uris": "##".join(f"{o}/dashboard/*" for o in origins),
                },
                "protocolMappers": [
                    {
                        "name": "groups",
                        "protocol": "openid-connect",
                        "protocolMapper": "oidc-group-membership-mapper",
                        "config": {
                            "claim.name": "groups",
                            "full.path": "true",
                            "access.token.claim": "true",
                            "id.token.claim": "true",
                            "userinfo.token.claim": "true",
                        },
                    },
                    {
                        "name": "audience",
                        "protocol": "openid-connect",
                        "protocolMapper": "oidc-audience-mapper",
                        "config": {
                            "included.custom.audience": "phaseout",
                            "access.token.claim": "true",
                            "id.token.claim": "false",
                        },
                    },
                ],
            }
        ],
    }


def command(home: Path, port: int) -> list[str]:
    return [
        str(home / "bin" / "kc.sh"),
        "start-dev",
        f"--http-port={port}",
        "--http-host=127.0.0.1",
        "--hostname-strict=false",
        "--db=dev-mem",
        "--health-enabled=true",
        "--cache=local",
    ]


def environment(admin_password: str) -> dict[str, str]:
    env = dict(os.environ)
    home = java_home()
    if home:
        env["JAVA_HOME"] = home
        env["PATH"] = f"{home}/bin:{env.get('PATH', '')}"
    env["KC_BOOTSTRAP_ADMIN_USERNAME"] = "admin"
    env["KC_BOOTSTRAP_ADMIN_PASSWORD"] = admin_password
    env.setdefault("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m")
    return env


def issuer(port: int) -> str:
    return f"http://127.0.0.1:{port}/realms/{REALM}"


def wait_ready(port: int, within: float = 180) -> None:
    """Until the server answers its master realm (start-dev takes ~30 s on a quiet machine)."""
    deadline = time.monotonic() + within
    url = f"http://127.0.0.1:{port}/realms/master/.well-known/openid-configuration"
    while True:
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"Keycloak did not answer on port {port} within {within:g} s")
        time.sleep(1)


def create_realm(port: int, admin_password: str, redirects: list[str]) -> None:
    """Create (or create again) the realm through the admin API."""
    base = f"http://127.0.0.1:{port}"
    token = httpx.post(
        f"{base}/realms/master/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": "admin-cli",
            "username": "admin",
            "password": admin_password,
        },
        timeout=30,
    )
    token.raise_for_status()
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as admin:
        if admin.get(f"/admin/realms/{REALM}").status_code == 200:
            admin.delete(f"/admin/realms/{REALM}").raise_for_status()
        admin.post("/admin/realms", json=realm(redirects)).raise_for_status()


def start(home: Path, port: int, log: Path, admin_password: str) -> subprocess.Popen[bytes]:
    """Start the server (in its own session, so that stopping it stops its JVM)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            command(home, port),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=environment(admin_password),
            cwd=home,
            start_new_session=True,
        )


# ---------------------------------------------------------------- the server's life


DEPLOY = Path(__file__).resolve().parents[3] / "deploy" / "local" / "keycloak"


def home(cache: Path) -> Path:
    """The unpacked distribution, resolved from Maven Central on first use (shared by the
    profiles of one checkout)."""
    folder = cache / f"keycloak-{VERSION}"
    if (folder / "bin" / "kc.sh").exists():
        return folder
    cache.mkdir(parents=True, exist_ok=True)
    with _locked(cache / f"keycloak-{VERSION}.lock"):
        if (folder / "bin" / "kc.sh").exists():
            return folder
        partial = cache / f"keycloak-{VERSION}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        mvn = shutil.which("mvn") or "mvn"
        result = subprocess.run(
            [
                mvn,
                "-q",
                "-B",
                "-f",
                str(DEPLOY / "pom.xml"),
                "dependency:unpack",
                f"-Dkeycloak.version={VERSION}",
                f"-Dunpack.dir={partial}",
            ],
            capture_output=True,
            text=True,
        )
        unpacked = partial / f"keycloak-{VERSION}"
        if result.returncode != 0 or not (unpacked / "bin" / "kc.sh").exists():
            raise RuntimeError(
                f"Maven could not resolve Keycloak {VERSION}:\n{result.stdout}{result.stderr}"
            )
        unpacked.rename(folder)
        shutil.rmtree(partial, ignore_errors=True)
    return folder


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@dataclass(frozen=True)
class Running:
    """A Keycloak of one profile: its folder (pid, log, admin password), port and issuer."""

    folder: Path
    port: int

    @property
    def issuer(self) -> str:
        return issuer(self.port)

    @property
    def pidfile(self) -> Path:
        return self.folder / "keycloak.pid"


def up(cache: Path, folder: Path, port: int, redirects: list[str]) -> Running:
    """Start Keycloak (unless this profile's is running) and create the realm afresh."""
    if java_home() is None:
        raise RuntimeError("Keycloak needs a JDK 21 or later: set PHASEOUT_KEYCLOAK_JAVA_HOME")
    running = Running(folder, port)
    folder.mkdir(parents=True, exist_ok=True)
    secret = folder / "admin-password"
    if not secret.exists():
        secret.touch(mode=0o600)
        secret.write_text(secrets.token_urlsafe(24))
    password = secret.read_text().strip()
    if not _alive(running):
        server_home = home(cache)
        # One start at a time per distribution: the first one builds its optimised server.
        with _locked(cache / f"keycloak-{VERSION}.lock"):
            process = start(server_home, port, folder / "keycloak.log", password)
            running.pidfile.write_text(str(process.pid))
            wait_ready(port, within=START_SECONDS)
    else:
        wait_ready(port, within=START_SECONDS)
    create_realm(port, password, redirects)
    return running


def _alive(running: Running) -> bool:
    try:
        pid = int(running.pidfile.read_text())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return False
    return True


def down(folder: Path) -> None:
    """Stop this profile's Keycloak (its whole process group), if it runs."""
    pidfile = folder / "keycloak.pid"
    try:
        pid = int(pidfile.read_text())
    except (FileNotFoundError, ValueError):
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.5)
        else:
            os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    pidfile.unlink(missing_ok=True)
