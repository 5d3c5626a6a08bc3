"""Production mode (PRODUCTION=true, as the Compose release stack runs): nothing about the schema
leaks beyond what a client asks for, and GraphiQL is off."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.acceptance.conftest import running_server
from tests.databases import database_url

pytestmark = [pytest.mark.acceptance, pytest.mark.native]

MISTAKES = {
    "field": "{ todoz { totalCount } }",
    "argument": "{ todos(frist: 1) { totalCount } }",
    "enum value": "{ todos(sort: [{field: TITEL}]) { totalCount } }",
    "input field": "{ todos(filter: {complete: true}) { totalCount } }",
    "type": "{ ...F } fragment F on Quer { __typename }",
    "fragment": "{ ...Frag } fragment Frog on Query { __typename }",
}


@pytest.fixture(scope="module")
def production(tmp_dir: str) -> Iterator[httpx.Client]:
    env = {"DATABASE_URL": database_url("sqlite", tmp_dir, "production"), "PRODUCTION": "true"}
    env["GRAPHIQL"] = "false"  # the tests turn it on for themselves; production refuses it
    with running_server(env) as server, httpx.Client(base_url=server.url) as client:
        yield client


def post(client: httpx.Client, query: str) -> dict[str, object]:
    response = client.post("/graphql", json={"query": query})
    assert response.status_code in (200, 400), response.text
    body: dict[str, object] = response.json()
    return body


def test_introspection_is_off_but_typename_works(production: httpx.Client) -> None:
    refused = post(production, "{ __schema { queryType { name } } }")
    assert refused.get("data") is None
    assert "introspection" in json.dumps(refused["errors"]).lower()
    assert post(production, '{ __type(name: "Todo") { name } }').get("data") is None
    assert post(production, "{ __typename }") == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("kind", MISTAKES)
def test_no_suggestions_of_any_kind(production: httpx.Client, kind: str) -> None:
    body = post(production, MISTAKES[kind])
    assert body["errors"], body
    assert "did you mean" not in json.dumps(body).lower()


def test_graphiql_is_off(production: httpx.Client) -> None:
    assert production.get("/graphql", headers={"accept": "text/html"}).status_code == 404


def test_each_response_carries_a_request_id(production: httpx.Client) -> None:
    assert (
        production.get("/health", headers={"x-request-id": "trace-42"}).headers["x-request-id"]
        == "trace-42"
    )
    assert len(production.get("/health").headers["x-request-id"]) == 32


def test_each_request_is_one_json_access_line_with_its_id(tmp_dir: str, tmp_path: Path) -> None:
    env = {"DATABASE_URL": database_url("sqlite", tmp_dir, "access"), "PRODUCTION": "true"}
    log = tmp_path / "server.log"
    with running_server(env | {"LOG_LEVEL": "INFO"}, log=log) as server:
        headers = {"x-request-id": "trace-7", "connection": "close"}
        answered = httpx.post(
            f"{server.url}/graphql", json={"query": "{ __typename }"}, headers=headers
        )
        assert answered.status_code == 200
        fresh = httpx.get(f"{server.url}/todos/", headers={"connection": "close"})
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "todobackend.access"]
    [traced] = [line for line in access if line["request_id"] == "trace-7"]
    assert traced["method"] == "POST"
    assert traced["path"] == "/graphql"
    assert traced["status"] == 200
    assert isinstance(traced["duration_ms"], int | float)
    assert traced["level"] == "INFO"
    [listed] = [line for line in access if line["path"] == "/todos/"]
    assert listed["request_id"] == fresh.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", listed["request_id"])
    # A new id for each request that brings none.
    assert len({line["request_id"] for line in access}) == len(access)
