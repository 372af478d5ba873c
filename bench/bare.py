"""The write path's baseline: a bare FastAPI endpoint that inserts one row with asyncpg.

Run by uvicorn like the services (`uvicorn bench.bare:app`), with its DSN in `BENCH_BARE_DSN`.
No authentication, no ORM, no outbox, no audit: the floor of an HTTP write on this machine.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg
from fastapi import FastAPI, Request, status
from pydantic import BaseModel

DDL = """
CREATE TABLE IF NOT EXISTS bare_items (
    id bigserial PRIMARY KEY,
    uscc varchar(18) NOT NULL,
    item_id varchar(100) NOT NULL,
    equipment jsonb NOT NULL,
    capacity_amount numeric(20, 4) NOT NULL,
    capacity_unit varchar(20) NOT NULL,
    effective_on date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)
"""


class ItemIn(BaseModel):
    item_id: str
    equipment: dict[str, Any]
    capacity_amount: Decimal
    capacity_unit: str
    effective_on: date


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    pool = await asyncpg.create_pool(os.environ["BENCH_BARE_DSN"], min_size=2, max_size=10)
    assert pool is not None
    async with pool.acquire() as conn:
        await conn.execute(DDL)
    app.state.pool = pool
    try:
        yield
    finally:
        await pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/health/ready")
async def ready() -> dict[str, bool]:
    return {"ready": True}


@app.post("/v1/enterprises/{uscc}/items", status_code=status.HTTP_201_CREATED)
async def insert(uscc: str, body: ItemIn, request: Request) -> dict[str, Any]:
    row = await request.app.state.pool.fetchrow(
        "INSERT INTO bare_items (uscc, item_id, equipment, capacity_amount, capacity_unit,"
        " effective_on) VALUES ($1, $2, $3::jsonb, $4, $5, $6) RETURNING id, created_at",
        uscc,
        body.item_id,
        json.dumps(body.equipment),
        body.capacity_amount,
        body.capacity_unit,
        body.effective_on,
    )
    return {"id": row["id"], "uscc": uscc, "item_id": body.item_id, "created_at": row["created_at"]}
