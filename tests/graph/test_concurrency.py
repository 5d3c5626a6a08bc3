"""Mutations racing each other, on each database: bulk changes lock what they change and check
their filter again, nothing is acknowledged twice, no deadlock reaches a client, and events
follow the commits. (tests/acceptance/test_model.py drives the same under random load.)"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from tests.graph.conftest import Events
from tests.graphql import DELETE, DELETE_MATCHING, SET_COMPLETED, UPDATE, GraphQLClient

ROUNDS = 15
TODOS_PER_ROUND = 6


async def no_errors(client: GraphQLClient, query: str, **variables: Any) -> dict[str, Any]:
    body = await client.post(query, **variables)
    assert "errors" not in body, body["errors"]  # INTERNAL_SERVER_ERROR from a deadlock, say
    data: dict[str, Any] = body["data"]
    return data


async def test_clear_completed_never_deletes_a_todo_made_active_meanwhile(
    client: GraphQLClient,
) -> None:
    for _ in range(ROUNDS):
        todos = [await client.create("t", completed=True) for _ in range(TODOS_PER_ROUND)]
        clear, *updates = await asyncio.gather(
            no_errors(client, DELETE_MATCHING, filter={"completed": True}),
            *(no_errors(client, UPDATE, id=t["id"], input={"completed": False}) for t in todos),
        )
        deleted = set(clear["deleteTodos"]["deletedIds"])
        for todo, update in zip(todos, updates, strict=True):
            made_active = update["updateTodo"]["__typename"] == "Todo"
            # Exactly one wins: the update (the todo stays, active) or the clear (then the update
            # finds nothing). Both acknowledged would mean an active todo was deleted.
            assert made_active != (todo["id"] in deleted), (todo, update, clear)
        assert clear["deleteTodos"]["affectedCount"] == len(deleted)
        await no_errors(client, DELETE_MATCHING)


async def test_set_completed_returns_only_what_it_changed_and_no_version_twice(
    client: GraphQLClient,
) -> None:
    for _ in range(ROUNDS):
        todos = [await client.create("t") for _ in range(TODOS_PER_ROUND)]
        bulk, *singles = await asyncio.gather(
            no_errors(client, SET_COMPLETED, completed=True, filter={"completed": False}),
            *(no_errors(client, UPDATE, id=t["id"], input={"title": "u"}) for t in todos[:3]),
            *(no_errors(client, DELETE, id=t["id"]) for t in todos[3:]),
        )
        changed = bulk["setTodosCompleted"]["todos"]
        assert all(todo["completed"] for todo in changed), changed
        acknowledged = [(t["id"], t["version"]) for t in changed]
        acknowledged += [
            (single["updateTodo"]["id"], single["updateTodo"]["version"])
            for single in singles[:3]
            if single["updateTodo"]["__typename"] == "Todo"
        ]
        assert [pair for pair, n in Counter(acknowledged).items() if n > 1] == []
        await no_errors(client, DELETE_MATCHING)


async def test_a_todo_is_deleted_and_acknowledged_once(client: GraphQLClient) -> None:
    for _ in range(ROUNDS):
        todos = [await client.create("t") for _ in range(TODOS_PER_ROUND)]
        clear, *singles = await asyncio.gather(
            no_errors(client, DELETE_MATCHING),
            *(no_errors(client, DELETE, id=t["id"]) for t in todos),
        )
        acknowledged = list(clear["deleteTodos"]["deletedIds"])
        acknowledged += [
            single["deleteTodo"]["id"]
            for single in singles
            if single["deleteTodo"]["__typename"] == "DeletedTodo"
        ]
        assert sorted(acknowledged) == sorted(t["id"] for t in todos)


async def test_writers_in_every_mix_never_see_a_deadlock(client: GraphQLClient) -> None:
    todos = [await client.create("t", completed=n % 2 == 0) for n in range(20)]
    for _ in range(5):
        await asyncio.gather(
            *(no_errors(client, UPDATE, id=t["id"], input={"order": 1}) for t in todos),
            *(no_errors(client, UPDATE, id=t["id"], input={"completed": True}) for t in todos),
            no_errors(client, SET_COMPLETED, completed=False),
            no_errors(client, SET_COMPLETED, completed=True, filter={"titleContains": "t"}),
            no_errors(client, DELETE_MATCHING, filter={"titleContains": "gone"}),
            *(client.create("more") for _ in range(5)),
        )


async def test_events_of_one_todo_arrive_in_version_order(
    client: GraphQLClient, subscription: Events
) -> None:
    todo = await client.create("raced")
    updates = 30
    await asyncio.gather(
        *(no_errors(client, UPDATE, id=todo["id"], input={"order": n}) for n in range(updates))
    )
    received = await subscription.take(updates + 1)
    assert [event["todo"]["version"] for event in received] == list(range(1, updates + 2))
