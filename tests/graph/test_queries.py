"""The queries, on each database: paging that never skips or repeats, filters, sorts, counts."""

from __future__ import annotations

import base64
import itertools
import json
from typing import Any

import pytest

from graph.ids import todo_global_id
from tests.graphql import GET, LIST, GraphQLClient
from todos.search import fold

NODE = "query Node($id: ID!) { node(id: $id) { __typename id ... on Todo { title } } }"
STATS = "{ todoStats { total completed active } }"

# Titles chosen to tie under folding ("cafe"/"CAFÉ"), and orders with ties and nulls.
SEED = [
    ("Café au lait", 2, False),
    ("cafe noir", None, True),
    ("CAFÉ crème", 2, False),
    ("Zebra", 1, True),
    ("äpfel kaufen", None, False),
    ("apples", 3, True),
    ("Ωμέγα", None, False),
    ("Straße fegen", 1, False),
]


async def seed(client: GraphQLClient) -> list[dict[str, Any]]:
    return [
        await client.create(title, order=order, completed=completed)
        for title, order, completed in SEED
    ]


def expected_order(todos: list[dict[str, Any]], sort: list[dict[str, str]]) -> list[str]:
    """The contract's sort, computed in Python: nulls last, then the primary key."""

    ordered = list(todos)  # creation order is primary key order
    for key in reversed(sort or [{"field": "ORDER"}, {"field": "CREATED_AT"}]):
        field, descending = key["field"], key.get("direction") == "DESC"
        if field == "ORDER":
            present = [t for t in ordered if t["order"] is not None]
            missing = [t for t in ordered if t["order"] is None]
            present.sort(key=lambda t: t["order"], reverse=descending)
            ordered = present + missing
        else:
            value = {
                "TITLE": lambda t: fold(t["title"]),
                "CREATED_AT": lambda t: t["createdAt"],
                "UPDATED_AT": lambda t: t["updatedAt"],
            }[field]
            ordered.sort(key=value, reverse=descending)
    # reverse=True keeps ties in their original order, so ties stay in primary key order.
    return [t["id"] for t in ordered]


async def page_through(
    client: GraphQLClient, size: int, backwards: bool = False, **arguments: Any
) -> list[str]:
    seen: list[str] = []
    cursor = None
    for _ in range(50):
        if backwards:
            page = (await client.data(LIST, last=size, before=cursor, **arguments))["todos"]
            seen = [node["id"] for node in page["nodes"]] + seen
            more, cursor = page["pageInfo"]["hasPreviousPage"], page["pageInfo"]["startCursor"]
        else:
            page = (await client.data(LIST, first=size, after=cursor, **arguments))["todos"]
            seen += [node["id"] for node in page["nodes"]]
            more, cursor = page["pageInfo"]["hasNextPage"], page["pageInfo"]["endCursor"]
        assert [node["id"] for node in page["nodes"]] == [e["node"]["id"] for e in page["edges"]]
        if not more:
            return seen
    raise AssertionError("paging did not end")


SORTS = [
    [],
    [{"field": "TITLE"}],
    [{"field": "TITLE", "direction": "DESC"}],
    [{"field": "ORDER", "direction": "DESC"}],
    [{"field": "ORDER"}, {"field": "TITLE", "direction": "DESC"}],
    [{"field": "ORDER", "direction": "DESC"}, {"field": "TITLE"}],
    [{"field": "CREATED_AT", "direction": "DESC"}],
    [{"field": "UPDATED_AT"}, {"field": "ORDER"}],
]


@pytest.mark.parametrize(
    "sort",
    SORTS,
    ids=lambda sort: (
        "+".join(f"{key['field']}:{key.get('direction', 'ASC')}" for key in sort) or "default"
    ),
)
async def test_every_page_size_and_direction_sees_each_todo_once_in_order(
    client: GraphQLClient, sort: list[dict[str, str]]
) -> None:
    todos = await seed(client)
    expected = expected_order(todos, sort)
    whole = (await client.data(LIST, sort=sort or None))["todos"]
    assert [node["id"] for node in whole["nodes"]] == expected
    for size, backwards in itertools.product([1, 2, 3, 7], [False, True]):
        assert await page_through(client, size, backwards, sort=sort or None) == expected


async def test_default_sort_puts_todos_without_order_last(client: GraphQLClient) -> None:
    await client.create("no order")
    await client.create("second", order=2)
    await client.create("first", order=-5)
    nodes = (await client.data(LIST))["todos"]["nodes"]
    assert [node["title"] for node in nodes] == ["first", "second", "no order"]


async def test_title_filter_ignores_case_and_accents(client: GraphQLClient) -> None:
    await seed(client)
    found = await client.data(LIST, filter={"titleContains": "cafe"}, sort=[{"field": "TITLE"}])
    titles = [node["title"] for node in found["todos"]["nodes"]]
    assert titles == ["Café au lait", "CAFÉ crème", "cafe noir"]
    assert found["todos"]["totalCount"] == 3
    strasse = await client.data(LIST, filter={"titleContains": "STRASSE"})
    assert [node["title"] for node in strasse["todos"]["nodes"]] == ["Straße fegen"]


