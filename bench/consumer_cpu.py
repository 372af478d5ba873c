"""`python -m bench.consumer_cpu`: the aggregator consumer's Python per event, the code as it is
beside the code as it was (`bench.before.stdlib_json`), interleaved on the same records.

No stack is needed. Benchmark 1's corpus is made in memory and put into Kafka records as the
relay writes them; then, round after round, each variant in turn:

- parses every record of a batch of 500 as the consumer does before its transaction
  (`from_kafka`, the topic's owner, the payload's validation, its provenance);
- builds what the batch projection sends PostgreSQL for that batch (segments, rows, their
  JSON), with a connection that only keeps the statements' arguments.

The corpus is frozen out of the garbage collector's sight (`gc.freeze`) once made, so that
collections see what a consumer's would (a batch at a time), not the whole corpus.

The database's own work is left out: this is the consumer's CPU, which benchmark 1 cannot
separate from PostgreSQL's and Kafka's. Rates are medians over the rounds; on a shared machine,
read the ratio of the two variants (measured side by side) rather than the rates.

    python -m bench.consumer_cpu --events 20000 --rounds 7
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from aiokafka.structs import ConsumerRecord

from bench import corpus
from bench.before import stdlib_json
from phaseout_aggregator.app import batch
from phaseout_shared.consumer import MAX_BATCH, Delivery, Parsed, refuse_foreign
from phaseout_shared.envelope import from_kafka, to_kafka

Variant = Callable[[], AbstractContextManager[Any]]
VARIANTS: dict[str, Variant] = {"now": nullcontext, "before (stdlib json)": stdlib_json}


def records(events: int) -> list[ConsumerRecord[bytes, bytes]]:
    """The corpus as the consumer receives it."""
    out = []
    for offset, (topic, envelope) in enumerate(corpus.envelopes(events)):
        key, value, headers = to_kafka(envelope)
        out.append(
            ConsumerRecord(topic, 0, offset, 0, 0, key, value, None, len(key), len(value), headers)
        )
    return out


def parse(record: ConsumerRecord[bytes, bytes]) -> Parsed:
    """`EventConsumer._parse` for a valid record."""
    envelope = from_kafka(record.key, record.value, list(record.headers))
    refuse_foreign(envelope, record.topic)
    payload = envelope.payload()
    return Parsed(record, envelope, payload, Delivery(record.topic, 0, record.offset))


class Recorder:
    """Stands for the transaction's connection: keeps each statement's arguments' size."""

    def __init__(self) -> None:
        self.sent = 0

    async def execute(self, sql: str, *args: str) -> None:
        self.sent += sum(len(a) for a in args)


def build(events: Sequence[Parsed]) -> int:
    """What `apply_batch` sends for a batch; the characters sent."""
    conn = Recorder()
    for segment in batch.segments(events):
        step = batch._apply_segment(None, conn, segment)  # type: ignore[arg-type]
        try:
            step.send(None)  # the recorder never waits, so one step runs it through
        except StopIteration:
            continue
        raise RuntimeError("a segment that needs the database")
    return conn.sent


def run(given: Sequence[ConsumerRecord[bytes, bytes]]) -> tuple[float, float, int]:
    """Seconds parsing, seconds building, characters sent, batch after batch."""
    parsing = building = 0.0
    sent = 0
    for start in range(0, len(given), MAX_BATCH):
        started = time.perf_counter()
        parsed = [parse(r) for r in given[start : start + MAX_BATCH]]
        parsed_at = time.perf_counter()
        sent += build(parsed)
        parsing += parsed_at - started
        building += time.perf_counter() - parsed_at
    return parsing, building, sent


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.consumer_cpu", description=__doc__)
    p.add_argument("--events", type=int, default=20000)
    p.add_argument("--rounds", type=int, default=7)
    args = p.parse_args(argv)
    given = records(args.events)
    gc.collect()
    gc.freeze()
    parse_s: dict[str, list[float]] = {name: [] for name in VARIANTS}
    build_s: dict[str, list[float]] = {name: [] for name in VARIANTS}
    sent: dict[str, int] = {}
    for _ in range(args.rounds):
        for name, variant in VARIANTS.items():
            with variant():
                parsing, building, sent[name] = run(given)
            parse_s[name].append(parsing)
            build_s[name].append(building)
    n = len(given)
    print(f"{n} events, median of {args.rounds} rounds, variants interleaved")
    rates = {}
    for name in VARIANTS:
        p_, b_ = statistics.median(parse_s[name]), statistics.median(build_s[name])
        both = statistics.median([a + b for a, b in zip(parse_s[name], build_s[name], strict=True)])
        rates[name] = n / both
        print(
            f"  {name:22s} parse {n / p_:>9,.0f}/s  build rows {n / b_:>9,.0f}/s  "
            f"both {n / both:>9,.0f}/s  ({both / n * 1e6:.1f} µs/event; {sent[name]:,} chars sent)"
        )
    now, before = rates["now"], rates["before (stdlib json)"]
    print(f"  now / before: {now / before:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
