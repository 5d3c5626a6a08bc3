"""todoEvents, in process: each committed change, in commit order, bulk changes included."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import pytest

from graph.schema import schema
from tests.graphql import CREATE, DELETE, UPDATE, GraphQLClient
from todos import events

SUBSCRIBE = "subscription { todoEvents { kind id todo { id title completed version } } }"


class Events:
    """A todoEvents subscription that has started listening."""

    def __init__(self, stream: AsyncGenerator[Any, None]) -> None:
        self.stream = stream

    async def take(self, count: int) -> list[dict[str, Any]]:
        received = []
        for _ in range(count):
            result = await asyncio.wait_for(anext(self.stream), timeout=5)
            assert result.errors is None, result.errors
            received.append(result.data["todoEvents"])
        return received


@pytest.fixture
async def subscription(client: GraphQLClient) -> AsyncIterator[Events]:
    stream = await schema.subscribe(SUBSCRIBE)
    assert isinstance(stream, AsyncGenerator)
    before = events.hub.subscriber_count
    first = asyncio.ensure_future(anext(stream))
    # The generator subscribes when it first runs; the hub has no signal for that, so poll.
    while events.hub.subscriber_count == before:  # noqa: ASYNC110
        await asyncio.sleep(0.01)

    async def replay() -> AsyncGenerator[Any, None]:
        yield await first
        async for result in stream:
            yield result

    yield Events(replay())
    first.cancel()
    await stream.aclose()


async def test_each_change_is_an_event_in_commit_order(
    client: GraphQLClient, subscription: Events
) -> None:
    todo = await client.create("Walk the dog")
    await client.data(UPDATE, id=todo["id"], input={"completed": True})
    await client.data(DELETE, id=todo["id"])
    received = await subscription.take(3)
    assert [(e["kind"], e["id"]) for e in received] == [
        ("CREATED", todo["id"]),
        ("UPDATED", todo["id"]),
        ("DELETED", todo["id"]),
    ]
    assert received[0]["todo"] == {
        "id": todo["id"],
        "title": "Walk the dog",
        "completed": False,
        "version": 1,
    }
    assert received[1]["todo"]["version"] == 2
    assert received[2]["todo"] is None


async def test_bulk_changes_send_one_event_per_todo_touched(
    client: GraphQLClient, subscription: Events
) -> None:
    done = await client.create("done", completed=True)
    active = await client.create("active")
    await client.data("mutation { setTodosCompleted(completed: true) { affectedCount } }")
    await client.data("mutation { deleteTodos { affectedCount } }")
    received = await subscription.take(5)
    assert [(e["kind"], e["id"]) for e in received] == [
        ("CREATED", done["id"]),
        ("CREATED", active["id"]),
        ("UPDATED", active["id"]),
        ("DELETED", done["id"]),
        ("DELETED", active["id"]),
    ]


async def test_refused_changes_send_nothing(client: GraphQLClient, subscription: Events) -> None:
    todo = await client.create("Walk the dog")
    await client.data(CREATE, input={"title": " "})
    await client.data(UPDATE, id=todo["id"], input={"title": "x", "expectedVersion": 9})
    await client.data(DELETE, id="nonsense")
    await client.create("next")
    assert [e["todo"]["title"] for e in await subscription.take(2)] == ["Walk the dog", "next"]
