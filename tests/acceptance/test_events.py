"""todoEvents over WebSocket, with gql: both protocols, and across two processes through Redis."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from tests.acceptance.conftest import LocalRedis, Service

pytestmark = pytest.mark.acceptance

SUBSCRIBE = GraphQLRequest(
    "subscription { todoEvents { kind id todo { id title completed version } } }"
)
PROTOCOLS = [
    WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL,  # graphql-transport-ws
    WebsocketsTransport.APOLLO_SUBPROTOCOL,  # the older graphql-ws
]
WAIT_SECONDS = 10


class Listener:
    """A running todoEvents subscription, collecting what it receives."""

    def __init__(self) -> None:
        self.received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def next(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.received.get(), WAIT_SECONDS)

    async def take(self, count: int) -> list[dict[str, Any]]:
        return [await self.next() for _ in range(count)]


@contextlib.asynccontextmanager
async def listening(service: Service, protocol: str) -> AsyncIterator[Listener]:
    """Subscribe on `service`, and return once events provably reach the subscription."""
    # A token goes in connection_init's payload, as Apollo's and graphql-ws's connectionParams.
    transport = WebsocketsTransport(
        url=service.graphql_ws, subprotocols=[protocol], init_payload=service.headers
    )
    listener = Listener()
    async with Client(transport=transport) as session:

        async def collect() -> None:
            async for result in session.subscribe(SUBSCRIBE):
                await listener.received.put(result["todoEvents"])

        task = asyncio.create_task(collect())
        try:
            await _until_subscribed(service, listener)
            yield listener
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _until_subscribed(service: Service, listener: Listener) -> None:
    """The server starts a subscription asynchronously: probe with changes until one arrives."""
    probe = await mutate(service, CREATE, input={"title": "probe"})
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            await asyncio.wait_for(listener.received.get(), 0.2)
            break
        except TimeoutError:
            await mutate(service, UPDATE, id=probe["createTodo"]["id"], input={"order": 1})
    else:
        raise AssertionError("the subscription never received an event")
    await mutate(service, DELETE, id=probe["createTodo"]["id"])
    await _drain_until_deleted(listener, probe["createTodo"]["id"])


async def _drain_until_deleted(listener: Listener, todo_id: str) -> None:
    while True:
        event = await listener.next()
        if event["kind"] == "DELETED" and event["id"] == todo_id:
            return


CREATE = "mutation($input: CreateTodoInput!) { createTodo(input: $input) { ... on Todo { id } } }"
UPDATE = """mutation($id: ID!, $input: UpdateTodoInput!) {
  updateTodo(id: $id, input: $input) { ... on Todo { id version } }
}"""
DELETE = "mutation($id: ID!) { deleteTodo(id: $id) { __typename } }"
SET_ALL = "mutation { setTodosCompleted(completed: true) { affectedCount } }"


async def mutate(service: Service, query: str, **variables: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=service.url, headers=service.headers) as http:
        response = await http.post("/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_every_kind_of_change_arrives_in_commit_order(
    service: Service, protocol: str
) -> None:
    await mutate(service, "mutation { deleteTodos { affectedCount } }")  # SET_ALL's scope
    async with listening(service, protocol) as listener:
        first = (await mutate(service, CREATE, input={"title": "first"}))["createTodo"]
        second = (await mutate(service, CREATE, input={"title": "second"}))["createTodo"]
        await mutate(service, UPDATE, id=first["id"], input={"title": "renamed"})
        await mutate(service, SET_ALL)
        await mutate(service, DELETE, id=second["id"])
        received = await listener.take(6)
    assert [(e["kind"], e["id"]) for e in received] == [
        ("CREATED", first["id"]),
        ("CREATED", second["id"]),
        ("UPDATED", first["id"]),
        ("UPDATED", first["id"]),
        ("UPDATED", second["id"]),
        ("DELETED", second["id"]),
    ]
    assert [e["todo"] and e["todo"]["version"] for e in received] == [1, 1, 2, 3, 2, None]
    assert received[2]["todo"]["title"] == "renamed"


async def test_changes_made_through_one_process_reach_subscribers_of_another(
    replicas: list[Service],
) -> None:
    here, there = replicas
    async with listening(here, PROTOCOLS[0]) as listener:
        todo = (await mutate(there, CREATE, input={"title": "from there"}))["createTodo"]
        await mutate(here, UPDATE, id=todo["id"], input={"completed": True})
        await mutate(there, UPDATE, id=todo["id"], input={"order": 4})
        received = await listener.take(3)
    assert [e["todo"]["version"] for e in received] == [1, 2, 3]
    assert {e["id"] for e in received} == {todo["id"]}


async def events_health(service: Service, wanted: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    async with httpx.AsyncClient(base_url=service.url) as http:
        while (await http.get("/health")).json()["events"] != wanted:
            assert time.monotonic() < deadline, f"/health never said events {wanted}"
            await asyncio.sleep(0.1)


@pytest.mark.native
async def test_redis_down_degrades_events_but_not_writes_and_delivery_resumes(
    replicas: list[Service], local_redis: LocalRedis
) -> None:
    here, there = replicas
    async with listening(here, PROTOCOLS[0]) as listener:
        local_redis.stop()
        try:
            await events_health(there, "degraded")
            written = await mutate(there, CREATE, input={"title": "while Redis is down"})
            assert written["createTodo"]["id"]
        finally:
            local_redis.start()
        await events_health(there, "ok")
        await events_health(here, "ok")
        after = (await mutate(there, CREATE, input={"title": "back"}))["createTodo"]
        event = await listener.next()
        while event["kind"] != "CREATED" or event["id"] != after["id"]:
            event = await listener.next()
    assert event["todo"]["title"] == "back"


async def test_events_of_each_todo_arrive_in_version_order_under_concurrent_writers(
    service: Service,
) -> None:
    # Writers racing on a few todos through one process: each event leaves in log order, so a
    # todo's versions never go back (the commit that is awaited first is not always the first).
    todos = [
        (await mutate(service, CREATE, input={"title": f"t{n}"}))["createTodo"] for n in range(4)
    ]
    writers, updates = 24, 20
    async with (
        listening(service, PROTOCOLS[0]) as first,
        listening(service, PROTOCOLS[1]) as second,
    ):

        async def write(writer: int) -> None:
            async with httpx.AsyncClient(base_url=service.url, headers=service.headers) as http:
                for n in range(updates):
                    todo = todos[(writer + n) % len(todos)]
                    variables = {"id": todo["id"], "input": {"order": n}}
                    response = await http.post(
                        "/graphql", json={"query": UPDATE, "variables": variables}
                    )
                    assert "errors" not in response.json()

        await asyncio.gather(*(write(writer) for writer in range(writers)))
        for listener in (first, second):
            # The other listener's probe came first, through this one too: only these todos count.
            versions: dict[str, list[int]] = {todo["id"]: [] for todo in todos}
            while sum(map(len, versions.values())) < writers * updates:
                event = await listener.next()
                if event["id"] in versions:
                    versions[event["id"]].append(event["todo"]["version"])
            for todo_versions in versions.values():
                assert todo_versions == sorted(todo_versions), todo_versions
