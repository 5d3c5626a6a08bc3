"""The REST API (/todos) in process, its routes: the root and the list, create, read one, update
and delete, with their status codes, headers and refusals of unknown IDs, paths and methods, on
both databases."""

from __future__ import annotations

import asyncio
import base64

import pytest

from tests.graphql import GraphQLClient
from tests.rest.helpers import BASE, graphql_todo, listed, pk_of, post

# The root and the list.


async def test_the_root_points_to_todos_beside_graphql(client: GraphQLClient) -> None:
    response = await client.http.get("/")
    assert response.json() == {
        "graphql": f"{BASE}/graphql",
        "health": f"{BASE}/health",
        "todos": f"{BASE}/todos",
    }


async def test_an_empty_list_is_an_empty_array(client: GraphQLClient) -> None:
    response = await client.http.get("/todos")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == []


async def test_the_list_is_in_the_default_order(client: GraphQLClient) -> None:
    for title, order in [("c", None), ("b", 2), ("a", 1), ("d", None)]:
        await post(client, title=title, order=order)
    assert [todo["title"] for todo in await listed(client)] == ["a", "b", "c", "d"]


async def test_head_answers_like_get_without_a_body(client: GraphQLClient) -> None:
    todo = await post(client, title="x")
    for path in ("/todos", f"/todos/{pk_of(todo)}"):
        response = await client.http.head(path)
        assert response.status_code == 200
        assert response.content == b""


async def test_lists_are_whole_beyond_a_graphql_page(client: GraphQLClient) -> None:
    titles = [f"t{index:03}" for index in range(120)]
    await asyncio.gather(*(post(client, title=title, order=i) for i, title in enumerate(titles)))
    assert [todo["title"] for todo in await listed(client)] == titles


# Create.


async def test_post_creates_with_defaults_and_answers_201_with_its_location(
    client: GraphQLClient,
) -> None:
    response = await client.http.post("/todos", json={"title": "  Walk the dog  "})
    assert response.status_code == 201
    todo = response.json()
    pk = pk_of(todo)
    assert todo == {
        "url": f"{BASE}/todos/{pk}",
        "title": "Walk the dog",  # the rules strip titles
        "completed": False,
        "order": None,
    }
    assert response.headers["location"] == todo["url"]
    assert (await client.http.get(response.headers["location"])).json() == todo


async def test_post_takes_completed_and_order_and_ignores_a_url_or_id(
    client: GraphQLClient,
) -> None:
    todo = await post(
        client, title="x", completed=True, order=-3, url="http://elsewhere/todos/1", id=99
    )
    assert todo["url"].startswith(f"{BASE}/todos/")
    assert (todo["completed"], todo["order"]) == (True, -3)
    assert (await graphql_todo(client, pk_of(todo)) or {})["title"] == "x"


# Read one.


async def test_get_answers_the_todo_that_graphql_calls_by_its_global_id(
    client: GraphQLClient,
) -> None:
    created = await client.create("from GraphQL", order=4)
    pk = int(base64.b64decode(created["id"]).decode().removeprefix("Todo:"))
    response = await client.http.get(f"/todos/{pk}")
    assert response.status_code == 200
    assert response.json() == {
        "url": f"{BASE}/todos/{pk}",
        "title": "from GraphQL",
        "completed": False,
        "order": 4,
    }


UNKNOWN_IDS = ["999999", "0", "-1", "abc", "1.0", "2147483648", "9" * 5000, "%EF%BC%91", "1%20"]


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("todo_id", UNKNOWN_IDS, ids=lambda value: value[:12])
async def test_unknown_or_malformed_ids_are_404_not_found(
    client: GraphQLClient, method: str, todo_id: str
) -> None:
    response = await client.http.request(method, f"/todos/{todo_id}", json={"title": "x"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("path", ["/todos/", "/todos/1/", "/todos//1"])
async def test_no_other_spellings_of_the_paths(client: GraphQLClient, path: str) -> None:
    await post(client, title="x")
    response = await client.http.get(path)
    assert response.status_code == 404
    assert "location" not in response.headers


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/todos", "GET, HEAD, POST, DELETE"),
        ("PATCH", "/todos", "GET, HEAD, POST, DELETE"),
        ("POST", "/todos/1", "GET, HEAD, PUT, PATCH, DELETE"),
    ],
)
async def test_other_methods_are_405_with_allow(
    client: GraphQLClient, method: str, path: str, allowed: str
) -> None:
    response = await client.http.request(method, path, json={"title": "x"})
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == set(allowed.split(", "))
    assert await listed(client) == []


# Update.


async def test_put_replaces_every_field_resetting_those_left_out(client: GraphQLClient) -> None:
    todo = await post(client, title="old", completed=True, order=3)
    response = await client.http.put(todo["url"], json={"title": "new", "url": "http://x/1"})
    assert response.status_code == 200
    assert response.json() == {
        "url": todo["url"],
        "title": "new",
        "completed": False,
        "order": None,
    }
    full = await client.http.put(todo["url"], json={"title": "t", "completed": True, "order": 7})
    assert full.json() == {"url": todo["url"], "title": "t", "completed": True, "order": 7}


async def test_put_requires_the_title(client: GraphQLClient) -> None:
    todo = await post(client, title="keep", order=1)
    response = await client.http.put(todo["url"], json={"completed": True})
    assert response.status_code == 400
    assert response.json() == {"title": ["This field is required."]}
    assert (await client.http.get(todo["url"])).json() == todo


async def test_patch_changes_only_the_fields_sent(client: GraphQLClient) -> None:
    todo = await post(client, title="old", order=3)
    response = await client.http.patch(todo["url"], json={"completed": True})
    assert response.status_code == 200
    assert response.json() == {**todo, "completed": True}
    renamed = await client.http.patch(todo["url"], json={"title": "new", "order": None})
    assert renamed.json() == {**todo, "title": "new", "completed": True, "order": None}
    assert (await client.http.get(todo["url"])).json() == renamed.json()


# Delete.


async def test_delete_removes_one_todo(client: GraphQLClient) -> None:
    gone, kept = await post(client, title="gone"), await post(client, title="kept")
    response = await client.http.delete(gone["url"])
    assert response.status_code == 204
    assert response.content == b""
    assert (await client.http.get(gone["url"])).status_code == 404
    assert (await client.http.delete(gone["url"])).status_code == 404
    assert await listed(client) == [kept]


async def test_delete_of_the_list_removes_every_todo(client: GraphQLClient) -> None:
    for title in ("a", "b", "c"):
        await post(client, title=title)
    response = await client.http.delete("/todos")
    assert response.status_code == 204
    assert response.content == b""
    assert await listed(client) == []
    assert (await client.http.delete("/todos")).status_code == 204
