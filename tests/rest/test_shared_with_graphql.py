"""The REST API shares GraphQL's data, rules, versions and events: in process, on both databases."""

from __future__ import annotations

import asyncio

import pytest

from tests.graphql import LIST, UPDATE, GraphQLClient
from tests.rest.helpers import JSON, global_id, graphql_todo, listed, pk_of, post
from todos import events

# Shared with GraphQL: the data, the versions and the events.


async def test_rest_writes_bump_the_version_as_graphql_does(client: GraphQLClient) -> None:
    todo = await post(client, title="v")
    pk = pk_of(todo)
    assert (await graphql_todo(client, pk) or {})["version"] == 1
    await client.http.patch(todo["url"], json={"completed": True})
    assert (await graphql_todo(client, pk) or {})["version"] == 2
    await client.http.put(todo["url"], json={"title": "w"})
    after_put = await graphql_todo(client, pk) or {}
    assert (after_put["version"], after_put["title"], after_put["completed"]) == (3, "w", False)
    updated = await client.data(UPDATE, id=global_id(pk), input={"order": 2})
    assert updated["updateTodo"]["version"] == 4
    assert (await client.http.get(todo["url"])).json()["order"] == 2
    await client.http.patch(todo["url"], json={})  # an empty change is still a write, as in GraphQL
    assert (await graphql_todo(client, pk) or {})["version"] == 5


async def test_graphql_and_rest_see_each_others_writes(client: GraphQLClient) -> None:
    from_rest = await post(client, title="from REST", order=1)
    from_graphql = await client.create("from GraphQL", order=2)
    nodes = (await client.data(LIST))["todos"]["nodes"]
    assert [(node["id"], node["title"]) for node in nodes] == [
        (global_id(pk_of(from_rest)), "from REST"),
        (from_graphql["id"], "from GraphQL"),
    ]
    assert [todo["title"] for todo in await listed(client)] == ["from REST", "from GraphQL"]


async def test_rest_writes_publish_the_same_todo_events(client: GraphQLClient) -> None:
    async with events.hub.subscribe() as subscriber:
        todo = await post(client, title="a")
        await client.http.patch(todo["url"], json={"completed": True})
        await client.http.put(todo["url"], json={"title": "b"})
        await client.http.delete(todo["url"])
        other = await post(client, title="c")
        await client.http.delete("/todos")
        received = [await asyncio.wait_for(subscriber.next(), 5) for _ in range(6)]
    pk, other_pk = pk_of(todo), pk_of(other)
    assert [(event.kind.value, event.pk) for event in received] == [
        ("CREATED", pk),
        ("UPDATED", pk),
        ("UPDATED", pk),
        ("DELETED", pk),
        ("CREATED", other_pk),
        ("DELETED", other_pk),
    ]
    assert [event.version for event in received] == [1, 2, 3, 3, 1, 1]
    assert [event.todo is None for event in received] == [False] * 3 + [True, False, True]


async def test_refused_writes_publish_nothing(client: GraphQLClient) -> None:
    todo = await post(client, title="a")
    async with events.hub.subscribe() as subscriber:
        await client.http.post("/todos", json={"title": " "})
        await client.http.patch(todo["url"], json={"completed": "yes"})
        await client.http.put("/todos/999999", json={"title": "x"})
        await client.http.post("/todos", content=b"{", headers=JSON)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(subscriber.next(), 0.2)
