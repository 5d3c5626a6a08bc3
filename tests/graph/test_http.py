"""The GraphQL endpoint over HTTP: what it accepts, what it refuses, what it never reveals."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlencode

import pytest
from tortoise.transactions import in_transaction

from graph.errors import INTERNAL_ERROR_MESSAGE
from models import Todo
from tests.conftest import AppClient
from tests.graphql import CREATE, LIST, GraphQLClient
from todos import counts

MALFORMED_BODIES = [
    b'"a string"',
    b"null",
    b"42",
    b"[]",
    b"not json",
    b"\xff\xfe{}",
    b"\xef\xbb\xbf{}",
    "{}".encode("utf-16"),
    b"[" * 100_000 + b"]" * 100_000,
    b'{"query": 5}',
    b'{"query": "{ todoStats { total } }", "variables": []}',
]


@pytest.mark.parametrize("body", MALFORMED_BODIES, ids=lambda body: repr(body[:12]))
async def test_malformed_bodies_get_400_and_change_nothing(
    client: GraphQLClient, body: bytes
) -> None:
    response = await client.http.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    assert "Traceback" not in response.text
    assert (await client.data(LIST))["todos"]["totalCount"] == 0


async def test_oversized_body_gets_413(client: GraphQLClient) -> None:
    title = "x" * 2_000_000
    body = json.dumps({"query": CREATE, "variables": {"input": {"title": title}}})
    response = await client.http.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert (await client.data(LIST))["todos"]["totalCount"] == 0


async def test_queries_over_get_but_never_mutations(client: GraphQLClient) -> None:
    response = await client.http.get("/graphql", params={"query": "{ todoStats { total } }"})
    assert response.json() == {"data": {"todoStats": {"total": 0}}}
    mutation = 'mutation { createTodo(input: {title: "x"}) { __typename } }'
    refused = await client.http.get("/graphql", params={"query": mutation})
    assert refused.status_code == 400
    assert (await client.data(LIST))["todos"]["totalCount"] == 0


async def test_browser_get_opens_graphiql(client: GraphQLClient) -> None:
    response = await client.http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_cors_lets_browsers_from_any_origin_call(client: GraphQLClient) -> None:
    preflight = await client.http.options(
        "/graphql",
        headers={
            "origin": "https://app.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] in ("*", "https://app.example")


async def test_unexpected_errors_are_masked(
    client: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object) -> object:
        raise RuntimeError("SELECT secret FROM internals at /srv/app.py")

    monkeypatch.setattr(counts, "stats", broken)
    body = await client.post("{ todoStats { total } }")
    [error] = body["errors"]
    assert error["message"] == INTERNAL_ERROR_MESSAGE
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert "secret" not in json.dumps(body)


async def test_graphql_errors_are_not_masked(client: GraphQLClient) -> None:
    body = await client.post("{ todos { nope } }")
    [error] = body["errors"]
    assert "nope" in error["message"]


async def test_root_points_to_graphql(client: GraphQLClient) -> None:
    response = await client.http.get("/")
    assert response.json()["graphql"] == "http://testserver/graphql"


async def test_health_is_ok_with_the_database(client: GraphQLClient) -> None:
    response = await client.http.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


MUTATION = 'mutation { createTodo(input: {title: "x"}) { __typename } }'
MULTIPART = (
    '--b\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'
    + json.dumps({"query": "mutation { deleteTodos { affectedCount } }"})
    + "\r\n--b--\r\n"
)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", urlencode({"query": MUTATION})),
        ("text/plain", json.dumps({"query": MUTATION})),
        ("multipart/form-data; boundary=b", MULTIPART),
    ],
    ids=["form", "text", "multipart"],
)
async def test_state_changes_only_through_json_posts(
    client: GraphQLClient, content_type: str, body: str
) -> None:
    """A cross-site form can send these without a CORS preflight (CSRF); they are refused."""
    await client.create("keep me")
    response = await client.http.post(
        "/graphql", content=body, headers={"content-type": content_type}
    )
    assert response.status_code == 400
    titles = [node["title"] for node in (await client.data(LIST))["todos"]["nodes"]]
    assert titles == ["keep me"]


async def test_batches_are_refused_while_batching_is_off(client: GraphQLClient) -> None:
    batch = [{"query": "{ todoStats { total } }"}, {"query": "{ todoStats { total } }"}]
    response = await client.http.post("/graphql", json=batch)
    assert response.status_code == 400


async def test_a_request_over_the_time_limit_is_stopped_and_rolled_back(
    app_client: AppClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def stalls_in_a_transaction() -> object:
        async with in_transaction() as connection:
            await Todo.create(title="half done", search_key="half done", using_db=connection)
            await asyncio.sleep(60)
        raise AssertionError("the time limit should have stopped this")

    monkeypatch.setattr(counts, "stats", stalls_in_a_transaction)
    async with app_client(request_timeout_seconds=0.5) as client:
        response = await client.http.post("/graphql", json={"query": "{ todoStats { total } }"})
    assert response.status_code == 503
    assert response.json()["errors"][0]["extensions"] == {"code": "TIMEOUT"}
    assert await Todo.all().count() == 0  # the transaction was rolled back


async def test_a_response_past_the_size_backstop_is_an_error(app_client: AppClient) -> None:
    async with app_client(max_response_bytes=2_000) as client:
        for n in range(30):
            await client.create(f"a todo with a title long enough to count, number {n}")
        small = await client.post("{ todoStats { total } }")
        assert small["data"] == {"todoStats": {"total": 30}}
        body = await client.post("{ todos(first: 30) { nodes { id title createdAt } } }")
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}
    assert "2000 bytes" in body["errors"][0]["message"]
