"""A stand-in for the OpenTelemetry collector a deployment exports to: an OTLP/HTTP endpoint
that accepts every export (traces, metrics) and discards it.

The services the bench starts export to it (`PHASEOUT_OTLP_ENDPOINT`), so their telemetry costs
what it costs in a deployment (spans recorded, batched, serialised and posted), short of a real
collector's own work, which runs elsewhere.
"""

from __future__ import annotations

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SINK_PORT = 18161 + 1000 * int(os.environ.get("PHASEOUT_BENCH_SLOT", "0"))
ENDPOINT = f"http://127.0.0.1:{SINK_PORT}"


class _Discard(BaseHTTPRequestHandler):
    received = 0

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        type(self).received += length
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


class Sink:
    """The endpoint, served from a thread while the bench runs."""

    def __init__(self, port: int = SINK_PORT) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _Discard)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def received(self) -> int:
        """Bytes of telemetry received so far."""
        return _Discard.received
