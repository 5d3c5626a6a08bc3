"""The REST API (/todos) in process: every route, status, header and error, on both databases, and
that it shares GraphQL's data, rules, versions and events."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import pytest

from models import TITLE_MAX_LENGTH
from tests.graphql import GET, LIST, UPDATE, GraphQLClient
from todos import events

BASE = "http://testserver"
ORIGIN = "https://www.todobackend.com"
JSON = {"content-type": "application/json"}


def pk_of(todo: dict[str, Any]) -> int:
    url: str = todo["url"]
    return int(url.rsplit("/", 1)[1])


def global_id(pk: int) -> str:
    return base64.b64encode(f"Todo:{pk}".encode()).decode()


async def post(client: GraphQLClient, **fields: Any) -> dict[str, Any]:
    response = await client.http.post("/todos", json=fields)
    assert response.status_code == 201, response.text
    todo: dict[str, Any] = response.json()
    return todo


async def listed(client: GraphQLClient) -> list[dict[str, Any]]:
    response = await client.http.get("/todos")
    assert response.status_code == 200
    todos: list[dict[str, Any]] = response.json()
    return todos


async def graphql_todo(client: GraphQLClient, pk: int) -> dict[str, Any] | None:
    todo: dict[str, Any] | None = (await client.data(GET, id=global_id(pk)))["todo"]
    return todo


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


# The rules' refusals and the JSON's type errors: 400 naming the field, nothing changed.


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("   ", "The title cannot be empty."),
        ("x" * (TITLE_MAX_LENGTH + 1), f"The title is longer than {TITLE_MAX_LENGTH} characters."),
        ("\ud800", "The title is not valid Unicode text."),
    ],
    ids=["blank", "too long", "lone surrogate"],
)
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
async def test_the_rules_refuse_titles_with_400_naming_the_field(
    client: GraphQLClient, method: str, title: str, message: str
) -> None:
    todo = await post(client, title="keep")
    path = "/todos" if method == "POST" else todo["url"]
    # ASCII JSON, so that a lone surrogate escape reaches the server as JSON allows it.
    body = json.dumps({"title": title})
    response = await client.http.request(method, path, content=body, headers=JSON)
    assert response.status_code == 400
    assert response.json() == {"title": [message]}
    assert await listed(client) == [todo]


OUT_OF_RANGE = {"order": ["Ensure this value is between -2147483648 and 2147483647."]}
WRONG_TYPES = [
    ({"title": 5}, {"title": ["Not a valid string."]}),
    ({"title": None}, {"title": ["This field may not be null."]}),
    ({"title": ["x"]}, {"title": ["Not a valid string."]}),
    ({"title": "x", "completed": "true"}, {"completed": ["Must be a valid boolean."]}),
    ({"title": "x", "completed": 1}, {"completed": ["Must be a valid boolean."]}),
    ({"title": "x", "completed": None}, {"completed": ["This field may not be null."]}),
    ({"title": "x", "order": "1"}, {"order": ["A valid integer is required."]}),
    ({"title": "x", "order": 1.5}, {"order": ["A valid integer is required."]}),
    ({"title": "x", "order": 1.0}, {"order": ["A valid integer is required."]}),
    ({"title": "x", "order": True}, {"order": ["A valid integer is required."]}),
    ({"title": "x", "order": 2**31}, OUT_OF_RANGE),
    ({"title": "x", "order": -(2**31) - 1}, OUT_OF_RANGE),
    (
        {"title": 1, "completed": "no", "order": "z"},
        {
            "title": ["Not a valid string."],
            "completed": ["Must be a valid boolean."],
            "order": ["A valid integer is required."],
        },
    ),
]


@pytest.mark.parametrize(("body", "errors"), WRONG_TYPES, ids=lambda value: json.dumps(value))
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
async def test_fields_of_the_wrong_type_are_400_naming_them(
    client: GraphQLClient, method: str, body: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    todo = await post(client, title="keep", order=1)
    path = "/todos" if method == "POST" else todo["url"]
    response = await client.http.request(method, path, json=body)
    assert response.status_code == 400
    assert response.json() == errors
    assert await listed(client) == [todo]
    assert (await graphql_todo(client, pk_of(todo)) or {})["version"] == 1


@pytest.mark.parametrize("method", ["POST", "PUT"])
async def test_create_and_put_need_a_title(client: GraphQLClient, method: str) -> None:
    todo = await post(client, title="keep")
    path = "/todos" if method == "POST" else todo["url"]
    response = await client.http.request(method, path, json={"completed": True, "order": 1})
    assert response.status_code == 400
    assert response.json() == {"title": ["This field is required."]}
    assert await listed(client) == [todo]


MALFORMED_BODIES = [
    (b"", "JSON parse error: the body is not UTF-8 JSON."),
    (b"{", "JSON parse error: the body is not UTF-8 JSON."),
    (b"not json", "JSON parse error: the body is not UTF-8 JSON."),
    (b'{"title": "\xff"}', "JSON parse error: the body is not UTF-8 JSON."),
    (b'\xef\xbb\xbf{"title": "x"}', "JSON parse error: the body is not UTF-8 JSON."),
    ('{"title": "x"}'.encode("utf-16"), "JSON parse error: the body is not UTF-8 JSON."),
    (b'{"order": ' + b"9" * 5000 + b"}", "JSON parse error: the body is not UTF-8 JSON."),
    (b"[" * 100_000 + b"]" * 100_000, "JSON parse error: the body is not UTF-8 JSON."),
    (b'[{"title": "x"}]', "Expected a JSON object."),
    (b'"x"', "Expected a JSON object."),
    (b"null", "Expected a JSON object."),
    (b"42", "Expected a JSON object."),
]


@pytest.mark.parametrize(("body", "detail"), MALFORMED_BODIES, ids=lambda value: repr(value[:12]))
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
async def test_malformed_bodies_are_400_and_change_nothing(
    client: GraphQLClient, method: str, body: bytes, detail: str
) -> None:
    todo = await post(client, title="keep")
    path = "/todos" if method == "POST" else todo["url"]
    response = await client.http.request(method, path, content=body, headers=JSON)
    assert response.status_code == 400
    assert response.json() == {"detail": detail}
    assert await listed(client) == [todo]


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b", None],
)
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
async def test_bodies_that_are_not_json_are_415_and_change_nothing(
    client: GraphQLClient, method: str, content_type: str | None
) -> None:
    """A cross-site form can send these without a CORS preflight (CSRF); they are refused."""
    todo = await post(client, title="keep")
    path = "/todos" if method == "POST" else todo["url"]
    headers = {} if content_type is None else {"content-type": content_type}
    response = await client.http.request(
        method, path, content=json.dumps({"title": "changed"}), headers=headers
    )
    assert response.status_code == 415
    assert "detail" in response.json()
    assert await listed(client) == [todo]


async def test_json_with_a_charset_or_a_json_suffix_is_accepted(client: GraphQLClient) -> None:
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        body = json.dumps({"title": "é"}).encode()
        response = await client.http.post(
            "/todos", content=body, headers={"content-type": content_type}
        )
        assert response.status_code == 201, response.text


async def test_oversized_bodies_get_413(client: GraphQLClient) -> None:
    body = json.dumps({"title": "x" * 2_000_000})
    response = await client.http.post("/todos", content=body, headers=JSON)
    assert response.status_code == 413

    async def streamed() -> Any:  # no content-length: counted as it arrives
        for _ in range(3):
            yield b" " * 600_000

    response = await client.http.post("/todos", content=streamed(), headers=JSON)
    assert response.status_code == 413
    assert await listed(client) == []


# URLs behind a proxy.


async def test_urls_follow_x_forwarded_proto_and_host(client: GraphQLClient) -> None:
    headers = {
        "x-forwarded-proto": "https, http",
        "x-forwarded-host": "todos.example.com, internal:8000",
    }
    response = await client.http.post("/todos", json={"title": "x"}, headers=headers)
    url = response.json()["url"]
    assert url == f"https://todos.example.com/todos/{pk_of(response.json())}"
    assert response.headers["location"] == url
    listed_behind_proxy = (await client.http.get("/todos", headers=headers)).json()
    assert [todo["url"] for todo in listed_behind_proxy] == [url]
    root = (await client.http.get("/", headers=headers)).json()
    assert root["todos"] == "https://todos.example.com/todos"
    path = f"/todos/{pk_of(response.json())}"
    only_proto = await client.http.get(path, headers={"x-forwarded-proto": "HTTPS"})
    assert only_proto.json()["url"] == f"https://testserver{path}"
    ported = await client.http.get(path, headers={"x-forwarded-host": "[::1]:8443"})
    assert ported.json()["url"] == f"http://[::1]:8443{path}"


@pytest.mark.parametrize(
    "headers",
    [
        {"x-forwarded-proto": "javascript"},
        {"x-forwarded-host": "evil.example/path?"},
        {"x-forwarded-host": "a b"},
        {"x-forwarded-host": ""},
        {"x-forwarded-host": "user@evil.example"},
    ],
)
async def test_unusable_forwarded_values_are_ignored(
    client: GraphQLClient, headers: dict[str, str]
) -> None:
    todo = await post(client, title="x")
    response = await client.http.get(todo["url"], headers=headers)
    assert response.json()["url"] == f"{BASE}/todos/{pk_of(todo)}"


# CORS, as the Todo-Backend spec's browser needs it.


@pytest.mark.parametrize(
    ("method", "path"),
    [("PATCH", "/todos/1"), ("PUT", "/todos/1"), ("DELETE", "/todos/1"), ("POST", "/todos")],
)
async def test_preflights_allow_any_origin_the_method_and_content_type(
    client: GraphQLClient, method: str, path: str
) -> None:
    response = await client.http.options(
        path,
        headers={
            "origin": ORIGIN,
            "access-control-request-method": method,
            "access-control-request-headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] in ("*", ORIGIN)
    assert method in response.headers["access-control-allow-methods"].split(", ")
    assert "content-type" in response.headers["access-control-allow-headers"].lower()


async def test_responses_carry_the_cors_header(client: GraphQLClient) -> None:
    origin = {"origin": ORIGIN}
    created = await client.http.post("/todos", json={"title": "x"}, headers=origin)
    for response in (
        created,
        await client.http.get("/", headers=origin),
        await client.http.get("/todos", headers=origin),
        await client.http.get("/todos/0", headers=origin),
        await client.http.patch(created.headers["location"], json={"order": 1}, headers=origin),
    ):
        assert response.headers["access-control-allow-origin"] in ("*", ORIGIN)


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


async def test_lists_are_whole_beyond_a_graphql_page(client: GraphQLClient) -> None:
    titles = [f"t{index:03}" for index in range(120)]
    await asyncio.gather(*(post(client, title=title, order=i) for i, title in enumerate(titles)))
    assert [todo["title"] for todo in await listed(client)] == titles
