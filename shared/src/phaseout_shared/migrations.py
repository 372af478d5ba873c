"""Alembic, driven from code.

The platform's tables (outbox, inbox, audit) and the enterprise register have revisions of their
own here; each service adds a `migrations/` folder of its revisions on top of them. One `env.py`
(in `alembic/`) serves all six services: it reads the target metadata from the config.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import async_engine_from_config

HERE = Path(__file__).parent / "alembic"
PLATFORM_VERSIONS = HERE / "platform"
REGISTER_VERSIONS = HERE / "register"


def alembic_config(
    url: str, version_locations: Sequence[Path], metadata: Sequence[MetaData]
) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("version_locations", " ".join(str(p) for p in version_locations))
    cfg.set_main_option("path_separator", "space")
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["metadata"] = list(metadata)
    return cfg


def upgrade(
    url: str,
    version_locations: Sequence[Path],
    metadata: Sequence[MetaData],
    revision: str = "heads",
) -> None:
    """Apply a service's migrations (blocking: run it in a thread from async code)."""
    command.upgrade(alembic_config(url, version_locations, metadata), revision)


def run_env() -> None:
    """The body of `alembic/env.py`: online migrations over an async engine."""
    config = context.config

    def migrate(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=config.attributes.get("metadata", []),
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def online() -> None:
        engine = async_engine_from_config(
            config.get_section(config.config_ini_section, {}),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
        async with engine.connect() as connection:
            await connection.run_sync(migrate)
        await engine.dispose()

    asyncio.run(online())
