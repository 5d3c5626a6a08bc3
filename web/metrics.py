"""Prometheus metrics (METRICS=true) on /metrics, summed over every worker process: requests and
their durations by interface, operation and outcome, GraphQL errors by code, active
subscriptions, events delivered, and the database pool's connections.

Every interface notes what it learns of a request (web/observations.py), which Metrics.record
reads once the request is answered (web/logs.py's RequestIds calls it); WebSocket operations
are measured one by one by graph/websockets.py with `Metrics.operation()`. Durations (and with
them the request counts) are written in batches, by web/durations.py.

prometheus_client shares the workers' figures through files in one directory, which must be
named in its environment before it is first imported: Metrics() does both, so nothing imports
prometheus_client at the top of a module.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from models import database
from settings import Settings
from web.auth import GRAPHQL_PATH, REST_PATH, STREAM_PATH
from web.durations import FLUSH_SECONDS, PendingDurations
from web.observations import Observation, observing, outcome

DURATION = "todobackend_request_duration_seconds"
LABELS = ("interface", "operation", "outcome")
ANONYMOUS = "anonymous"  # an operation without a name
OTHER = "other"  # the operation names past METRICS_MAX_OPERATIONS
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
POOL_SAMPLE_SECONDS = 1.0


def _shared_directory(settings: Settings) -> str:
    """METRICS_DIR, or a temporary directory of this server (its uvicorn workers share it)."""
    if settings.metrics_dir:
        return settings.metrics_dir
    parent = multiprocessing.parent_process()  # uvicorn's, when it runs several workers
    server = parent.pid if parent is not None and parent.pid is not None else os.getpid()
    return str(Path(tempfile.gettempdir()) / f"todobackend-metrics-{server}")


class Metrics:
    """This process's metrics, and the page that sums every worker's."""

    def __init__(self, settings: Settings) -> None:
        directory = _shared_directory(settings)
        Path(directory).mkdir(parents=True, exist_ok=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, values

        # Chosen by prometheus_client when first imported (once per process: in-process tests
        # may have imported it before, without the directory).
        self.multiprocess = values.ValueClass is not values.MutexValue
        if self.multiprocess:
            self._forget_process()  # a pid of a dead worker, reused: its gauges are not ours
        self.registry = registry = CollectorRegistry()
        # todobackend_requests_total is read from this histogram's counts (WithRequestCounts).
        self.duration = Histogram(
            DURATION,
            "How long requests took, from their start to their answer's last byte.",
            LABELS,
            buckets=BUCKETS,
            registry=registry,
        )
        self.errors = Counter(
            "todobackend_graphql_errors", "GraphQL errors.", ["code"], registry=registry
        )
        self.subscriptions = Gauge(
            "todobackend_subscriptions_active",
            "Subscriptions running (WebSocket and SSE).",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.events = Counter(
            "todobackend_events_delivered",
            "Events sent to subscribers (one per subscriber).",
            registry=registry,
        )
        self.pool = Gauge(
            "todobackend_db_pool_connections",
            "The database pool's connections.",
            ("state",),
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.max_operations = settings.metrics_max_operations
        self.operations: set[str] = set()
        self.durations = PendingDurations(self.duration, BUCKETS)  # written in batches
        # What this process's page shows (a worker's alone: page() sums them).
        self.exposed = CollectorRegistry()
        self.exposed.register(WithRequestCounts(registry))

    def operation_label(self, name: str | None) -> str:
        """The label of an operation's name: its own while METRICS_MAX_OPERATIONS names are not
        taken yet (per process), so clients cannot grow the label set without bound."""
        if not name:
            return ANONYMOUS
        if name in self.operations:
            return name
        if len(self.operations) >= self.max_operations:
            return OTHER
        self.operations.add(name)
        return name

    def observe(
        self,
        interface: str,
        operation: str | None,
        result: str,
        seconds: float,
        route: bool = False,
    ) -> None:
        """Counts a request; `route`: its operation is a REST route (few, and not capped)."""
        label = operation if route and operation else self.operation_label(operation)
        self.durations.add((interface, label, result), seconds)

    def record(self, scope: Scope, status: int, seconds: float, observation: Observation) -> None:
        """Counts an API request over HTTP (GraphQL, SSE, REST), 401s included, once answered
        (web/logs.py's RequestIds tells it, around the app once for the log and the metrics)."""
        interface = interface_of(scope)
        if interface is None or scope["method"] == "OPTIONS":
            return
        operation = observation.operation
        if interface == "rest":
            route: Any = scope.get("route")
            operation = f"{scope['method']} {route.path}" if route is not None else operation
        if observation.codes:
            self.count_errors(observation.codes)
        result = outcome(status, observation)
        self.observe(interface, operation, result, seconds, route=interface == "rest")

    def count_errors(self, codes: Iterable[str]) -> None:
        for code in codes:
            self.errors.labels(code[:64]).inc()

    @contextmanager
    def operation(self, interface: str, name: str | None) -> Iterator[Observation]:
        """Measures one operation of a long-lived connection (a WebSocket's)."""
        observation, started = Observation(name), time.perf_counter()
        status = 200
        try:
            with observing(observation):
                yield observation
        except asyncio.CancelledError:
            raise  # the client ended it (a stop, a closed socket): as it should
        except BaseException:
            status = 500
            raise
        finally:
            self.count_errors(observation.codes)
            result = outcome(status, observation)
            self.observe(interface, observation.operation, result, time.perf_counter() - started)

    async def keep_up(self) -> None:
        """Writes the durations counted every FLUSH_SECONDS, and samples the pool's connections
        every POOL_SAMPLE_SECONDS, until cancelled (at shutdown)."""
        sampled = -POOL_SAMPLE_SECONDS
        while True:
            self.durations.flush()
            if time.monotonic() - sampled >= POOL_SAMPLE_SECONDS:
                sampled = time.monotonic()
                in_use, idle = database.pool_usage()
                self.pool.labels("in_use").set(in_use)
                self.pool.labels("idle").set(idle)
            await asyncio.sleep(FLUSH_SECONDS)

    def page(self) -> bytes:
        from prometheus_client import CollectorRegistry, generate_latest, multiprocess

        if not self.multiprocess:
            return generate_latest(self.exposed)
        registry = CollectorRegistry()
        every_worker = multiprocess.MultiProcessCollector(None)  # type: ignore[no-untyped-call]
        registry.register(WithRequestCounts(every_worker))
        return generate_latest(registry)

    def close(self) -> None:
        self.durations.flush()
        if self.multiprocess:
            self._forget_process()

    def _forget_process(self) -> None:  # its live gauges' files: they are summed with the others'
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


class WithRequestCounts:
    """A collector's metrics, and todobackend_requests_total read from the request durations'
    counts: the same figures as a counter of its own, without a second write each request."""

    def __init__(self, source: Any) -> None:
        self.source = source

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily

        for family in self.source.collect():
            yield family
            if family.name == DURATION:
                requests = CounterMetricFamily("todobackend_requests", "Requests.", labels=LABELS)
                for sample in family.samples:
                    if sample.name == f"{DURATION}_count":
                        requests.add_metric([sample.labels[name] for name in LABELS], sample.value)
                yield requests


def interface_of(scope: Scope) -> str | None:
    """Which interface a request is to (None: not an API request, not measured here)."""
    path: str = scope["path"]
    if path == GRAPHQL_PATH:
        return "graphql"
    if path == STREAM_PATH:
        return "sse"
    if path == REST_PATH or path.startswith(f"{REST_PATH}/"):
        return "rest"
    return None


async def page(request: Request) -> Response:
    """GET /metrics: Prometheus's text format."""
    metrics: Metrics = request.app.state.metrics
    metrics.durations.flush()  # this worker's up to now; the others' are FLUSH_SECONDS old at most
    content = await asyncio.to_thread(metrics.page)  # reads every worker's files
    return Response(content, media_type="text/plain; version=0.0.4; charset=utf-8")
