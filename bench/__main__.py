"""`python -m bench`: start the bench stack, run the benchmarks, print figures and ratios.

    python -m bench                       # all five, default sizes
    python -m bench --only projection,rebuild --events 50000
    python -m bench --only reads --enterprises 1000000
    python -m bench --million             # 1,000,000 enterprises for 4, events for 1 and 5
    python -m bench --only latency --rates 100,500,1000 --duration 10
    python -m bench --before              # also the code as it was before its optimisations
    python -m bench --only startup        # the command line's start-up, no stack needed
    python -m bench --only watch --readings 1000000   # the revival watch: file, stream, alerts
    python -m bench --only watch --streamed 100000 --alert-load 1.0   # alerts at the steady rate

The stack (`.phaseout/bench`, pg 54359, Kafka 19162/19163, services 18150-18160, all 1000·N
higher with `PHASEOUT_BENCH_SLOT=N`) is wiped at
the start and stopped at the end (`--keep` leaves it running). Results are also written as
JSON (`--json`), and as Markdown tables (`--markdown`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench import corpus, latency, projection, reads, startup, watch, write_path
from bench.env import Bench, machine
from bench.sink import Sink
from bench.stats import Report
from phaseout_shared import web

ALL = ("projection", "rebuild", "write", "latency", "reads", "startup", "watch")
NUMBERS = {
    "projection": "1",
    "write": "2",
    "latency": "3",
    "reads": "4",
    "rebuild": "5",
    "startup": "6",
    "watch": "7",
}
TITLES = {
    "projection": "Aggregator projection throughput vs a raw aiokafka consumer",
    "write": "Agency write path over HTTP vs a bare FastAPI + asyncpg insert",
    "latency": "End-to-end latency, agency API call to applied in the aggregator",
    "reads": "Aggregator reads at scale",
    "rebuild": "Rebuild of the aggregator from the topics",
    "startup": "Command-line start-up vs the interpreter's",
    "watch": "Revival watch: monthly readings by file and by stream vs COPY; reading to alert",
}


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--only", default=",".join(ALL), help=f"comma-separated, of {', '.join(ALL)}")
    p.add_argument("--events", type=int, default=20000, help="corpus size for 1 and 5")
    p.add_argument("--writes", type=int, default=2000, help="requests per side for 2")
    p.add_argument("--concurrency", type=int, default=16, help="clients in flight for 2")
    p.add_argument("--rates", default="100,500,1000", help="offered writes/s for 3")
    p.add_argument("--duration", type=float, default=10.0, help="seconds per rate for 3")
    p.add_argument("--enterprises", type=int, default=100_000, help="size of 4")
    p.add_argument(
        "--million",
        action="store_true",
        help="4 with 1,000,000 enterprises, 1 and 5 with a corpus of 1,000,000 events",
    )
    p.add_argument("--readings", type=int, default=1_000_000, help="size of 7")
    p.add_argument(
        "--streamed", type=int, default=None, help="readings streamed in 7 (default: --readings)"
    )
    p.add_argument("--trials", type=int, default=30, help="readings → alert trials per way for 7")
    p.add_argument(
        "--alert-load",
        type=float,
        default=None,
        help="7: also time readings to alerts while other readings stream at this share of "
        "the streamed path's sustained rate (1.0: at that rate)",
    )
    p.add_argument(
        "--stream-batch",
        type=int,
        default=1000,
        help="7: also stream the readings in events of this many (0: not)",
    )
    p.add_argument("--samples", type=int, default=200, help="requests per read kind for 4")
    p.add_argument(
        "--before",
        action="store_true",
        help="also measure the code as it was before its optimisations (bench/before.py)",
    )
    p.add_argument("--keep", action="store_true", help="leave the bench stack running")
    p.add_argument("--json", type=Path, default=Path(".phaseout/bench-results.json"))
    p.add_argument("--markdown", type=Path, default=None, help="also write the tables here")
    args = p.parse_args(argv)
    args.only = [x.strip() for x in args.only.split(",") if x.strip()]
    unknown = set(args.only) - set(ALL)
    if unknown:
        p.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    if args.million:
        args.enterprises = 1_000_000
        args.events = max(args.events, 1_000_000)
    return args


async def run(args: argparse.Namespace, bench: Bench, report: Report) -> None:
    wanted = [b for b in ALL if b in args.only]
    raw = None
    if {"projection", "rebuild"} & set(wanted):
        print(f"\nproducing a corpus of {args.events} events ...", flush=True)
        items = corpus.envelopes(args.events)
        started = time.perf_counter()
        await corpus.produce(bench.kafka, items)
        print(f"  produced {len(items)} in {time.perf_counter() - started:.1f}s", flush=True)
    for name in wanted:
        section = report.section(NUMBERS[name], TITLES[name])
        if name in ("projection", "rebuild") and raw is None:
            raw = await projection.baseline(bench, section, before=args.before)
        if name == "projection":
            assert raw is not None
            off = await projection.projection(
                bench,
                section,
                raw,
                label="aggregator projection, telemetry off",
                database="bench_projection_off",
            )
            projection.telemetry_on()
            after = await projection.projection(bench, section, raw)
            section.ratio("aggregator projection, telemetry on / off", after, off)
            await projection.copy_baseline(bench, section, "bench_projection", after)
            if args.before:
                await projection.projection_stdlib_json(bench, section, raw)
                await projection.projection_before(bench, section, raw, after)
        elif name == "rebuild":
            assert raw is not None
            await projection.rebuild_bench(bench, section, raw, args.before)
        elif name == "write":
            await write_path.run(bench, section, args.writes, args.concurrency)
        elif name == "latency":
            rates = [int(r) for r in args.rates.split(",")]
            await latency.run(bench, section, rates, args.duration)
        elif name == "reads":
            await reads.run(bench, section, args.enterprises, args.samples)
        elif name == "startup":
            startup.run(section)
        elif name == "watch":
            await watch.run(
                bench,
                section,
                args.readings,
                args.trials,
                args.streamed,
                args.alert_load,
                args.stream_batch,
            )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    command = shlex.join([".venv/bin/python", "-m", "bench", *(argv or sys.argv[1:])])
    bench = Bench()
    needs_stack = set(args.only) != {"startup"}
    if needs_stack:
        print("starting the bench stack (.phaseout/bench) ...", flush=True)
        started = time.perf_counter()
        bench.up()
        print(f"  up in {time.perf_counter() - started:.1f}s", flush=True)
    # The service code the benches run in this process (the projection, the imports) runs
    # with the collector as the services set it.
    web.tune_collector()
    report = Report(machine(), command)
    print("machine:", report.machine, flush=True)
    telemetry_sink = Sink()
    telemetry_sink.start()
    try:
        asyncio.run(run(args, bench, report))
    finally:
        telemetry_sink.stop()
        report.machine["load_average_at_end"] = os.getloadavg()
        report.machine["telemetry_exported_bytes"] = telemetry_sink.received
        report.save(args.json)
        if args.markdown is not None:
            args.markdown.write_text(report.markdown())
        if needs_stack and not args.keep:
            bench.down()
    print(f"\nresults: {args.json}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
