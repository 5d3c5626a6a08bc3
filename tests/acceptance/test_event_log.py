"""The event log behind todoEvents: resumes from a cursor, one order across processes without
Redis, and nothing acknowledged missing after a process is killed (SIGKILL) under load."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import signal
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from tests.acceptance.conftest import Server, Service, running_server
from tests.databases import database_url, recreate

pytestmark = pytest.mark.acceptance

SUBSCRIBE = """subscription Events($after: String) {
  todoEvents(after: $after) { kind id version cursor todo { title version } }
}"""
CREATE = "mutation($title: String!) { createTodo(input: {title: $title}) { ... on Todo { id } } }"
UPDATE = """mutation($id: ID!, $title: String) {
  updateTodo(id: $id, input: {title: $title}) { ... on Todo { id version } }
}"""
PROTOCOLS = (WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL, WebsocketsTransport.APOLLO_SUBPROTOCOL)
WAIT_SECONDS = 10


class Stream:
    """A todoEvents subscription (from `after`, when given), collecting what it receives."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.arrived = asyncio.Event()

    async def until(self, predicate: Any, seconds: float = WAIT_SECONDS) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        checked = 0
        while True:
            for event in self.events[checked:]:
                if predicate(event):
                    return event
            checked = len(self.events)
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no such event within {seconds} s ({len(self.events)} seen)"
            self.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), remaining)


@contextlib.asynccontextmanager
async def streaming(
    service: Service, after: str | None, protocol: str = PROTOCOLS[0]
) -> AsyncIterator[Stream]:
    transport = WebsocketsTransport(
        url=service.graphql_ws, subprotocols=[protocol], init_payload=service.headers
    )
    stream = Stream()
    async with Client(transport=transport) as session:

        async def collect() -> None:
            request = GraphQLRequest(SUBSCRIBE, variable_values={"after": after})
            async for result in session.subscribe(request):
                stream.events.append(result["todoEvents"])
                stream.arrived.set()

        task = asyncio.create_task(collect())
        try:
            yield stream
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def graphql(service: Service, query: str, **variables: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=service.url, headers=service.headers, timeout=30) as http:
        body: dict[str, Any] = (
            await http.post("/graphql", json={"query": query, "variables": variables})
        ).json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def create(service: Service, title: str) -> str:
    todo_id: str = (await graphql(service, CREATE, title=title))["createTodo"]["id"]
    return todo_id


async def a_cursor(service: Service) -> str:
    """A cursor from which to follow every later change: a marker's, seen by a live subscriber
    (which starts asynchronously, so markers are made until one arrives)."""
    async with streaming(service, None) as live:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            marker = await create(service, "marker")
            with contextlib.suppress(AssertionError):
                event = await live.until(lambda e, m=marker: e["id"] == m, seconds=0.3)
                return str(event["cursor"])
    raise AssertionError("no subscription received an event")


async def test_a_replay_from_a_cursor_equals_the_live_stream(service: Service) -> None:
    start = await a_cursor(service)
    async with streaming(service, start) as live:
        ids = [await create(service, f"t{n}") for n in range(5)]
        for todo_id in ids[:3]:
            await graphql(service, UPDATE, id=todo_id, title="renamed")
        await live.until(lambda e: e["id"] == ids[2] and e["kind"] == "UPDATED")
    async with streaming(service, start, PROTOCOLS[1]) as replay:
        await replay.until(lambda e: e["id"] == ids[2] and e["kind"] == "UPDATED")
    assert replay.events == live.events
    assert [e["id"] for e in live.events[:5]] == ids


async def refusal(service: Service, cursor: str) -> str:
    """The error code a subscription after `cursor` is refused with."""
    transport = WebsocketsTransport(
        url=service.graphql_ws, subprotocols=[PROTOCOLS[0]], init_payload=service.headers
    )
    async with Client(transport=transport) as session:
        request = GraphQLRequest(SUBSCRIBE, variable_values={"after": cursor})
        with pytest.raises(TransportQueryError) as raised:
            async for _ in session.subscribe(request):
                pass
    assert raised.value.errors is not None
    code: str = raised.value.errors[0]["extensions"]["code"]
    return code


