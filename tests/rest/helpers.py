"""What the tests of the REST API share: the base URL the app answers on, an origin, the JSON
header, and calls that create, list and read todos (over REST, and over GraphQL by primary key)."""

from __future__ import annotations

import base64
from typing import Any

from tests.graphql import GET, GraphQLClient

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
