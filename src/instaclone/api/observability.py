"""What an operator sees: a request id on every log line (and in the ``X-Request-ID``
response header), JSON log lines, and Prometheus metrics (request latency by route,
DynamoDB calls and throttles by operation, the event pipeline's lag and records set aside).

With several API processes (``instaclone serve --workers N``) the metrics are prometheus
client's multiprocess mode: ``PROMETHEUS_MULTIPROC_DIR`` (set by the parent process) holds
each process's numbers, and ``/metrics`` on any of them sums them all.
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
import sys
import time
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from pythonjsonlogger.json import JsonFormatter
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from ulid import ULID

from instaclone.data import Connection

REQUEST_ID = contextvars.ContextVar("request_id", default="-")
_GIVEN_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

REQUESTS = Histogram(
    "instaclone_http_request_duration_seconds",
    "Time to answer an HTTP request, by route (the path template) and method",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RESPONSES = Counter(
    "instaclone_http_responses_total", "HTTP responses by route and status", ["route", "status"]
)
DYNAMODB_CALLS = Counter(
    "instaclone_dynamodb_calls_total",
    "DynamoDB and DynamoDB Streams requests sent (each attempt), by operation and outcome",
    ["operation", "outcome"],
)
PIPELINE_LAG = Gauge(
    "instaclone_pipeline_lag_seconds",
    "Age of the last stream record the event pipeline handled (0 when caught up)",
    multiprocess_mode="livemax",
)
PIPELINE_PARKED = Counter(
    "instaclone_pipeline_parked_records_total",
    "Stream records the event pipeline set aside after their handler kept failing",
)
log = logging.getLogger("instaclone.access")


def observe_dynamodb(connection: Connection) -> None:
    """Count every request this connection sends (its Streams connections share the list)."""

    def count(action: str, outcome: str) -> None:
        DYNAMODB_CALLS.labels(action, outcome).inc()

    if count not in connection.observers:
        connection.observers.append(count)


class _WithRequestId(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


def configure_logging(level: str = "info") -> None:
    """JSON lines on stderr, each with the request id it was written for ("-" outside a
    request): the access log, the app's own warnings, uvicorn's errors."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "{asctime}{levelname}{name}{process}{message}{request_id}",
            style="{",
            datefmt="%Y-%m-%dT%H:%M:%S%z",
            rename_fields={
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "process": "pid",
            },
        )
    )
    handler.addFilter(_WithRequestId())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


class Observe:
    """Outermost middleware: a request id for the request (the caller's ``X-Request-ID`` if it
    is a plain token, else a new ULID), its latency and status by route, one access log line."""

    def __init__(self, app: ASGIApp, *, metrics: bool = True) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope["headers"] if k == b"x-request-id"), b"").decode(
            "latin-1"
        )
        request_id = given if _GIVEN_ID.fullmatch(given) else str(ULID())
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            if self.metrics:
                REQUESTS.labels(route, scope["method"]).observe(elapsed)
                RESPONSES.labels(route, str(status)).inc()
            if log.isEnabledFor(logging.INFO):
                log.info(
                    "%s %s %d",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={"route": route, "status": status, "ms": round(elapsed * 1000, 2)},
                )
            REQUEST_ID.reset(token)


def metrics_text() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format (all processes' in multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST


class PipelineGauges:
    """Copies the in-process pipeline's numbers to the metrics (called every few seconds)."""

    def __init__(self) -> None:
        self._parked = 0

    def update(self, stats: Any) -> None:
        PIPELINE_LAG.set(stats.lag_seconds)
        if stats.parked > self._parked:
            PIPELINE_PARKED.inc(stats.parked - self._parked)
            self._parked = stats.parked
