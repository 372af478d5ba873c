"""What the tests of the aggregator's kept tables share: a fresh aggregator database, and rows
written into its history as a consumer would write them."""

from __future__ import annotations

import asyncio
import random
import uuid
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert

from phaseout_aggregator.main import SPEC
from phaseout_cli import stack
from phaseout_shared import migrations
from phaseout_shared.db import Database


async def fresh_database(config: stack.StackConfig, prefix: str) -> Database:
    """A new database on the test stack, migrated to the aggregator's head."""
    name = f"{prefix}{uuid.uuid4().hex[:8]}"
    url = (await stack.aensure_databases(config, [name]))[name]
    await asyncio.to_thread(migrations.upgrade, url, SPEC.version_locations, SPEC.metadata)
    return Database(url, pool_size=2)


async def write_shuffled(
    db: Database, table: Table, rows: list[dict[str, Any]], rng: random.Random, most: int
) -> None:
    """The rows in a shuffled order, each transaction one statement of one to `most` of them,
    ten of them a second time (which changes nothing), as batches and redeliveries come."""
    shuffled = rows[:]
    rng.shuffle(shuffled)
    shuffled += rng.sample(rows, 10)
    at = 0
    while at < len(shuffled):
        chunk = shuffled[at : at + rng.randint(1, most)]
        at += len(chunk)
        async with db.sessions.begin() as session:
            await session.execute(insert(table).on_conflict_do_nothing(), chunk)
