"""The REST API's URLs behind a proxy (X-Forwarded-Proto and -Host) and its CORS headers, in
process, on both databases."""

from __future__ import annotations

import pytest

from tests.graphql import GraphQLClient
from tests.rest.helpers import BASE, ORIGIN, pk_of, post

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
