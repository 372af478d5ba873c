"""`python -m bench.stream_apply`: the `technology-feeds` consumer's work per fetched batch, the
code as it is beside the code as it was (`bench.before_watch`), interleaved on the same records.

Benchmark 7's streamed readings (`bench.watch.file_of`: one account per enterprise, twelve
months, a third sealed in June 2019) are made in memory as the grid company's Kafka records.
Then, round after round, each variant in turn: the watch's tables, the inbox and the outbox are
emptied and the sealings recorded again, and every batch of `STREAM_BATCH` records goes through
`EventConsumer.process_batch` of the service's own consumer (parsing, the inbox claims, the
load, the rules, the commit) against the bench stack's PostgreSQL (`PHASEOUT_BENCH_SLOT`; the
stack must be up, e.g. left by `python -m bench --keep`). Kafka is not read: the records are
given to the consumer as if fetched.

Rates are medians over the rounds; on a shared machine read the ratio of the two variants
(measured side by side) rather than the rates.

    python -m bench.stream_apply --readings 60000 --rounds 5
    python -m bench.stream_apply --readings 12000 --rounds 3 --batch 200
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from aiokafka.structs import ConsumerRecord
from sqlalchemy import text

from bench import before_watch
from bench.env import Bench
from bench.watch import GRID, _grid_records, _sealings, _technology_database, file_of
from phaseout_shared.bus import KafkaAccess
from phaseout_shared.consumer import EventConsumer
from phaseout_shared.db import Database
from phaseout_technology.watch import stream

Variant = Callable[[], AbstractContextManager[Any]]
VARIANTS: dict[str, Variant] = {
    "now": nullcontext,
    "before": before_watch.watch_load_before,
}
EMPTIED = "watch_readings, watch_invoices, watch_alerts, watch_orders, inbox, outbox"


def records(count: int) -> tuple[list[ConsumerRecord[bytes, bytes]], list[Any]]:
    """The readings as the consumer receives them, and the sealings the watch knows."""
    content, sealings = file_of(count)
    out = [
        ConsumerRecord(GRID, 0, offset, 0, 0, key, value, None, len(key), len(value), headers)
        for offset, (key, value, headers) in enumerate(_grid_records(content))
    ]
    return out, sealings


async def run_once(
    db: Database, given: Sequence[ConsumerRecord[bytes, bytes]], sealings: list[Any], batch: int
) -> float:
    """Seconds to apply every batch (of `batch` records) on emptied tables."""
    async with db.sessions.begin() as session:
        await session.execute(text(f"TRUNCATE {EMPTIED}"))
    await _sealings(db, sealings)
    spec = stream.consumer()
    consumer = EventConsumer(
        name=spec.name,
        topics=spec.topics,
        kafka=KafkaAccess("127.0.0.1:9"),
        dead_letters=f"{GRID}.dlq",
        sessions=db.sessions,
        handler=spec.handler,
        batch_handler=spec.batch_handler,
        dlq_producer=None,  # a valid corpus dead-letters nothing
        max_batch=spec.max_batch,
    )
    gc.collect()
    started = time.perf_counter()
    for start in range(0, len(given), batch):
        await consumer.process_batch(given[start : start + batch])
    took = time.perf_counter() - started
    if consumer.applied != len(given):
        raise RuntimeError(f"applied {consumer.applied} of {len(given)}")
    return took


async def amain(count: int, rounds: int, batch: int) -> None:
    given, sealings = records(count)
    gc.collect()
    gc.freeze()
    bench = Bench()
    url = await _technology_database(bench, "stream_apply")
    db = Database(url)
    took: dict[str, list[float]] = {name: [] for name in VARIANTS}
    try:
        for _ in range(rounds):
            for name, variant in VARIANTS.items():
                with variant():
                    took[name].append(await run_once(db, given, sealings, batch))
    finally:
        await db.dispose()
    n = len(given)
    print(f"{n} readings in batches of {batch}, {rounds} rounds, interleaved")
    for name, seconds in took.items():
        median = statistics.median(seconds)
        each = ", ".join(f"{s:.2f}" for s in seconds)
        print(f"  {name:24s} median {median:6.2f} s  {n / median:>8,.0f} readings/s  ({each} s)")
    now, was = (statistics.median(s) for s in took.values())
    print(f"  now / before (rate): {was / now:.2f}")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.stream_apply", description=__doc__)
    p.add_argument("--readings", type=int, default=60_000)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument(
        "--batch",
        type=int,
        default=stream.STREAM_BATCH,
        help="records per batch (the consumer's largest by default; a steady stream makes "
        "smaller ones)",
    )
    args = p.parse_args(argv)
    asyncio.run(amain(args.readings, args.rounds, args.batch))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