async def test_cursors_are_checked(service: Service) -> None:
    never = base64.urlsafe_b64encode(b"TodoEvent:999999999999").decode()
    assert await refusal(service, "not a cursor") == "BAD_USER_INPUT"
    assert await refusal(service, never) == "CURSOR_EXPIRED"


@pytest.fixture
def two_processes(tmp_dir: str, request: pytest.FixtureRequest) -> Iterator[tuple[Server, Server]]:
    """Two service processes on one database, with no Redis between them."""
    backend = "mysql" if os.environ.get("TEST_MYSQL_URL") else "sqlite"
    database = database_url(backend, tmp_dir, f"two_{request.node.name[:20].replace('[', '_')}")
    asyncio.run(recreate(database))
    env = {"DATABASE_URL": database}
    with running_server(env) as first, running_server(env) as second:
        yield first, second


@pytest.mark.native
async def test_two_processes_without_redis_send_every_event_in_one_order(
    two_processes: tuple[Server, Server],
) -> None:
    here, there = (Service(server.url) for server in two_processes)
    start = await a_cursor(here)
    async with streaming(here, start) as near, streaming(there, start, PROTOCOLS[1]) as far:
        ids = []
        for n in range(6):
            ids.append(await create(here if n % 2 else there, f"t{n}"))
        # Delivered by each process's polling of the log, within a second or so.
        for stream in (near, far):
            await stream.until(lambda e: e["id"] == ids[-1], seconds=5)
    assert [e["id"] for e in near.events] == [e["id"] for e in far.events]
    assert [e["id"] for e in near.events] == ids
    assert near.events == far.events


@pytest.mark.native
async def test_a_process_killed_under_writes_leaves_every_acknowledged_change_in_the_log(
    two_processes: tuple[Server, Server],
) -> None:
    doomed, survivor = (Service(server.url) for server in two_processes)
    doomed_process = two_processes[0].process
    start = await a_cursor(survivor)
    acknowledged: list[tuple[str, int]] = []  # (id, version) of every answered change
    enough = asyncio.Event()  # written enough to tell (on a busy machine that takes longer)

    async def write(writer: int) -> None:
        with contextlib.suppress(httpx.HTTPError):
            todo_id = await create(doomed, f"w{writer}")
            acknowledged.append((todo_id, 1))
            for n in range(10_000):
                data = await graphql(doomed, UPDATE, id=todo_id, title=f"w{writer}.{n}")
                acknowledged.append((todo_id, data["updateTodo"]["version"]))
                if len(acknowledged) > 100:
                    enough.set()

    writers = [asyncio.create_task(write(n)) for n in range(8)]
    # Killed mid-load, with writes in flight.
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(enough.wait(), 30)
    doomed_process.send_signal(signal.SIGKILL)
    await asyncio.gather(*writers)
    assert len(acknowledged) > 50, "too little written before the kill to tell"

    end = await create(survivor, "end")
    async with streaming(survivor, start) as replay:
        await replay.until(lambda e: e["id"] == end)
    logged = [(e["id"], e["version"]) for e in replay.events if e["kind"] != "DELETED"]
    assert len(logged) == len(set(logged)), "a change is in the log twice"
    assert set(acknowledged) - set(logged) == set(), "an acknowledged change is not in the log"


@pytest.fixture
def short_retention(tmp_dir: str) -> Iterator[Server]:
    """A service whose event log keeps events for a second."""
    database = database_url("sqlite", tmp_dir, "retention")
    asyncio.run(recreate(database))
    with running_server({"DATABASE_URL": database, "EVENT_RETENTION_SECONDS": "1"}) as server:
        yield server


@pytest.mark.native
async def test_events_past_retention_are_deleted_and_their_cursors_expire(
    short_retention: Server,
) -> None:
    old = await a_cursor(Service(short_retention.url))
    await asyncio.sleep(2.5)  # retention runs every quarter of it (at least every 0.5 s)
    assert await refusal(Service(short_retention.url), old) == "CURSOR_EXPIRED"
