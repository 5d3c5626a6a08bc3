"""graphql-sse's distinct connections mode, in process: what /graphql/stream refuses before any
GraphQL runs, and the framing of one query's stream (subscriptions and the connection cap:
tests/acceptance/test_sse.py)."""

from __future__ import annotations

import json

import pytest

from tests.graphql import GraphQLClient

STREAM = "/graphql/stream"
EVENT_STREAM = {"accept": "text/event-stream"}
STATS = "{ todoStats { total } }"


async def test_a_query_is_one_next_event_then_complete(client: GraphQLClient) -> None:
    response = await client.http.post(STREAM, json={"query": STATS}, headers=EVENT_STREAM)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    # graphql-sse's framing: an opening comment, `next` with the result, `complete`.
    assert response.text == (
        ': \n\nevent: next\ndata: {"data":{"todoStats":{"total":0}}}\n\nevent: complete\ndata: \n\n'
    )


@pytest.mark.parametrize(
    ("method", "request_", "status"),
    [
        (
            "POST",
            {"content": '{"query": "{"}', "headers": {"content-type": "application/json"}},
            200,
        ),
        ("POST", {"content": "{", "headers": {"content-type": "application/json"}}, 400),
        ("POST", {"content": "[]", "headers": {"content-type": "application/json"}}, 400),
        ("POST", {"json": {"query": ["a list"]}}, 400),
        ("POST", {"json": {"query": STATS, "variables": "x"}}, 400),
        ("POST", {"json": {"query": STATS, "operationName": 1}}, 400),
        ("POST", {"json": {"variables": {}}}, 400),
        (
            "POST",
            {"content": json.dumps({"query": STATS}), "headers": {"content-type": "text/plain"}},
            415,
        ),
        ("GET", {"params": {"query": STATS, "variables": "{"}}, 400),
        ("GET", {"params": {"query": "mutation { deleteTodos { affectedCount } }"}}, 405),
        ("GET", {"params": {"query": STATS}}, 200),
    ],
)
async def test_requests_that_are_not_operations_get_4xx(
    client: GraphQLClient, method: str, request_: dict[str, object], status: int
) -> None:
    sent = dict(request_)  # the parameters are shared by every database's run
    headers = {**EVENT_STREAM, **sent.pop("headers", {})}  # type: ignore[dict-item]
    response = await client.http.request(method, STREAM, headers=headers, **sent)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    if status != 200:
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_only_event_streams_are_answered(client: GraphQLClient) -> None:
    response = await client.http.post(STREAM, json={"query": STATS})
    assert response.status_code == 406


async def test_a_syntax_error_comes_in_the_stream(client: GraphQLClient) -> None:
    response = await client.http.post(STREAM, json={"query": "{"}, headers=EVENT_STREAM)
    assert response.status_code == 200
    events = [block for block in response.text.split("\n\n") if block.startswith("event:")]
    assert events[-1] == "event: complete\ndata: "
    result = json.loads(events[0].removeprefix("event: next\ndata: "))
    assert result["data"] is None
    assert result["errors"][0]["message"].startswith("Syntax Error")
    assert result["errors"][0]["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}


async def test_a_validation_error_comes_in_the_stream_with_its_code(client: GraphQLClient) -> None:
    query = "subscription { todoEvents { nope } }"
    response = await client.http.post(STREAM, json={"query": query}, headers=EVENT_STREAM)
    events = [block for block in response.text.split("\n\n") if block.startswith("event:")]
    result = json.loads(events[0].removeprefix("event: next\ndata: "))
    assert result["errors"][0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert events[-1] == "event: complete\ndata: "
