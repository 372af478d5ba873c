"""Each service's migrations build exactly the tables its code declares."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import SERVICES, Platform
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

pytestmark = pytest.mark.integration


def _diff(connection: Connection, metadata: list[MetaData]) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))  # type: ignore[arg-type]


@pytest.mark.parametrize("service", SERVICES)
async def test_migrations_match_the_declared_tables(platform: Platform, service: str) -> None:
    app = platform.apps[service]
    spec_metadata = list(app.state.spec.metadata)
    async with app.state.db.engine.connect() as connection:
        diff = await connection.run_sync(_diff, spec_metadata)
    assert diff == []
