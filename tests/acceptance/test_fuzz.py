"""Fuzzing the running service: a schemathesis GraphQL run (positive and negative cases for every
query and mutation) and a fuzzer of malformed requests of our own (HTTP and WebSocket), each with
a fixed seed and a bounded run. Every answer must be below 500, mask what went wrong, leak no
internals, and refused mutations must change nothing.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.graphql import nodes
from schemathesis.specs.graphql import scalars
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.acceptance.conftest import Server, running_server
from tests.acceptance.fuzzing.answers import problems_in
from tests.acceptance.fuzzing.budget import (
    DOCUMENT_CASES,
    DOCUMENT_SECONDS,
    MALFORMED_CASES,
    MALFORMED_SECONDS,
    SCHEMATHESIS_EXAMPLES,
    WEBSOCKET_SESSIONS,
)
from tests.acceptance.fuzzing.corpus import global_id
from tests.acceptance.fuzzing.malformed import MalformedRequests
from tests.acceptance.fuzzing.mutated import Creates, document_request
from tests.acceptance.fuzzing.sending import Tally, run_requests
from tests.acceptance.fuzzing.websocket_junk import run_websockets
from tests.databases import database_url

pytestmark = [pytest.mark.acceptance, pytest.mark.native]


@pytest.fixture(scope="module")
def service(tmp_dir: str) -> Iterator[Server]:
    """The service in development mode (introspection on, for schemathesis), on its own SQLite."""
    env = {
        "DATABASE_URL": database_url("sqlite", tmp_dir, "fuzz"),
        "PRODUCTION": "false",
        "GRAPHIQL": "true",
    }
    with running_server(env) as server:
        yield server


def gql(client: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


CREATE = """mutation C($t: String!, $o: Int, $c: Boolean!) {
  createTodo(input: {title: $t, order: $o, completed: $c}) { ... on Todo { id } }
}"""
PAGE = """query P($after: String) {
  todos(first: 100, after: $after, sort: [{field: CREATED_AT}]) {
    nodes { id title completed order version createdAt updatedAt }
    pageInfo { hasNextPage endCursor }
  }
}"""


def create_samples(client: httpx.Client, count: int) -> list[str]:
    ids = []
    for n in range(count):
        variables = {"t": f"sample {n}", "o": n, "c": n % 2 == 0}
        ids.append(gql(client, CREATE, **variables)["createTodo"]["id"])
    return ids


def all_todos(client: httpx.Client) -> dict[str, dict[str, Any]]:
    """Every todo, by ID, read a page at a time."""
    todos: dict[str, dict[str, Any]] = {}
    after = None
    while True:
        page = gql(client, PAGE, after=after)["todos"]
        todos.update({todo["id"]: todo for todo in page["nodes"]})
        if not page["pageInfo"]["hasNextPage"]:
            return todos
        after = page["pageInfo"]["endCursor"]


# IDs worth trying beside the real ones: primary keys out of range or absurdly long, other types,
# not base64 at all.
ODD_IDS = [
    global_id("0"),
    global_id("-1"),
    global_id(str(2**31)),
    global_id(str(2**63)),
    global_id("9" * 5000),
    global_id("1e3"),
    global_id(""),
    global_id("\u0661"),  # a digit, but not an ASCII one
    base64.b64encode(b"Node:1").decode(),
    base64.b64encode(b"\xff\xfe").decode(),
    "Todo:1",
    "%%%",
    "",
]


# --- 1. schemathesis ---------------------------------------------------------------------------


@contextlib.contextmanager
def id_strategy(real_ids: list[str]) -> Iterator[None]:
    """IDs drawn from real todos and odd ones as well as random text, for the duration."""
    strategy = st.one_of(st.sampled_from(real_ids + ODD_IDS), st.text(max_size=40))
    schemathesis.graphql.scalar("ID", strategy.map(nodes.String))
    try:
        yield
    finally:
        # The registry is global to the process; no other test should see this strategy.
        scalars.CUSTOM_SCALARS.pop("ID", None)


def test_schemathesis_finds_no_server_error_and_no_leak(
    service: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    with httpx.Client(base_url=service.url, timeout=30) as client:
        real_ids = create_samples(client, 5)
    schema = schemathesis.graphql.from_url(f"{service.url}/graphql", timeout=30)
    operations = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    labels = sorted(operation.label for operation in operations)
    assert any(label.startswith("Query.") for label in labels)
    assert any(label.startswith("Mutation.") for label in labels)

    modes = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
    sent: Counter[str] = Counter()
    found: list[str] = []
    started = time.monotonic()
    with id_strategy(real_ids):
        for operation in operations:
            for mode in modes:
                schemathesis_run(operation, mode, sent, found)()
    total = sum(sent.values())
    elapsed = time.monotonic() - started
    with capsys.disabled():  # the figures belong in the CI log, passed or failed
        print(f"\nschemathesis: {total} requests, {len(labels)} operations, {elapsed:.1f} s")
    assert set(sent) == {f"{op.label} ({mode.value})" for op in operations for mode in modes}
    assert found == [], "\n".join(_distinct(found))


def schemathesis_run(
    operation: schemathesis.APIOperation[Any, Any, Any, Any],
    mode: schemathesis.GenerationMode,
    sent: Counter[str],
    found: list[str],
) -> Callable[[], None]:
    """The Hypothesis test of one operation in one mode: it counts and checks every answer."""
    label = f"{operation.label} ({mode.value})"

    @settings(
        max_examples=SCHEMATHESIS_EXAMPLES,
        derandomize=True,  # the same cases on every run, in CI too
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        # Problems are collected, not raised, so there is nothing to shrink.
        phases=[Phase.explicit, Phase.generate],
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case[Any]) -> None:
        response = case.call(timeout=30)
        sent[label] += 1
        body = str(case.body)
        try:
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )
        except FailureGroup as failures:
            found.extend(
                f"{label}: {failure.title}: {failure.message[:300]}\n    sent: {body!r}"
                for failure in failures.exceptions
            )
        for problem in problems_in(label, response.status_code, response.content, body):
            found.append(f"{problem}\n    sent: {body!r}")

    return run


def _distinct(problems: list[str]) -> list[str]:
    """Each problem once, with how often it was seen (a first line may repeat many times)."""
    counts = Counter(problem.split("\n", 1)[0] for problem in problems)
    first: dict[str, str] = {}
    for problem in problems:
        first.setdefault(problem.split("\n", 1)[0], problem)
    return [f"[{counts[key]}x] {first[key]}" for key in counts]


# --- 2. malformed requests ---------------------------------------------------------------------


async def test_malformed_requests_get_clear_answers_and_change_nothing(
    service: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    with httpx.Client(base_url=service.url, timeout=30) as client:
        samples = create_samples(client, 3)
        before = all_todos(client)
    generator = MalformedRequests(samples[0])
    tally = Tally()
    started = time.monotonic()

    # Every one of these is refused or read-only: nothing may change.
    await asyncio.gather(
        run_requests(service.url, generator.case, MALFORMED_CASES, MALFORMED_SECONDS, tally),
        run_websockets(service.url, WEBSOCKET_SESSIONS, MALFORMED_SECONDS, tally),
    )
    with httpx.Client(base_url=service.url, timeout=30) as client:
        after_malformed = all_todos(client)
    malformed_requests = tally.requests

    # Mutated documents: queries, and creates whose outcome is counted.
    creates = Creates()
    variables = {**generator.variables(), "t": "fuzz mutated"}
    await run_requests(
        service.url,
        lambda n: document_request(n, variables),
        DOCUMENT_CASES,
        DOCUMENT_SECONDS,
        tally,
        on_answer=creates.count,
    )
    elapsed = time.monotonic() - started
    with httpx.Client(base_url=service.url, timeout=30) as client:
        after = all_todos(client)
        health = client.get("/health")

    with capsys.disabled():
        print(
            f"\nfuzz: {tally.requests} HTTP requests ({malformed_requests} malformed, "
            f"{tally.requests - malformed_requests} mutated documents), "
            f"{tally.websocket_sessions} WebSocket sessions ({tally.websocket_messages} messages "
            f"received), {elapsed:.1f} s"
            f"\n  statuses: {dict(sorted(tally.statuses.items()))}"
            f"\n  kinds: {dict(sorted(tally.kinds.items()))}"
            f"\n  WebSocket ends: {dict(sorted(tally.websocket_closes.items()))}"
            f"\n  creates: {len(creates.acknowledged)} acknowledged, at most {creates.at_most}"
            f"\n  5xx: {sum(n for status, n in tally.statuses.items() if status >= 500)}, "
            f"problems: {len(tally.problems)}"
        )
    assert tally.problems == [], "\n".join(_distinct(tally.problems))
    assert health.status_code == 200, health.text
    assert service.process.poll() is None, "the server exited"
    assert after_malformed == before, "a refused request changed the todos"
    # The documents only create: every todo from before is unchanged, every acknowledged create
    # is there, and no more were created than answers that may have created one.
    assert {todo_id: after[todo_id] for todo_id in before} == before
    assert creates.acknowledged <= after.keys()
    assert len(creates.acknowledged) <= len(after) - len(before) <= creates.at_most
