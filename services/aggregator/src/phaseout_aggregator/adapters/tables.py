"""The aggregator's projections, fed only by the agencies' topics."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

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
    Column("sequence", BigInteger),
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
    Column("sequence", BigInteger),
    Column("acting_agency", String(40)),
    Index("timeline_uscc", "uscc", "effective_on"),
)
"""Every event applied, with its provenance: the history `as_of` answers are read from.

`acting_agency` is who acted: the agency whose officer's command recorded the event (the
envelope's `actingagency`), none when no officer's command did or the event predates it.

`sequence`, here and in the tables below, is the event's number in its stream (the events one
agency published about one enterprise): of two facts of one source about one thing effective the
same day, the one with the greater sequence was recorded later, whatever the clocks say."""

case_events = Table(
    "case_events",
    METADATA,
    Column("event_id", String(100), primary_key=True),
    Column("dimension", String(20), nullable=False),
    Column("case_id", String(64), nullable=False),
    Column("uscc", String(18), nullable=False, index=True),
    Column("district", String(20), nullable=False, index=True),
    Column("industry", String(40)),
    Column("state", String(40), nullable=False),
    Column("deadline", Date),
    Column("effective_on", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("type", String(200), nullable=False),
    Column("sequence", BigInteger),
    Index("case_events_case", "dimension", "case_id", "effective_on"),
)
"""Every state each agency's case has been in, from when: a case as of D is its latest row."""


def _latest_rows_of(history: Table) -> list[Column[Any]]:
    """The columns of a table keeping each case's latest row of `history`: the case as its
    key, then the row's other columns as `history` has them."""
    key = [
        Column(name, history.c[name].type, primary_key=True) for name in ("dimension", "case_id")
    ]
    rest = [
        Column(c.name, c.type, nullable=c.nullable)
        for c in history.columns
        if c.name not in ("dimension", "case_id")
    ]
    return key + rest


case_current = Table(
    "case_current",
    METADATA,
    *_latest_rows_of(case_events),
    Column("opened_on", Date, nullable=False),
    Index("case_current_district", "district"),
    Index("case_current_uscc", "uscc"),
    Index("case_current_effective_on", "effective_on"),
)
"""Each case's latest row in `case_events` and the day its first row took effect: kept by a
trigger on `case_events` (migration aggregator_0018), written by nothing else."""

