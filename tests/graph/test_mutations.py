"""The mutations, on each database: the book's unit tests and the contract's writing rules."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest

from graph.ids import todo_global_id
from tests.graphql import (
    CREATE,
    DELETE,
    DELETE_MATCHING,
    GET,
    LIST,
    SET_COMPLETED,
    UPDATE,
    GraphQLClient,
)


async def titles(client: GraphQLClient) -> list[str]:
    data = await client.data(LIST)
    return [node["title"] for node in data["todos"]["nodes"]]


# The book's unit tests, as GraphQL.


async def test_create_returns_the_todo_with_an_id_that_reads_it_back(client: GraphQLClient) -> None:
    todo = await client.create("Walk the dog")
    assert todo["title"] == "Walk the dog"
    assert todo["completed"] is False
    assert todo["order"] is None
    assert todo["version"] == 1
    assert datetime.fromisoformat(todo["createdAt"]).utcoffset() is not None
    assert (await client.data(GET, id=todo["id"]))["todo"] == todo


async def test_update_with_every_field_is_a_full_update(client: GraphQLClient) -> None:
    todo = await client.create("Walk the dog")
    changes = {"title": "Walk the cat", "completed": True, "order": 3}
    updated = (await client.data(UPDATE, id=todo["id"], input=changes))["updateTodo"]
    assert {key: updated[key] for key in changes} == changes
    assert updated["version"] == 2
    assert updated["updatedAt"] > todo["updatedAt"]
    assert (await client.data(GET, id=todo["id"]))["todo"] == updated


async def test_partial_update_changes_only_the_fields_sent(client: GraphQLClient) -> None:
    todo = await client.create("Walk the dog", order=5)
    updated = (await client.data(UPDATE, id=todo["id"], input={"completed": True}))["updateTodo"]
    assert (updated["title"], updated["completed"], updated["order"]) == ("Walk the dog", True, 5)


async def test_delete_one_removes_it(client: GraphQLClient) -> None:
    keep = await client.create("Keep")
    gone = await client.create("Go")
    result = (await client.data(DELETE, id=gone["id"]))["deleteTodo"]
    assert result == {"__typename": "DeletedTodo", "id": gone["id"]}
    assert (await client.data(GET, id=gone["id"]))["todo"] is None
    assert await titles(client) == [keep["title"]]


async def test_delete_all_empties_the_list(client: GraphQLClient) -> None:
    created = [await client.create(f"todo {n}") for n in range(3)]
    result = (await client.data(DELETE_MATCHING))["deleteTodos"]
    assert result["affectedCount"] == 3
    assert sorted(result["deletedIds"]) == sorted(todo["id"] for todo in created)
    assert await titles(client) == []


# Validation: a clear error, nothing changed.


async def test_title_is_stripped_and_kept_exactly(client: GraphQLClient) -> None:
    title = "Café ☕ 👩🏽‍💻 Ωμέγα 漢字"
    assert (await client.create(f"  {title}\n\t"))["title"] == title


async def test_title_of_256_code_points_is_accepted_and_257_refused(client: GraphQLClient) -> None:
    assert (await client.create("😀" * 256))["title"] == "😀" * 256
    refused = (await client.data(CREATE, input={"title": "x" * 257}))["createTodo"]
    assert refused["__typename"] == "ValidationError"
    assert refused["field"] == "title"
    assert await titles(client) == ["😀" * 256]


async def test_blank_title_is_refused(client: GraphQLClient) -> None:
    for blank in ["", "   ", "\n\t "]:
        refused = (await client.data(CREATE, input={"title": blank}))["createTodo"]
        assert (refused["__typename"], refused["field"]) == ("ValidationError", "title")
    assert await titles(client) == []


async def test_refused_update_changes_nothing(client: GraphQLClient) -> None:
    todo = await client.create("Walk the dog")
    refusals: list[dict[str, Any]] = [
        {"title": " "},
        {"title": None},
        {"completed": None},
        {"title": "y" * 257},
        {"title": "lone \ud800 surrogate"},
    ]
    for bad in refusals:
        refused = await client.data(UPDATE, id=todo["id"], input={**bad, "order": 9})
        result = refused["updateTodo"]
        assert result["__typename"] == "ValidationError", bad
        assert result["field"] == next(iter(bad))
    assert (await client.data(GET, id=todo["id"]))["todo"] == todo


async def test_order_null_clears_the_order(client: GraphQLClient) -> None:
    todo = await client.create("Walk the dog", order=4)
    updated = (await client.data(UPDATE, id=todo["id"], input={"order": None}))["updateTodo"]
    assert updated["order"] is None


# Identity: unknown and malformed IDs are not found, never an error.


async def test_unknown_and_malformed_ids_are_not_found(client: GraphQLClient) -> None:
    todo = await client.create("Walk the dog")
    await client.data(DELETE, id=todo["id"])
    for bad_id in [todo["id"], "nonsense", "", "VXNlcjox", todo_global_id(0), "Todo:1", "💥"]:
        updated = (await client.data(UPDATE, id=bad_id, input={"completed": True}))["updateTodo"]
        assert updated == {
            "__typename": "NotFoundError",
            "message": updated["message"],
            "id": bad_id,
        }
        deleted = (await client.data(DELETE, id=bad_id))["deleteTodo"]
        assert deleted["__typename"] == "NotFoundError"
        assert (await client.data(GET, id=bad_id))["todo"] is None


# Versions.


async def test_every_update_adds_one_to_the_version_even_without_change(
    client: GraphQLClient,
) -> None:
    todo = await client.create("Walk the dog")
    for expected in (2, 3):
        same = await client.data(UPDATE, id=todo["id"], input={"title": "Walk the dog"})
        assert same["updateTodo"]["version"] == expected


async def test_stale_expected_version_is_a_conflict_that_changes_nothing(
    client: GraphQLClient,
) -> None:
    todo = await client.create("Walk the dog")
    current = (await client.data(UPDATE, id=todo["id"], input={"order": 1}))["updateTodo"]
    stale = {"title": "Lost update", "expectedVersion": 1}
    conflict = (await client.data(UPDATE, id=todo["id"], input=stale))["updateTodo"]
    assert conflict["__typename"] == "VersionConflictError"
    assert conflict["current"] == current
    deleted = (await client.data(DELETE, id=todo["id"], expectedVersion=1))["deleteTodo"]
    assert deleted["__typename"] == "VersionConflictError"
    assert (await client.data(GET, id=todo["id"]))["todo"] == current


async def test_matching_or_null_expected_version_applies(client: GraphQLClient) -> None:
    todo = await client.create("Walk the dog")
    matching = {"completed": True, "expectedVersion": 1}
    assert (await client.data(UPDATE, id=todo["id"], input=matching))["updateTodo"]["version"] == 2
    unchecked = {"completed": False, "expectedVersion": None}
    assert (await client.data(UPDATE, id=todo["id"], input=unchecked))["updateTodo"]["version"] == 3
    deleted = (await client.data(DELETE, id=todo["id"], expectedVersion=3))["deleteTodo"]
    assert deleted["__typename"] == "DeletedTodo"


async def test_concurrent_updates_never_lose_a_version(client: GraphQLClient) -> None:
    todo = await client.create("Contended")
    writers = 20
    results = await asyncio.gather(
        *(client.data(UPDATE, id=todo["id"], input={"order": n}) for n in range(writers))
    )
    versions = sorted(result["updateTodo"]["version"] for result in results)
    assert versions == list(range(2, writers + 2))
    assert (await client.data(GET, id=todo["id"]))["todo"]["version"] == writers + 1


# Bulk mutations.


async def test_set_completed_touches_only_todos_that_differ(client: GraphQLClient) -> None:
    done = await client.create("done", completed=True)
    open_ = [await client.create(f"open {n}") for n in range(2)]
    result = (await client.data(SET_COMPLETED, completed=True))["setTodosCompleted"]
    assert result["affectedCount"] == 2
    assert [todo["id"] for todo in result["todos"]] == [todo["id"] for todo in open_]
    assert {todo["version"] for todo in result["todos"]} == {2}
    assert (await client.data(GET, id=done["id"]))["todo"]["version"] == 1


async def test_set_completed_with_a_filter(client: GraphQLClient) -> None:
    milk = await client.create("Buy milk")
    await client.create("Walk the dog")
    result = await client.data(SET_COMPLETED, completed=True, filter={"titleContains": "MILK"})
    assert [todo["id"] for todo in result["setTodosCompleted"]["todos"]] == [milk["id"]]


async def test_delete_todos_clears_completed(client: GraphQLClient) -> None:
    await client.create("done", completed=True)
    active = await client.create("active")
    result = (await client.data(DELETE_MATCHING, filter={"completed": True}))["deleteTodos"]
    assert result["affectedCount"] == 1
    assert await titles(client) == [active["title"]]


@pytest.mark.parametrize(
    ("mutation", "variables"),
    [(SET_COMPLETED, {"completed": True}), (DELETE_MATCHING, {})],
    ids=["setTodosCompleted", "deleteTodos"],
)
async def test_a_bulk_filter_that_is_not_text_is_bad_user_input_and_changes_nothing(
    client: GraphQLClient, mutation: str, variables: dict[str, Any]
) -> None:
    todo = await client.create("a")
    body = await client.post(mutation, filter={"titleContains": "a\ud800"}, **variables)
    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["BAD_USER_INPUT"]
    assert (await client.data(GET, id=todo["id"]))["todo"] == todo
