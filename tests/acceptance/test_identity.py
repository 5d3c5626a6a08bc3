"""AUTH_MODE=jwt against a running server: bad tokens are refused before anything runs, and each
user sees and changes only their own todos through every door (GraphQL over HTTP and
REST; test_identity_events.py: WebSockets and events); the todos of AUTH_MODE=none stay apart."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.transport.httpx import HTTPXAsyncTransport

from tests.acceptance.conftest import JwtStack
from tests.acceptance.identity import CREATE, post
from tests.tokens import bearer, token, unsigned

pytestmark = pytest.mark.acceptance

BAD_TOKENS = {
    "missing": {},
    "not bearer": {"Authorization": "Basic YWxpY2U6c2VjcmV0"},
    "garbage": bearer("not-a-jwt"),
    "expired": bearer(token("alice", lifetime=-30)),
    "wrong signature": bearer(token("alice", secret="someone-else's-secret-of-enough-length")),
    "alg none": bearer(unsigned("alice")),
    "no sub": bearer(token(None)),
    "no exp": bearer(token("alice", exp=None)),
}


@pytest.mark.parametrize("headers", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_a_bad_token_is_refused_with_401_and_nothing_runs(
    jwt_stack: JwtStack, headers: dict[str, str]
) -> None:
    origin = {"Origin": "https://app.example", **headers}
    created = post(jwt_stack.jwt_url, CREATE, origin, t="sneaky")
    assert created.status_code == 401
    assert created.headers["www-authenticate"].startswith("Bearer")
    assert created.headers["access-control-allow-origin"] == "*"  # a browser can read it
    [error] = created.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    rest = httpx.post(f"{jwt_stack.jwt_url}/todos", json={"title": "sneaky"}, headers=origin)
    assert rest.status_code == 401
    assert "detail" in rest.json()
    assert rest.headers["www-authenticate"].startswith("Bearer")
    # Nothing was created, for anyone.
    if jwt_stack.none_url is not None:
        assert "sneaky" not in httpx.get(f"{jwt_stack.none_url}/todos").text
    mine = post(jwt_stack.jwt_url, "{ todos { nodes { title } } }", bearer(token("alice")))
    assert "sneaky" not in mine.text


def test_health_root_preflights_and_the_explorer_stay_open(jwt_stack: JwtStack) -> None:
    assert httpx.get(f"{jwt_stack.jwt_url}/health").status_code == 200
    assert httpx.get(f"{jwt_stack.jwt_url}/").status_code == 200
    preflight = httpx.options(
        f"{jwt_stack.jwt_url}/graphql",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert preflight.status_code == 200
    # The explorer's page needs no token (in production there is none: nothing runs either).
    page = httpx.get(f"{jwt_stack.jwt_url}/graphql", headers={"accept": "text/html"})
    assert page.status_code != 401
    if jwt_stack.none_url is not None:  # started here, in development mode
        assert "GraphiQL" in page.text
    # A query over GET is a request like any other, and so is a persisted query's hash.
    apq = '{"persistedQuery": {"version": 1, "sha256Hash": "' + "0" * 64 + '"}}'
    assert httpx.get(f"{jwt_stack.jwt_url}/graphql", params={"extensions": apq}).status_code == 401
    assert (
        httpx.get(
            f"{jwt_stack.jwt_url}/graphql",
            params={"query": "{ todoStats { total } }"},
            headers={"accept": "text/html"},
        ).status_code
        == 401
    )


async def test_two_users_racing_never_see_each_other(jwt_stack: JwtStack) -> None:
    async def user(name: str) -> dict[str, Any]:
        headers = bearer(token(name))
        transport = HTTPXAsyncTransport(url=f"{jwt_stack.jwt_url}/graphql", headers=headers)
        async with (
            Client(transport=transport) as session,
            httpx.AsyncClient(base_url=jwt_stack.jwt_url, headers=headers) as rest,
        ):
            await session.execute(GraphQLRequest("mutation { deleteTodos { affectedCount } }"))
            create = GraphQLRequest(
                "mutation($t: String!) { createTodo(input: {title: $t}) { ... on Todo { id } } }"
            )
            ids = []
            for n in range(10):
                create.variable_values = {"t": f"{name} {n}"}
                result = await session.execute(create)
                ids.append(result["createTodo"]["id"])
                assert (
                    await rest.post("/todos", json={"title": f"{name} rest {n}"})
                ).status_code == 201
            await session.execute(
                GraphQLRequest("mutation { setTodosCompleted(completed: true) { affectedCount } }")
            )
            listed = await session.execute(
                GraphQLRequest(
                    "{ todos(first: 100) { totalCount nodes { id title completed } } "
                    "todoStats { total completed } }"
                )
            )
            return {"ids": ids, "listed": listed, "rest": (await rest.get("/todos")).json()}

    alice, bob = await asyncio.gather(user("alice"), user("bob"))
    for name, seen in (("alice", alice), ("bob", bob)):
        titles = [node["title"] for node in seen["listed"]["todos"]["nodes"]]
        assert len(titles) == 20
        assert all(title.startswith(f"{name} ") for title in titles)
        assert all(node["completed"] for node in seen["listed"]["todos"]["nodes"])
        assert seen["listed"]["todoStats"] == {"total": 20, "completed": 20}
        assert {todo["title"] for todo in seen["rest"]} == set(titles)
    # Bob, with alice's ids: nothing to read, change or delete.
    bob_headers = bearer(token("bob"))
    for alice_id in alice["ids"][:3]:
        read = post(
            jwt_stack.jwt_url,
            "query($id: ID!) { todo(id: $id) { id } node(id: $id) { id } }",
            bob_headers,
            id=alice_id,
        ).json()
        assert read["data"] == {"todo": None, "node": None}
        update = post(
            jwt_stack.jwt_url,
            'mutation($id: ID!) { updateTodo(id: $id, input: {title: "x"}) { __typename } }',
            bob_headers,
            id=alice_id,
        ).json()
        assert update["data"]["updateTodo"]["__typename"] == "NotFoundError"
        delete = post(
            jwt_stack.jwt_url,
            "mutation($id: ID!) { deleteTodo(id: $id) { __typename } }",
            bob_headers,
            id=alice_id,
        ).json()
        assert delete["data"]["deleteTodo"]["__typename"] == "NotFoundError"
        pk = _pk(alice_id)
        async with httpx.AsyncClient(base_url=jwt_stack.jwt_url, headers=bob_headers) as rest:
            for method in ("GET", "PATCH", "PUT", "DELETE"):
                body = {"title": "x"} if method in ("PATCH", "PUT") else None
                answer = await rest.request(method, f"/todos/{pk}", json=body)
                assert answer.status_code == 404, method
    # Bob clears his list: alice's is whole.
    post(jwt_stack.jwt_url, "mutation { deleteTodos { affectedCount } }", bob_headers)
    alice_stats = post(jwt_stack.jwt_url, "{ todoStats { total } }", bearer(token("alice"))).json()
    assert alice_stats["data"]["todoStats"]["total"] == 20


def _pk(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[1]


def test_a_cursor_from_another_users_list_reveals_nothing(jwt_stack: JwtStack) -> None:
    alice, bob = bearer(token("alice")), bearer(token("bob"))
    for n in range(3):
        post(jwt_stack.jwt_url, CREATE, alice, t=f"alice's secret {n}")
    page = post(jwt_stack.jwt_url, "{ todos(first: 1) { edges { cursor } } }", alice).json()
    cursor = page["data"]["todos"]["edges"][0]["cursor"]
    stolen = post(
        jwt_stack.jwt_url,
        "query($after: String) { todos(first: 10, after: $after) { nodes { title } } }",
        bob,
        after=cursor,
    ).json()
    assert "secret" not in json.dumps(stolen)
    assert stolen["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.native
def test_the_modes_never_see_each_others_todos(jwt_stack: JwtStack) -> None:
    assert jwt_stack.none_url is not None
    shared = httpx.post(f"{jwt_stack.none_url}/todos", json={"title": "the book's shared list"})
    assert shared.status_code == 201
    post(jwt_stack.jwt_url, CREATE, bearer(token("carol")), t="carol private")
    carol = post(jwt_stack.jwt_url, "{ todos { nodes { title } } }", bearer(token("carol"))).text
    assert "shared list" not in carol
    assert "carol private" in carol
    nobody = httpx.get(f"{jwt_stack.none_url}/todos").text
    assert "carol private" not in nobody
    assert "shared list" in nobody
    pk = shared.json()["url"].rsplit("/", 1)[1]
    carol_reads = httpx.get(f"{jwt_stack.jwt_url}/todos/{pk}", headers=bearer(token("carol")))
    assert carol_reads.status_code == 404