exit_events = Table(
    "exit_events",
    METADATA,
    Column("event_id", String(100), primary_key=True),
    Column("dimension", String(20), nullable=False),
    Column("case_id", String(64), nullable=False),
    Column("uscc", String(18), nullable=False, index=True),
    Column("district", String(20), nullable=False, index=True),
    Column("industry", String(40), nullable=False, index=True),
    Column("item", String(200), nullable=False),
    Column("capacity_amount", Numeric(20, 4), nullable=False),
    Column("capacity_unit", String(20), nullable=False),
    Column("rule", String(200), nullable=False),
    Column("catalogue_version", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("effective_on", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("sequence", BigInteger),
    Column("basis", Text),
    Index("exit_events_case", "dimension", "case_id", "effective_on"),
)
"""Capacity that exited by law (依法关闭退出), and revivals found later, with their dates."""

enterprise_firsts = Table(
    "enterprise_firsts",
    METADATA,
    Column("uscc", String(64), primary_key=True),
    Column("district", Text, primary_key=True),
    Column("dimension", String(20), primary_key=True),
    Column("registered_on", Date),
    Column("inspected_on", Date),
    Index(
        "enterprise_firsts_district",
        "district",
        "uscc",
        "dimension",
        postgresql_include=["registered_on", "inspected_on"],
    ),
)
"""When each enterprise's first registration, and first inspection, in a dimension and a
district took effect, from the timeline: kept by a trigger on `timeline` (migration
aggregator_0017), written by nothing else."""

_SUMMED = ("effective_on", "status", "industry", "capacity_unit", "capacity_amount")
"""What a year's list is counted and summed by, included in its indexes (index-only scans)."""

exit_current = Table(
    "exit_current",
    METADATA,
    *_latest_rows_of(exit_events),
    Column("opened_on", Date, nullable=False),
    Column("exited_on", Date),
    Index(
        "exit_current_district",
        "district",
        "exited_on",
        postgresql_include=[*_SUMMED, "dimension"],
    ),
    Index(
        "exit_current_exited_on",
        "exited_on",
        postgresql_include=[*_SUMMED, "dimension", "district"],
    ),
    Index("exit_current_effective_on", "effective_on"),
    Index("exit_current_uscc", "uscc"),
)
"""Each exit's latest row in `exit_events`, the day its first row took effect (`opened_on`) and
its latest exit (`exited_on`): kept by a trigger on `exit_events` (migration aggregator_0016),
written by nothing else."""

oversight_rule = Table(
    "oversight_rule",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("circular_overdue_share", Numeric(5, 4), nullable=False),
    Column("talk_overdue_share", Numeric(5, 4), nullable=False),
    Column("min_cases", Integer, nullable=False),
    Column("updated_by", String(200), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
"""The city bureau's rule for naming a lagging district in a circular (通报) or a talk (约谈)."""

submissions = Table(
    "submissions",
    METADATA,
    Column("year", Integer, primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("submitter", String(20), primary_key=True),
    Column("submitted_on", Date, nullable=False),
    Column("submitted_by", String(200), nullable=False),
    Column("note", String(2000), nullable=False),
)
"""The year's reports as they come in: who sent which, when (工作进度)."""

document_serials = Table(
    "document_serials",
    METADATA,
    Column("prefix", String(40), primary_key=True),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("last", BigInteger, nullable=False),
)
"""The last number given under each prefix in each year (as in every agency service)."""

exit_list_documents = Table(
    "exit_list_documents",
    METADATA,
    Column("id", String(36), primary_key=True),
    Column("number", String(80), nullable=False, unique=True),
    Column("prefix", String(40), nullable=False),
    Column("serial", Integer, nullable=False),
    Column("district", String(20), nullable=False),
    Column("year", Integer, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("enterprises", Integer, nullable=False),
    Column("items", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("issued_by", String(200), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("replaces", String(36), ForeignKey("exit_list_documents.id"), unique=True),
    Column("signed_off_by", String(200)),
    Column("signed_off_on", Date),
    Index("exit_list_documents_district_year", "district", "year"),
)
"""Each district's year-end exit list as issued (年度依法关闭退出落后产能企业清单): numbered, its
PDF kept by digest, signed off once by the district's government."""

disclosures = Table(
    "disclosures",
    METADATA,
    Column("disclosure_id", String(64), primary_key=True),
    Column("dimension", String(20), nullable=False),
    Column("uscc", String(18), nullable=False),
    Column("name", String(200), nullable=False),
    Column("district", String(20), nullable=False),
    Column("industry", String(40), nullable=False),
    Column("violation", String(2000), nullable=False),
    Column("order", String(2000), nullable=False),
    Column("publicity_from", Date, nullable=False),
    Column("publicity_until", Date, nullable=False),
    Column("published_on", Date, nullable=False),
    Column("withdrawn_on", Date),
)
"""What the agencies made public (信息公开); the public sees a row only inside its window."""

referral_events = Table(
    "referral_events",
    METADATA,
    Column("event_id", String(100), primary_key=True),
    Column("referral_id", String(64), nullable=False),
    Column("dimension", String(20), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("sender", String(20), nullable=False),
    Column("receiver", String(20), nullable=False),
    Column("uscc", String(18), nullable=False, index=True),
    Column("district", String(20), nullable=False),
    Column("state", String(20), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("trigger_type", String(200), nullable=False),
    Column("updated_on", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("sequence", BigInteger),
    Column("reason", Text),
    Column("act_type", String(40)),
    Column("act_id", String(64)),
    Column("alert_id", String(64)),
    Column("outcome", String(40)),
    Column("settled_by", String(20)),
    Index("referral_events_referral", "referral_id", "updated_on"),
)
"""Every state each referral between agencies has been in, from when (as of D: its latest row)."""

catalogue_names = Table(
    "catalogue_names",
    METADATA,
    Column("dimension", String(20), primary_key=True),
    Column("entry", String(10), primary_key=True),
    Column("code", String(100), primary_key=True),
    Column("version", String(20), primary_key=True),
    Column("industry", String(40)),
    Column("name_zh", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("citation", Text),
    Column("event_id", String(100), nullable=False),
)
"""The names of a catalogue's entries (`entry`: an equipment `kind` or a `rule`), per version,
as the agency that keeps the catalogue published them."""

watch_alert_events = Table(
    "watch_alert_events",
    METADATA,
    Column("event_id", String(100), primary_key=True),
    Column("alert_id", String(64), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("uscc", String(18), nullable=False),
    Column("district", String(20), nullable=False),
    Column("state", String(20), nullable=False),
    Column("rule", String(100), nullable=False),
    Column("basis", Text, nullable=False),
    Column("period", Date, nullable=False),
    Column("agencies", ARRAY(String(20)), nullable=False),
    Column("check_by", Date, nullable=False),
    Column("outcome", String(40)),
    Column("reason", Text),
    Column("effective_on", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("sequence", BigInteger),
    Index("watch_alert_events_alert", "alert_id", "effective_on"),
    Index("watch_alert_events_uscc", "uscc"),
    Index("watch_alert_events_district", "district"),
)
"""Every state each revival-watch alert has been in, from when (`kind`: `watch` for power drawn
against an order, `ditiaogang` for the 地条钢 signature): an alert as of D is its latest row. A
closing event carries no rule, basis or check date; its row repeats the raised row's."""
