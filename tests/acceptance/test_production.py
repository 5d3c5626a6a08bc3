"""Production mode (PRODUCTION=true, as the Compose release stack runs): nothing about the schema
leaks beyond what a client asks for, and GraphiQL is off."""

from __future__ import annotations

import json
from collections.abc import Iterator

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
