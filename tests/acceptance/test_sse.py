"""GraphQL over server-sent events (graphql-sse, distinct connections) on /graphql/stream:
subscriptions, queries and mutations, under the rules of the other transports."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import websockets

from tests.acceptance.conftest import JwtStack, Service, running_server
from tests.acceptance.sse import STREAM_PATH, EventStream, one_result, streaming
from tests.acceptance.test_events import CREATE, DELETE, SET_ALL, UPDATE, mutate
from tests.databases import database_url
from tests.tokens import bearer, token

pytestmark = pytest.mark.acceptance

EVENTS = "subscription { todoEvents { kind id version todo { title completed } } }"
STATS = "query Stats { todoStats { total } }"
EVENT_STREAM = {"accept": "text/event-stream"}


@contextlib.asynccontextmanager
async def listening(service: Service) -> AsyncIterator[EventStream]:
    """A todoEvents subscription over SSE, returned once events provably reach it."""
    async with streaming(service.url, EVENTS, service.headers) as stream:
        probe = (await mutate(service, CREATE, input={"title": "probe"}))["createTodo"]["id"]
        deadline = time.monotonic() + 10
        while not await _event_within(stream, 0.2):
            assert time.monotonic() < deadline, "the subscription never received an event"
            await mutate(service, UPDATE, id=probe, input={"order": 1})
        await mutate(service, DELETE, id=probe)
        while (event := await _event(stream))["kind"] != "DELETED" or event["id"] != probe:
            pass
        yield stream


async def _event_within(stream: EventStream, seconds: float) -> bool:
    try:
        await asyncio.wait_for(stream.results.get(), seconds)
    except TimeoutError:
        return False
    return True


async def _event(stream: EventStream) -> dict[str, Any]:
    result = await stream.next()
    assert result is not None, "the stream completed"
    assert "errors" not in result, result
    event: dict[str, Any] = result["data"]["todoEvents"]
    return event


async def test_a_subscription_over_sse_gets_every_change_in_commit_order(
    service: Service,
) -> None:
    await mutate(service, "mutation { deleteTodos { affectedCount } }")  # SET_ALL's scope
    async with listening(service) as stream:
        first = (await mutate(service, CREATE, input={"title": "first"}))["createTodo"]
        second = (await mutate(service, CREATE, input={"title": "second"}))["createTodo"]
        await mutate(service, SET_ALL)
        await mutate(service, DELETE, id=first["id"])
        received = [await _event(stream) for _ in range(5)]
    assert [(e["kind"], e["id"], e["version"]) for e in received] == [
        ("CREATED", first["id"], 1),
        ("CREATED", second["id"], 1),
        ("UPDATED", first["id"], 2),
        ("UPDATED", second["id"], 2),
        ("DELETED", first["id"], 2),
    ]
    assert received[1]["todo"] == {"title": "second", "completed": False}
    assert received[3]["todo"] == {"title": "second", "completed": True}


async def test_queries_and_mutations_run_over_sse_then_complete(service: Service) -> None:
    await mutate(service, "mutation { deleteTodos { affectedCount } }")
    created = await one_result(
        service.url,
        "mutation($t: String!) { createTodo(input: {title: $t}) { ... on Todo { title } } }",
        service.headers,
        variables={"t": "over SSE"},
    )
    assert created == {"data": {"createTodo": {"title": "over SSE"}}}
    by_post = await one_result(service.url, STATS, service.headers)
    by_get = await one_result(service.url, STATS, service.headers, method="GET")
    assert by_post == by_get == {"data": {"todoStats": {"total": 1}}}


async def test_graphql_errors_come_in_the_stream(service: Service) -> None:
    invalid = await one_result(service.url, "{ todoStats { nope } }", service.headers)
    assert invalid["data"] is None
    assert "nope" in invalid["errors"][0]["message"]
    # The limits of the other transports (here MAX_ALIASES, 30) are the schema's own.
    aliases = "{ " + " ".join(f"a{n}: todoStats {{ total }}" for n in range(40)) + " }"
    refused = await one_result(service.url, aliases, service.headers)
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", refused
    unknown = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    not_found = await one_result(service.url, None, service.headers, extensions=unknown)
    assert not_found["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_nothing_that_a_cross_site_page_can_send_changes_anything(service: Service) -> None:
    await mutate(service, "mutation { deleteTodos { affectedCount } }")
    create = 'mutation { createTodo(input: {title: "csrf"}) { __typename } }'
    async with httpx.AsyncClient(base_url=service.url, headers=service.headers) as http:
        by_get = await http.get(STREAM_PATH, params={"query": create}, headers=EVENT_STREAM)
        assert by_get.status_code == 405
        assert by_get.headers["allow"] == "POST"
        for content_type in ("text/plain", "application/x-www-form-urlencoded"):
            body = json.dumps({"query": create})
            headers = {**EVENT_STREAM, "content-type": content_type}
            sent = await http.post(STREAM_PATH, content=body, headers=headers)
            assert sent.status_code == 415, sent.text
        not_a_stream = await http.post(STREAM_PATH, json={"query": create})
        assert not_a_stream.status_code == 406
        for malformed in ('{"query": ', '["a list"]', '{"query": 7}', '{"variables": []}'):
            headers = {**EVENT_STREAM, "content-type": "application/json"}
            answer = await http.post(STREAM_PATH, content=malformed, headers=headers)
            assert answer.status_code == 400, (malformed, answer.text)
            assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    stats = await one_result(service.url, STATS, service.headers)
    assert stats["data"]["todoStats"]["total"] == 0


async def test_sse_needs_a_good_token_and_shows_each_user_their_own(jwt_stack: JwtStack) -> None:
    url = jwt_stack.jwt_url
    async with httpx.AsyncClient(base_url=url) as http:
        for headers in ({}, bearer(token("gina", lifetime=-30))):
            refused = await http.post(
                STREAM_PATH, json={"query": EVENTS}, headers={**EVENT_STREAM, **headers}
            )
            assert refused.status_code == 401
            assert refused.headers["www-authenticate"].startswith("Bearer")
            assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    gina, hugo = bearer(token("gina")), bearer(token("hugo"))
    gina_service, hugo_service = Service(url, gina), Service(url, hugo)
    async with listening(gina_service) as gina_events, listening(hugo_service) as hugo_events:
        mine = (await mutate(gina_service, CREATE, input={"title": "gina's"}))["createTodo"]
        theirs = (await mutate(hugo_service, CREATE, input={"title": "hugo's"}))["createTodo"]
        assert (await _event(gina_events))["id"] == mine["id"]
        assert (await _event(hugo_events))["id"] == theirs["id"]
        assert not await _event_within(gina_events, 0.5)
        assert not await _event_within(hugo_events, 0.5)


async def test_a_subscription_over_sse_ends_when_its_token_expires(jwt_stack: JwtStack) -> None:
    async with streaming(jwt_stack.jwt_url, EVENTS, bearer(token("ivan", lifetime=3))) as stream:
        ended = await stream.next()
        assert ended is not None
        assert ended["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", ended
        assert await stream.next() is None


@pytest.fixture(scope="module")
def capped(tmp_dir: str) -> Iterator[str]:
    """A service that holds at most two long-lived connections, WebSocket or SSE."""
    env = {"DATABASE_URL": database_url("sqlite", tmp_dir, "sse_capped"), "MAX_WEBSOCKETS": "2"}
    with running_server(env) as server:
        yield server.url


@pytest.mark.native
async def test_event_streams_share_the_websockets_connection_cap(capped: str) -> None:
    async with streaming(capped, EVENTS), streaming(capped, EVENTS):
        async with httpx.AsyncClient(base_url=capped) as http:
            refused = await http.post(STREAM_PATH, json={"query": EVENTS}, headers=EVENT_STREAM)
        assert refused.status_code == 503
        assert "retry-after" in refused.headers
        with pytest.raises(websockets.InvalidStatus):
            await websockets.connect(capped.replace("http", "ws", 1) + "/graphql")
    # Streams closed by their clients free their places.
    deadline = time.monotonic() + 5
    while True:
        try:
            assert await one_result(capped, STATS) == {"data": {"todoStats": {"total": 0}}}
            break
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)
