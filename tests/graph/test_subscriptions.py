"""todoEvents, in process: each committed change, in commit order, bulk changes included."""

from __future__ import annotations

from tests.graph.conftest import Events
from tests.graphql import CREATE, DELETE, UPDATE, GraphQLClient


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
    # Every event carries the version; a deletion the version it deleted, the highest.
    assert [e["version"] for e in received] == [1, 2, 2]
    assert len({e["cursor"] for e in received}) == 3


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
