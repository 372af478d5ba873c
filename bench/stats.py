"""Figures, percentiles and the report every benchmark prints."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0..100) by linear interpolation; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/max of durations given in seconds, in milliseconds."""
    return {
        "n": float(len(seconds)),
        "p50_ms": percentile(seconds, 50) * 1000,
        "p95_ms": percentile(seconds, 95) * 1000,
        "p99_ms": percentile(seconds, 99) * 1000,
        "max_ms": max(seconds, default=math.nan) * 1000,
    }


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """`with stopwatch() as t:` ... then `t[0]` is the elapsed seconds."""
    box: list[float] = []
    started = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - started)


@dataclass
class Line:
    label: str
    value: float
    unit: str
    note: str = ""


@dataclass
class Section:
    """One benchmark's figures: lines, and ratios of a subject to its baseline."""

    number: str
    title: str
    lines: list[Line] = field(default_factory=list)
    ratios: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, label: str, value: float, unit: str, note: str = "") -> None:
        self.lines.append(Line(label, value, unit, note))
        print(f"  {label:<52} {_fmt(value):>12} {unit:<10} {note}", flush=True)

    def ratio(self, label: str, subject: float, baseline: float, note: str = "") -> float:
        value = subject / baseline if baseline else math.nan
        self.ratios.append(Line(label, value, "x", note))
        print(f"  ratio {label:<46} {value:>12.3f} x          {note}", flush=True)
        return value

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note: {text}", flush=True)


def _fmt(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}"
    return f"{value:.4f}"


@dataclass
class Report:
    machine: dict[str, Any]
    command: str
    sections: list[Section] = field(default_factory=list)

    def section(self, number: str, title: str) -> Section:
        s = Section(number, title)
        self.sections.append(s)
        print(f"\n[{number}] {title}", flush=True)
        return s

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False, default=str))

    def markdown(self) -> str:
        """The figures as Markdown tables (what docs/benchmarks.md records)."""
        out = []
        for s in self.sections:
            out.append(f"### {s.number}. {s.title}\n")
            out.append("| measure | value | unit | note |\n|---|---:|---|---|")
            out += [f"| {x.label} | {_fmt(x.value)} | {x.unit} | {x.note} |" for x in s.lines]
            out += [f"| **ratio** {x.label} | {x.value:.3f} | × | {x.note} |" for x in s.ratios]
            out += [f"\n- {n}" for n in s.notes]
            out.append("")
        return "\n".join(out)
