"""METRICS=true on a running server of two workers: /metrics sums every worker's figures, with the
contract's names and labels, for every interface; operation names are capped."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest
import websockets
from prometheus_client.parser import text_string_to_metric_families
from websockets.typing import Subprotocol

from tests.acceptance.conftest import Service, running_server
from tests.acceptance.sse import streaming
from tests.databases import database_url

pytestmark = pytest.mark.acceptance

MAX_OPERATIONS = 8  # more than the names the tests before the cap's use
WORKERS = 2


@dataclass(frozen=True)
class Samples:
    """One scrape of /metrics: each sample's value by its name and labels."""

    values: dict[tuple[str, frozenset[tuple[str, str]]], float]

    def get(self, name: str, **labels: str) -> float:
        return self.values.get((name, frozenset(labels.items())), 0.0)

    def requests(self, interface: str, operation: str, outcome: str) -> float:
        """todobackend_requests_total of these labels."""
        labels = {"interface": interface, "operation": operation, "outcome": outcome}
        return self.get("todobackend_requests_total", **labels)

    def labels(self, name: str, label: str) -> set[str]:
        return {dict(key)[label] for sample, key in self.values if sample == name}


def settled(url: str, ready: Callable[[Samples], bool]) -> Samples:
    """A scrape once `ready` holds of it, or after 10 s: each worker adds its requests'
    durations (their counts) to the shared figures a few times a second, and the worker that
    answers /metrics its own at once, so another worker's last requests may come a scrape later."""
    deadline = time.monotonic() + 10
    while True:
        samples = scrape(url)
        if ready(samples) or time.monotonic() > deadline:
            return samples
        time.sleep(0.05)


def scrape(url: str) -> Samples:
    # A new connection each time, so that the scrapes reach both workers.
    response = httpx.get(f"{url}/metrics", headers={"connection": "close"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    values = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            values[sample.name, frozenset(sample.labels.items())] = sample.value
    return Samples(values)


@pytest.fixture(scope="module")
def measured(tmp_dir: str) -> Iterator[str]:
    env = {
        "DATABASE_URL": database_url("sqlite", tmp_dir, "metrics"),
        "METRICS": "true",
        "METRICS_MAX_OPERATIONS": str(MAX_OPERATIONS),
        "METRICS_DIR": f"{tmp_dir}/metrics",
    }
    with running_server(env, workers=WORKERS) as server:
        yield server.url


def post(url: str, body: object) -> httpx.Response:
    return httpx.post(f"{url}/graphql", json=body, headers={"connection": "close"})


@pytest.mark.native
def test_counts_summed_over_both_workers_equal_the_requests_sent(measured: str) -> None:
    sent = 40
    for _ in range(sent):
        answer = post(measured, {"query": "query CountMe { todoStats { total } }"})
        assert "errors" not in answer.json()
    ok = {"interface": "graphql", "operation": "CountMe", "outcome": "ok"}
    settled(measured, lambda samples: samples.get("todobackend_requests_total", **ok) >= sent)
    for _ in range(10):  # every scrape, whichever worker answers it, sums both
        samples = scrape(measured)
        assert samples.get("todobackend_requests_total", **ok) == sent
        assert samples.get("todobackend_request_duration_seconds_count", **ok) == sent
        assert samples.get("todobackend_request_duration_seconds_bucket", le="+Inf", **ok) == sent


@pytest.mark.native
def test_outcomes_codes_and_the_rest_routes(measured: str) -> None:
    post(measured, {"query": "query Broken { todoStats { nope } }"})
    malformed = post(measured, {"query": "query Stats { todoStats { total } }", "variables": []})
    assert malformed.status_code == 400
    created = post(
        measured,
        {"query": 'mutation Add { createTodo(input: {title: "m"}) { ... on Todo { id } } }'},
    )
    assert "errors" not in created.json()
    rest = httpx.get(f"{measured}/todos", headers={"connection": "close"})
    assert rest.status_code == 200
    missing = httpx.get(f"{measured}/todos/999999", headers={"connection": "close"})
    assert missing.status_code == 404
    answered = [
        ("graphql", "Broken", "user_error"),
        ("graphql", "Stats", "user_error"),
        ("rest", "GET /todos", "ok"),
        ("rest", "GET /todos/{id}", "user_error"),
    ]
    samples = settled(measured, lambda got: all(got.requests(*each) for each in answered))
    assert samples.requests("graphql", "Broken", "user_error") == 1
    assert samples.get("todobackend_graphql_errors_total", code="GRAPHQL_VALIDATION_FAILED") >= 1
    assert samples.requests("graphql", "Stats", "user_error") == 1
    assert samples.get("todobackend_graphql_errors_total", code="BAD_REQUEST") >= 1
    assert samples.requests("rest", "GET /todos", "ok") == 1
    assert samples.requests("rest", "GET /todos/{id}", "user_error") == 1
    assert samples.labels("todobackend_db_pool_connections", "state") == {"in_use", "idle"}


@pytest.mark.native
async def test_subscriptions_and_their_events_over_websocket_and_sse(measured: str) -> None:
    subscription = "subscription Watch { todoEvents { kind } }"
    async with (
        websockets.connect(
            measured.replace("http", "ws", 1) + "/graphql",
            subprotocols=[Subprotocol("graphql-transport-ws")],
        ) as ws,
        streaming(measured, subscription) as stream,
    ):
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        payload = {"query": subscription}
        await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": payload}))
        await asyncio.sleep(0.5)
        assert scrape(measured).get("todobackend_subscriptions_active") == 2
        before = scrape(measured).get("todobackend_events_delivered_total")
        post(measured, {"query": 'mutation { createTodo(input: {title: "seen"}) { __typename } }'})
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "next"
        assert await stream.next() is not None
        await asyncio.sleep(0.2)
        assert scrape(measured).get("todobackend_events_delivered_total") == before + 2
    await asyncio.sleep(0.5)
    interfaces = ("websocket", "sse")
    samples = settled(measured, lambda got: all(got.requests(i, "Watch", "ok") for i in interfaces))
    assert samples.get("todobackend_subscriptions_active") == 0
    for interface in interfaces:
        assert samples.requests(interface, "Watch", "ok") == 1, interface


@pytest.mark.native
def test_operation_names_are_capped(measured: str) -> None:
    for n in range(30):
        post(measured, {"query": f"query Name{n} {{ todoStats {{ total }} }}"})
    names = settled(
        measured, lambda got: "other" in got.labels("todobackend_requests_total", "operation")
    ).labels("todobackend_requests_total", "operation")
    own = {name for name in names if name.startswith("Name")}
    # Each worker keeps its first names (the routes of REST are not counted); the rest: "other".
    graphql = {name for name in names if not name.startswith(("GET ", "POST "))}
    assert len(graphql - {"other", "anonymous"}) <= MAX_OPERATIONS * WORKERS
    assert own
    assert "other" in names


def test_the_compose_stack_serves_metrics(service: Service) -> None:
    if not os.environ.get("ACCEPTANCE_URL"):
        pytest.skip("the servers started here measure only with METRICS (the tests above)")
    with httpx.Client(base_url=service.url, headers=service.headers) as http:
        seen = {"query": "query Seen { todoStats { total } }"}
        assert http.post("/graphql", json=seen).is_success
        assert http.get("/todos").is_success
    samples = settled(service.url, lambda got: got.requests("graphql", "Seen", "ok") >= 1)
    assert samples.requests("graphql", "Seen", "ok") >= 1
    assert samples.labels("todobackend_requests_total", "interface") >= {"graphql", "rest"}
