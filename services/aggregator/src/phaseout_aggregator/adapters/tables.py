"""The aggregator's projections, fed only by the agencies' topics."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
)
from sqlalchemy.dialects.postgresql import JSONB

METADATA = MetaData()

identity = Table(
    "identity",
    METADATA,
    Column("uscc", String(18), primary_key=True),
    Column("dimension", String(20), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("district", String(20), nullable=False),
    Column("industry", String(40), nullable=False),
    Column("address", String(300)),
    Column("effective_on", Date, nullable=False),
    Column("event_id", String(100), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index("identity_district", "district"),
)
"""What each dimension's agency says an enterprise is (one row per enterprise and dimension)."""

timeline = Table(
    "timeline",
    METADATA,
    Column("event_id", String(100), primary_key=True),
    Column("uscc", String(64), nullable=False),
    Column("type", String(200), nullable=False),
    Column("dimension", String(20), nullable=False),
    Column("source", String(200), nullable=False),
    Column("topic", String(200), nullable=False),
    Column("partition", Integer, nullable=False),
    Column("offset", BigInteger, nullable=False),
    Column("effective_on", Date),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("data", JSONB, nullable=False),
    Index("timeline_uscc", "uscc", "effective_on"),
)
"""Every event applied, with its provenance: the history `as_of` answers are read from."""

cases = Table(
    "cases",
    METADATA,
    Column("dimension", String(20), primary_key=True),
    Column("case_id", String(64), primary_key=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("district", String(20), nullable=False, index=True),
    Column("state", String(40), nullable=False),
    Column("deadline", Date),
    Column("opened_on", Date, nullable=False),
    Column("updated_on", Date, nullable=False),
    Column("last_event", String(200), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)
"""Every agency's cases, at the state of their latest effective event."""

exits = Table(
    "exits",
    METADATA,
    Column("dimension", String(20), primary_key=True),
    Column("case_id", String(64), primary_key=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("district", String(20), nullable=False, index=True),
    Column("industry", String(40), nullable=False, index=True),
    Column("item", String(200), nullable=False),
    Column("capacity_amount", Numeric(20, 4), nullable=False),
    Column("capacity_unit", String(20), nullable=False),
    Column("rule", String(200), nullable=False),
    Column("catalogue_version", String(20), nullable=False),
    Column("opened_on", Date),
    Column("exited_on", Date, nullable=False),
    Column("status", String(20), nullable=False),
)
"""Capacity that exited by law (依法关闭退出), with its legal basis; `revived` if found running."""