async def test_title_filter_treats_like_wildcards_as_text(client: GraphQLClient) -> None:
    await client.create("100% done")
    await client.create("1000 done")
    await client.create("a_b")
    await client.create("axb")
    for text, expected in [("0%", ["100% done"]), ("a_b", ["a_b"])]:
        found = await client.data(LIST, filter={"titleContains": text})
        assert [node["title"] for node in found["todos"]["nodes"]] == expected


async def test_filters_combine_and_total_count_counts_all_pages(client: GraphQLClient) -> None:
    await seed(client)
    page = await client.data(LIST, first=1, filter={"completed": False, "titleContains": "é"})
    assert page["todos"]["totalCount"] == sum(
        1 for title, _, completed in SEED if not completed and "e" in fold(title)
    )
    assert len(page["todos"]["nodes"]) == 1
    assert page["todos"]["pageInfo"]["hasNextPage"] is True


async def test_page_sizes_default_to_50_and_cap_at_100(client: GraphQLClient) -> None:
    for n in range(120):
        await client.create(f"todo {n:03}")
    assert len((await client.data(LIST))["todos"]["nodes"]) == 50
    assert len((await client.data(LIST, first=1000))["todos"]["nodes"]) == 100
    assert len((await client.data(LIST, last=101))["todos"]["nodes"]) == 100
    empty = (await client.data(LIST, first=0))["todos"]
    assert (empty["nodes"], empty["totalCount"]) == ([], 120)


async def bad_input(client: GraphQLClient, **arguments: Any) -> str:
    body = await client.post(LIST, **arguments)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    message: str = error["message"]
    return message


async def test_bad_paging_arguments_are_bad_user_input(client: GraphQLClient) -> None:
    await seed(client)
    cursor = (await client.data(LIST, first=1))["todos"]["pageInfo"]["endCursor"]
    await bad_input(client, first=-1)
    await bad_input(client, last=-1)
    await bad_input(client, first=1, last=1)
    for junk in ["junk", "", "eyJ9", cursor[:-4], "W10=", cursor + "x"]:
        await bad_input(client, after=junk)
        await bad_input(client, before=junk)
    await bad_input(client, after=cursor, sort=[{"field": "TITLE"}])
    await bad_input(client, after=cursor, filter={"completed": True})
    await bad_input(client, sort=[{"field": "TITLE"}, {"field": "TITLE", "direction": "DESC"}])
    await bad_input(client, filter={"titleContains": "lone \ud800 surrogate"})


async def test_forged_cursor_values_are_bad_user_input(client: GraphQLClient) -> None:
    await seed(client)
    cursor = (await client.data(LIST, first=1))["todos"]["pageInfo"]["endCursor"]
    payload = json.loads(base64.urlsafe_b64decode(cursor))
    for values in [
        ["x", "2020", 1],
        [1, "not a date", 1],
        [1, "2020-01-01T00:00:00", 1],
        [None, payload["k"][1], "1"],
        [True, payload["k"][1], 1],
        [1, 2],
    ]:
        forged = base64.urlsafe_b64encode(json.dumps({**payload, "k": values}).encode()).decode()
        await bad_input(client, after=forged)


async def test_cursor_of_a_deleted_todo_still_pages(client: GraphQLClient) -> None:
    todos = await seed(client)
    first = (await client.data(LIST, first=2))["todos"]
    gone = first["nodes"][-1]["id"]
    await client.data("mutation($id: ID!) { deleteTodo(id: $id) { __typename } }", id=gone)
    after = (await client.data(LIST, first=100, after=first["pageInfo"]["endCursor"]))["todos"]
    assert [node["id"] for node in after["nodes"]] == expected_order(todos, [])[2:]


async def test_todo_and_node_resolve_global_ids(client: GraphQLClient) -> None:
    todo = await client.create("Walk the dog")
    node = (await client.data(NODE, id=todo["id"]))["node"]
    assert node == {"__typename": "Todo", "id": todo["id"], "title": "Walk the dog"}
    for bad_id in ["junk", todo_global_id(99999), "UGFnZTox", "VG9kbzphYmM=", "VG9kbzotMQ=="]:
        assert (await client.data(NODE, id=bad_id))["node"] is None
        assert (await client.data(GET, id=bad_id))["todo"] is None


async def test_stats_count_the_footer(client: GraphQLClient) -> None:
    assert (await client.data(STATS))["todoStats"] == {"total": 0, "completed": 0, "active": 0}
    await seed(client)
    done = sum(1 for _, _, completed in SEED if completed)
    assert (await client.data(STATS))["todoStats"] == {
        "total": len(SEED),
        "completed": done,
        "active": len(SEED) - done,
    }
