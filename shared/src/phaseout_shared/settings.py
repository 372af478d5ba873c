"""Settings, read from the environment with one prefix: `PHASEOUT_`.

Every service reads the same object; defaults fit the local stack (`deploy/local/`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import quote

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from phaseout_shared.bus import KafkaAccess
from phaseout_shared.limits import MAX_BODY_BYTES, MAX_EVENT_BYTES, MAX_EVIDENCE_BYTES

REPO_ROOT = Path(__file__).resolve().parents[3]


class Settings(BaseSettings):
    """One service's configuration. Environment variables are `PHASEOUT_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="PHASEOUT_", extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, data: object) -> object:
        """An empty value (`PHASEOUT_OTLP_ENDPOINT=` from a compose default) means unset."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v != ""}
        return data

    service: str = Field(default="", description="The service's name, e.g. energy or aggregator")
    database_url: SecretStr = Field(
        default=SecretStr(""),
        description="SQLAlchemy URL of the service's own database (postgresql+asyncpg://…)",
    )
    database_password_file: Path | None = Field(
        default=None,
        description="A file holding the database role's password (a mounted secret), which "
        "takes the place of any password in database_url",
    )
    kafka_bootstrap_servers: str = Field(default="127.0.0.1:19092")
    kafka_username: str | None = Field(
        default=None,
        description="The service's Kafka principal (SASL/SCRAM-SHA-512 over TLS); unset speaks "
        "plain text to an unsecured broker",
    )
    kafka_password: SecretStr | None = Field(default=None, description="The principal's password")
    kafka_password_file: Path | None = Field(
        default=None, description="A file holding the password (a mounted secret)"
    )
    kafka_ca_file: Path | None = Field(
        default=None, description="PEM of the authority that signed the broker's certificate"
    )
    http_host: str = Field(default="127.0.0.1")
    http_port: int = Field(default=8100)
    http_keep_alive_seconds: float = Field(
        default=75,
        gt=0,
        description="How long an idle client connection is kept open: longer than clients keep"
        " theirs idle (httpx 5 s, browsers 60 s), so that a client never sends a request on a"
        " connection the service is closing at that moment",
    )
    jwt_public_key_file: Path | None = Field(
        default=None, description="PEM file of the key that verifies bearer tokens (Ed25519)"
    )
    jwt_public_key: SecretStr | None = Field(default=None, description="The same key, inline")
    jwt_issuer: str = Field(default="phaseout")
    jwt_audience: str = Field(default="phaseout")
    oidc_issuer: str | None = Field(
        default=None,
        description="The city's OpenID Connect provider (its issuer URL): its access tokens "
        "are accepted beside the platform's own, and the dashboard signs in through it",
    )
    oidc_audience: str = Field(default="phaseout", description="The audience its tokens name")
    oidc_groups: str | None = Field(
        default=None,
        description="JSON: the group path prefixes naming agency, jurisdiction and roles, e.g. "
        '{"agency": "/agencies/", "jurisdiction": "/jurisdictions/", "roles": "/roles/"}',
    )
    oidc_client_id: str = Field(
        default="phaseout-dashboard", description="The dashboard's client at the provider"
    )
    technology_url: str = Field(
        default="http://127.0.0.1:8105",
        description="The technology service's base URL: the aggregator reads an enterprise's "
        "electricity readings there for its consumption curve, with the caller's own token",
    )
    energy_url: str = Field(
        default="http://127.0.0.1:8101",
        description="The energy service's base URL: the aggregator relays the dashboard's "
        "evidence, documents and archive requests there with the caller's own token",
    )
    environment_url: str = Field(
        default="http://127.0.0.1:8102", description="The environment service's (as energy_url)"
    )
    quality_url: str = Field(
        default="http://127.0.0.1:8103", description="The quality service's (as energy_url)"
    )
    safety_url: str = Field(
        default="http://127.0.0.1:8104", description="The safety service's (as energy_url)"
    )
    otlp_endpoint: str | None = Field(
        default=None, description="OTLP/HTTP endpoint of a collector, e.g. http://otel:4318"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="INFO", description="The least severe log records written"
    )
    log_format: Literal["json", "text"] = Field(
        default="json", description="One JSON object per line, or text for people"
    )
    log_file: Path | None = Field(
        default=None,
        description="Write the log to this file, rotated at 10 MB (five kept); unset writes to "
        "standard output, as containers expect",
    )
    telemetry: bool = Field(
        default=True,
        description="Traces and metrics (OpenTelemetry); off, the service records neither",
    )
    trace_sample_ratio: float = Field(
        default=0.1,
        ge=0,
        le=1,
        description="The share of traces recorded where they start (an API call); a trace "
        "begun elsewhere follows its parent's decision (parent-based sampling)",
    )
    db_pool_size: int = Field(
        default=20,
        gt=0,
        le=200,
        description="Connections a service keeps open to its database, the most it uses at once "
        "(requests beyond wait for one; kept, not opened and closed per request)",
    )
    trace_sql: bool = Field(
        default=False, description="A span for every SQL statement (costly; for diagnosis)"
    )
    topic_partitions: int = Field(default=3, gt=0, description="Partitions of topics it creates")
    topic_replication: int = Field(
        default=1, gt=0, description="Replication factor of topics it creates (3 in production)"
    )
    relay_interval_seconds: float = Field(
        default=0.5,
        gt=0,
        description="How often the relay looks for rows other processes committed (a commit in"
        " its own process wakes it at once)",
    )
    relay_batch_size: int = Field(default=200, gt=0)
    consumer_max_retries: int = Field(default=3, ge=0)
    consumer_retry_backoff_seconds: float = Field(default=0.2, ge=0)
    max_event_bytes: int = Field(
        default=MAX_EVENT_BYTES,
        gt=0,
        description="The most bytes of one serialised event, for the producer and every "
        "consumer alike: a command whose event is larger is refused (422) before it commits, "
        "and a consumer dead-letters a larger record. Keep it below the broker's "
        "message.max.bytes (1 MiB by default)",
    )
    max_body_bytes: int = Field(
        default=MAX_BODY_BYTES, gt=0, description="The most bytes of a request body (else 413)"
    )
    jwt_max_lifetime_hours: float = Field(
        default=24,
        gt=0,
        description="The longest a token may live from its issue (iat) to its expiry (exp)",
    )
    stall_seconds: float = Field(
        default=60,
        gt=0,
        description="Readiness fails when the oldest unpublished outbox row has waited this "
        "long, or a consumer has not polled the broker for this long",
    )
    retention_days: int = Field(default=14, gt=0, description="Keep sent outbox rows and inbox ids")
    evidence_dir: Path | None = Field(
        default=None,
        description="Where the service keeps its evidence files "
        "(by default `.phaseout/evidence/<service>`)",
    )
    evidence_max_bytes: int = Field(
        default=MAX_EVIDENCE_BYTES, gt=0, description="The largest evidence file kept (else 413)"
    )
    feed_max_bytes: int = Field(
        default=256 * 1024 * 1024,
        gt=0,
        description="The largest file of readings or invoices the revival watch imports (else 413)",
    )
    evidence_scan_command: str | None = Field(
        default=None,
        description="A command run on each evidence file before it is kept, e.g. "
        "`clamdscan --no-summary`: any exit status but 0 refuses the file (422)",
    )
    evidence_store: Literal["local", "s3"] = Field(
        default="local",
        description="Where evidence files and documents are kept: `local` (a folder, "
        "`evidence_dir`) or `s3` (a bucket of an S3-compatible store, the `evidence_s3_*` "
        "settings)",
    )
    evidence_s3_endpoint: str | None = Field(
        default=None,
        max_length=300,
        description="The object store's address, e.g. https://minio:9000",
    )
    evidence_s3_bucket: str = Field(default="phaseout-evidence", max_length=63)
    evidence_s3_prefix: str | None = Field(
        default=None, max_length=100, description="Key prefix (by default the service's name)"
    )
    evidence_s3_region: str = Field(default="us-east-1", max_length=40)
    evidence_s3_access_key: str | None = Field(default=None, max_length=200)
    evidence_s3_secret_key: SecretStr | None = Field(default=None)
    evidence_s3_secret_key_file: Path | None = Field(
        default=None, description="A file holding the secret key (a mounted secret)"
    )
    document_prefixes: dict[str, str] = Field(
        default_factory=dict,
        description="The prefix of each agency's document numbers in this service, as a JSON "
        'object, e.g. `{"miit": "深工信节能"}` (by default `documents.PREFIXES`); in the '
        'aggregator, of each district government\'s exit lists, e.g. `{"baoan": "深宝府"}`',
    )
    document_public_url: str | None = Field(
        default=None,
        max_length=200,
        description="The public address of this service, which a document's QR code resolves "
        "to (by default `http://<http_host>:<http_port>`)",
    )
    document_font: Path | None = Field(
        default=None,
        description="The Chinese font embedded in documents (by default Noto Serif CJK SC)",
    )
    run_migrations: bool = Field(default=True, description="Apply migrations on start-up")
    run_workers: bool = Field(default=True, description="Run the outbox relay and consumers")

    @model_validator(mode="after")
    def _database_password_from_file(self) -> Settings:
        if self.database_password_file is None:
            return self
        url = self.database_url.get_secret_value()
        scheme, sep, rest = url.partition("://")
        credentials, at, location = rest.rpartition("@")
        if not (sep and at):
            raise ValueError("database_url must name its role (scheme://role@host/db)")
        role = credentials.split(":", 1)[0]
        password = quote(self.database_password_file.read_text().strip(), safe="")
        self.database_url = SecretStr(f"{scheme}://{role}:{password}@{location}")
        return self

    def kafka(self) -> KafkaAccess:
        """How this service reaches the broker, and as whom."""
        password = self.kafka_password.get_secret_value() if self.kafka_password else None
        if password is None and self.kafka_password_file is not None:
            password = self.kafka_password_file.read_text().strip()
        return KafkaAccess(
            self.kafka_bootstrap_servers, self.kafka_username, password, self.kafka_ca_file
        )

    def agency_url(self, dimension: str) -> str:
        """The base URL of the agency service of `dimension` (the aggregator's relays)."""
        urls = {
            "energy": self.energy_url,
            "environment": self.environment_url,
            "quality": self.quality_url,
            "safety": self.safety_url,
            "technology": self.technology_url,
        }
        return urls[dimension]

    def evidence_root(self) -> Path:
        """The folder of this service's evidence files."""
        return self.evidence_dir or REPO_ROOT / ".phaseout" / "evidence" / self.service

    def jwt_key(self) -> str:
        """The PEM text of the verification key."""
        if self.jwt_public_key is not None:
            return self.jwt_public_key.get_secret_value()
        path = self.jwt_public_key_file or REPO_ROOT / ".phaseout" / "keys" / "jwt-public.pem"
        return path.read_text()
