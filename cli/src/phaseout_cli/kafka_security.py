"""The local broker's security: TLS, one SCRAM principal per service, and the ACLs.

Each profile of the local stack gets, under `<state>/kafka/`:
- `tls/ca.pem` (an authority made for this installation) and `tls/server.pem` (the broker's key
  and certificate for 127.0.0.1 and localhost, signed by it): clients speak SASL_SSL only;
- `secrets/<principal>` (mode 0600): a generated password per principal of
  `phaseout_shared.principals`, plus `admin` (the super user that provisions) and `controller`
  (the KRaft controller listener's own login, on loopback);
- the principals' SCRAM-SHA-512 credentials and ACLs, applied by `provision` as `admin` through
  Kafka's admin API (confluent-kafka's client), every time the stack starts (idempotent).
Nothing here is committed; `phaseout status` prints the ACL table.

The same files and the same provisioning serve the container stack (`phaseout_cli.compose`):
anything with a `kafka_home` and a `bootstrap` (a `BusHome`) names where they are.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from phaseout_shared.bus import KafkaAccess
from phaseout_shared.principals import ADMIN, PRINCIPALS, Principal, topics

CONTROLLER = "controller"
PARTITIONS = 3


class BusHome(Protocol):
    """Where a broker's secrets live (`kafka_home`) and how clients reach it (`bootstrap`)."""

    @property
    def kafka_home(self) -> Path: ...

    @property
    def bootstrap(self) -> str: ...


@dataclass(frozen=True)
class Installation:
    """A broker's secrets in a folder of their own (a container stack's, mounted read-only)."""

    kafka_home: Path
    bootstrap: str


def tls_dir(cfg: BusHome) -> Path:
    return cfg.kafka_home / "tls"


def ca_file(cfg: BusHome) -> Path:
    return tls_dir(cfg) / "ca.pem"


def secret_file(cfg: BusHome, principal: str) -> Path:
    """Where a principal's password lives (what `PHASEOUT_KAFKA_PASSWORD_FILE` names)."""
    return cfg.kafka_home / "secrets" / principal


def password(cfg: BusHome, principal: str) -> str:
    """A principal's password: generated once, kept 0600 in the profile's state."""
    path = secret_file(cfg, principal)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(24))
    return path.read_text().strip()


def access(cfg: BusHome, principal: str = ADMIN) -> KafkaAccess:
    """How a client reaches the profile's broker as `principal`."""
    return KafkaAccess(cfg.bootstrap, principal, password(cfg, principal), ca_file(cfg))


def broker_settings(cfg: BusHome) -> dict[str, str]:
    """The values `server.properties` takes: TLS files and the two built-in logins."""
    ensure_tls(cfg)
    return {
        "ca": str(ca_file(cfg)),
        "keystore": str(tls_dir(cfg) / "server.pem"),
        "admin_password": password(cfg, ADMIN),
        "controller_password": password(cfg, CONTROLLER),
    }


def bootstrap_scram(cfg: BusHome) -> list[str]:
    """The storage tool's arguments that create the admin's SCRAM credential at format time,
    so that the broker can authenticate to itself before anything else exists."""
    return ["--add-scram", f"SCRAM-SHA-512=[name={ADMIN},password={password(cfg, ADMIN)}]"]


# --- TLS ---------------------------------------------------------------------------------------


def ensure_tls(cfg: BusHome, days: int = 825, hosts: Sequence[str] = ("localhost",)) -> None:
    """An authority and the broker's certificate (for 127.0.0.1 and `hosts`), made once per
    installation."""
    folder = tls_dir(cfg)
    if (folder / "server.pem").exists() and ca_file(cfg).exists():
        return
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = dt.datetime.now(dt.UTC)

    def certificate(subject: str, key: Any, issuer: str, signer: Any, ca: bool) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            names: list[x509.GeneralName] = [x509.DNSName(h) for h in hosts]
            names.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        return builder.sign(signer, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = certificate("phaseout local CA", ca_key, "phaseout local CA", ca_key, True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = certificate("phaseout kafka", key, "phaseout local CA", ca_key, False)
    pem = serialization.Encoding.PEM
    key_pem = key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    server = folder / "server.pem"
    server.touch(mode=0o600)
    server.write_bytes(key_pem + cert.public_bytes(pem) + ca_cert.public_bytes(pem))
    ca_file(cfg).write_bytes(ca_cert.public_bytes(pem))


# --- principals and ACLs ----------------------------------------------------------------------


def acl_rows(principals: Iterable[Principal] = PRINCIPALS) -> list[tuple[str, str, str, str]]:
    """The ACL table: (principal, operation, resource type, resource), as `phaseout status`
    prints it and `provision` applies it (a group is matched by prefix, a topic literally)."""
    rows: list[tuple[str, str, str, str]] = []
    for p in principals:
        rows += [(p.name, "WRITE", "TOPIC", t) for t in p.writes]
        rows += [(p.name, "READ", "TOPIC", t) for t in p.reads]
        if p.reads:
            rows.append((p.name, "READ", "GROUP", f"{p.groups}*"))
    return rows


def provision(cfg: BusHome, timeout: float = 30) -> None:
    """As admin: the topics, each principal's SCRAM credential and its ACLs (idempotent)."""
    from confluent_kafka import KafkaException
    from confluent_kafka.admin import (
        AclBinding,
        AclOperation,
        AclPermissionType,
        AdminClient,
        NewTopic,
        ResourcePatternType,
        ResourceType,
        ScramCredentialInfo,
        ScramMechanism,
        UserScramCredentialAlteration,
        UserScramCredentialUpsertion,
    )

    admin = AdminClient(_librdkafka_config(cfg))
    info = ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192)
    upserts: list[UserScramCredentialAlteration] = [
        UserScramCredentialUpsertion(p.name, info, password(cfg, p.name).encode())
        for p in PRINCIPALS
    ]
    _wait_all(admin.alter_user_scram_credentials(upserts), timeout)
    wanted = [NewTopic(t, num_partitions=PARTITIONS, replication_factor=1) for t in topics()]
    for future in admin.create_topics(wanted, request_timeout=timeout).values():
        try:
            future.result(timeout)
        except KafkaException as exc:
            if exc.args[0].name() != "TOPIC_ALREADY_EXISTS":
                raise
    operations = {"READ": AclOperation.READ, "WRITE": AclOperation.WRITE}
    kinds = {"TOPIC": ResourceType.TOPIC, "GROUP": ResourceType.GROUP}
    bindings = [
        AclBinding(
            kinds[kind],
            resource.removesuffix("*"),
            ResourcePatternType.PREFIXED if resource.endswith("*") else ResourcePatternType.LITERAL,
            f"User:{name}",
            "*",
            operations[operation],
            AclPermissionType.ALLOW,
        )
        for name, operation, kind, resource in acl_rows()
    ]
    _wait_all(admin.create_acls(bindings, request_timeout=timeout), timeout)


def _wait_all(futures: dict[Any, Any], timeout: float) -> None:
    for future in futures.values():
        future.result(timeout)


def _librdkafka_config(cfg: BusHome) -> dict[str, str | int | float | bool]:
    return {
        "bootstrap.servers": cfg.bootstrap,
        "security.protocol": "SASL_SSL",
        "sasl.mechanism": "SCRAM-SHA-512",
        "sasl.username": ADMIN,
        "sasl.password": password(cfg, ADMIN),
        "ssl.ca.location": str(ca_file(cfg)),
    }
