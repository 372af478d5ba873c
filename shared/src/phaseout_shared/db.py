"""The database: one engine per service, and the platform's own tables (outbox, inbox, audit).

Each service's migrations include `PLATFORM` beside its own metadata.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    MetaData,
    String,
    Table,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

PLATFORM = MetaData()

outbox = Table(
    "outbox",
    PLATFORM,
    Column("seq", BigInteger, Identity(), primary_key=True),
    Column("event_id", UUID(as_uuid=False), nullable=False, unique=True),
    Column("topic", String(200), nullable=False),
    Column("type", String(200), nullable=False),
    Column("source", String(200), nullable=False),
    Column("subject", String(64), nullable=False),
    Column("time", DateTime(timezone=True), nullable=False),
    Column("data", JSONB, nullable=False),
    Column("trace", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("sent_at", DateTime(timezone=True)),
    Column("parked_at", DateTime(timezone=True)),
    Column("parked_reason", String(2000)),
    Column("acting_agency", String(40)),
    Index("outbox_unsent", "seq", postgresql_where=text("sent_at IS NULL")),
    Index("outbox_parked", "seq", postgresql_where=text("parked_at IS NOT NULL")),
)
"""Events written in the command's transaction, published by the relay, then marked sent; a
row the broker refuses for itself is parked (with the reason) instead."""

event_streams = Table(
    "event_streams",
    PLATFORM,
    Column("subject", String(64), primary_key=True),
    Column("sequence", BigInteger, nullable=False),
)
"""The last sequence number given in each subject's stream: the events this service published
about one subject (an enterprise's uscc), numbered 1, 2, 3 … in the order they committed."""

inbox = Table(
    "inbox",
    PLATFORM,
    Column("consumer", String(100), primary_key=True),
    Column("event_id", String(100), primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("inbox_applied_at", "applied_at"),
)
"""The ids of the events a consumer applied, recorded in the transaction that applied them."""

audit = Table(
    "audit",
    PLATFORM,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("agency", String(20)),  # none for a district government's officer
    Column("jurisdiction", String(20), nullable=False),
    Column("action", String(100), nullable=False),
    Column("target", String(100), nullable=False),
    Column("changes", JSONB, nullable=False),
    Index("audit_target", "target"),
)
"""Every write: who, acting for which agency and jurisdiction, when, what changed."""


class Database:
    """A service's connection pool and session factory."""

    def __init__(self, url: str, *, pool_size: int = 20) -> None:
        # No overflow: a connection opened beyond the pool would be closed again as soon as it
        # is given back, and under load every request would pay a new connection's
        # authentication (SCRAM) and start-up; past `pool_size` at once, requests wait for one.
        # No ping before each checkout (a round trip per transaction): a connection the server
        # dropped fails its statement, SQLAlchemy then discards every pooled connection opened
        # before it, and the request answers 503 (`web.UNAVAILABLE`), the consumer retries.
        self.engine: AsyncEngine = create_async_engine(
            url, pool_size=pool_size, max_overflow=0, pool_recycle=3600
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> AsyncSession:
        return self.sessions()

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
