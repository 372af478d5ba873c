"""6. The command line's start-up: `phaseout --help` and `phaseout assess technology …` beside
the interpreter's own start (`python -c pass`), each the median of several runs as processes."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.stats import Section

PHASEOUT = str(Path(sys.executable).with_name("phaseout"))
ITEM = '{"kind": "blast_furnace", "volume_m3": 400}'
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "phaseout --help": [PHASEOUT, "--help"],
    "phaseout assess technology (a blast furnace)": [
        PHASEOUT,
        "assess",
        "technology",
        "--industry",
        "steel",
        "--equipment",
        ITEM,
    ],
}


def median_ms(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(section: Section, runs: int = 7) -> None:
    measured = {label: median_ms(command, runs) for label, command in COMMANDS.items()}
    baseline = measured.pop("python -c pass")
    section.add("python -c pass", baseline, "ms", f"median of {runs}")
    for label, value in measured.items():
        section.add(label, value, "ms", f"median of {runs}; target under 300 ms")
        section.ratio(f"{label} / python -c pass", value, baseline)
