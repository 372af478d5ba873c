"""The revival watch's tables, in the technology service's database.

Readings and invoices are stored once per key (an account and month; an enterprise, month and
product category) as revisions: the current one is `current`, a correction supersedes it with a
reason. Orders are what the watch learnt from the agencies' topics; licences are samr's steel
production licences. Alerts are aggregates like the service's cases.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from phaseout_shared.aggregates import Repository, aggregate_table
from phaseout_technology.adapters.tables import METADATA
from phaseout_technology.watch.alert import Alert, AlertState

readings = Table(
    "watch_readings",
    METADATA,
    Column("account", String(64), primary_key=True),
    Column("period", Date, primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("current", Boolean, nullable=False),
    Column("uscc", String(18), nullable=False),
    Column("district", String(20), nullable=False),
    Column("address", String(200), nullable=False),
    Column("kwh", Numeric(16, 3), nullable=False),
    Column("max_demand_kw", Numeric(16, 3), nullable=False),
    Column("correction_reason", String(2000)),
    Column("import_id", String(64), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index(
        "ix_watch_readings_current",
        "account",
        "period",
        unique=True,
        postgresql_where=text("current"),
    ),
    Index("ix_watch_readings_uscc", "uscc", "period"),
    Index("ix_watch_readings_address", "address"),
)

invoices = Table(
    "watch_invoices",
    METADATA,
    Column("uscc", String(18), primary_key=True),
    Column("period", Date, primary_key=True),
    Column("category", String(64), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("current", Boolean, nullable=False),
    Column("district", String(20), nullable=False),
    Column("amount_yuan", Numeric(16, 2), nullable=False),
    Column("tonnes", Numeric(16, 3), nullable=False),
    Column("correction_reason", String(2000)),
    Column("import_id", String(64), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index(
        "ix_watch_invoices_current",
        "uscc",
        "period",
        "category",
        unique=True,
        postgresql_where=text("current"),
    ),
)

orders = Table(
    "watch_orders",
    METADATA,
    Column("event_id", String(64), primary_key=True),
    Column("event_type", String(200), nullable=False),
    Column("uscc", String(18), nullable=False, index=True),
    Column("district", String(20), nullable=False),
    Column("ref", String(64), nullable=False),
    Column("measure", String(64)),
    Column("effective_on", Date, nullable=False),
)

licences = Table(
    "watch_licences",
    METADATA,
    Column("licence_number", String(64), primary_key=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("steel", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
)

rule_versions = Table(
    "watch_rule_versions",
    METADATA,
    Column("version", String(20), primary_key=True),
    Column("effective_on", Date, nullable=False),
    Column("rule_id", String(64), nullable=False),
    Column("changes", JSONB, nullable=False),
    Column("reason", String(2000), nullable=False),
    Column("catalogue", JSONB, nullable=False),
    Column("amended_by", String(200), nullable=False),
    Column("agency", String(20), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index("ix_watch_rule_versions_in_force", "effective_on", "recorded_at"),
)
"""Each amendment of the rules' figures: the whole catalogue it put in force, from when."""

alerts = aggregate_table("watch_alerts", METADATA)


def _alert_columns(alert: Alert) -> dict[str, Any]:
    return {
        "id": str(alert.alert_id),
        "uscc": alert.uscc,
        "district": alert.district,
        "industry": None,
        "state": alert.state,
        "due_on": alert.check_by,
        "effective_on": alert.raised_on,
    }


ALERTS = Repository(alerts, Alert, _alert_columns, open_states=[AlertState.OPEN])
