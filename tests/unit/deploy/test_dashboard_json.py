"""deploy/grafana/phaseout.json charts only metrics the services expose (their names as
OpenTelemetry's Prometheus exporter writes them) and Prometheus' own `up`."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT / "shared" / "src" / "phaseout_shared"
DASHBOARD = json.loads((ROOT / "deploy" / "grafana" / "phaseout.json").read_text())
INSTRUMENT = re.compile(r"create_(counter|gauge|observable_gauge)\(\s*\"(phaseout\.[a-z_.]+)\"")
PROMQL_WORDS = {"sum", "by", "rate", "increase", "histogram_quantile", "le", "job", "service"}


def exposed() -> set[str]:
    names = {"up", "http_server_duration_milliseconds_count"}
    names.add("http_server_duration_milliseconds_bucket")
    for module in ("telemetry.py", "observability.py"):
        for kind, name in INSTRUMENT.findall((SHARED / module).read_text()):
            base = name.replace(".", "_")
            names.add(f"{base}_total" if kind == "counter" else base)
    return names


def test_every_panel_queries_an_exposed_metric() -> None:
    known = exposed()
    assert {"phaseout_events_published_total", "phaseout_cases_open"} <= known
    for panel in DASHBOARD["panels"]:
        for target in panel["targets"]:
            expr = re.sub(r"\{[^}]*\}|\[[^\]]*\]|\"[^\"]*\"", "", target["expr"])
            words = set(re.findall(r"[a-z_][a-z0-9_]*", expr)) - PROMQL_WORDS
            metrics = {w for w in words if w.startswith(("phaseout_", "http_", "up"))}
            assert metrics and metrics <= known, (panel["title"], metrics - known)


def test_the_panels_cover_what_an_operator_watches() -> None:
    exprs = " ".join(t["expr"] for p in DASHBOARD["panels"] for t in p["targets"])
    for metric in (
        "http_server_duration_milliseconds_bucket",
        "phaseout_events_published_total",
        "phaseout_events_consumed_total",
        "phaseout_events_dead_lettered_total",
        "phaseout_consumer_lag",
        "phaseout_outbox_backlog",
        "phaseout_outbox_parked",
        "phaseout_cases_open",
        "phaseout_cases_overdue",
    ):
        assert metric in exprs, metric
