"""GraphQL over HTTP's media types: a client that accepts application/graphql-response+json gets
that type and the spec's status codes (a request error is a 400 without `data`), on the fast path
and the plain path alike; application/json keeps its old answers (200, `data: null`)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import AppClient
from tests.graphql import GraphQLClient

APOLLO_4 = "application/graphql-response+json,application/json;q=0.9"
RESPONSE_TYPE = "application/graphql-response+json; charset=utf-8"
LIST = "query($first: Int, $after: String) { todos(first: $first, after: $after) { totalCount } }"


async def send(
    client: GraphQLClient, accept: str | None, query: str, **variables: Any
) -> httpx.Response:
    headers = {"content-type": "application/json"} | ({"accept": accept} if accept else {})
    payload = {"query": query, "variables": variables}
    return await client.http.post("/graphql", json=payload, headers=headers)


# Each with the code Apollo Server gives it.
REQUEST_ERRORS = {
    "does not parse": ("{ todos {", {}, "GRAPHQL_PARSE_FAILED"),
    "does not validate": ("{ todoz { totalCount } }", {}, "GRAPHQL_VALIDATION_FAILED"),
    "wrong variable": (LIST, {"first": "ten"}, "BAD_USER_INPUT"),
    "over a limit": (
        "{ " + " ".join(f"a{n}: todoStats {{ total }}" for n in range(40)) + " }",
        {},
        "BAD_USER_INPUT",
    ),
}


@pytest.mark.parametrize(
    ("query", "variables", "code"), REQUEST_ERRORS.values(), ids=REQUEST_ERRORS.keys()
)
async def test_a_request_error_is_a_400_without_data(
    client: GraphQLClient, query: str, variables: dict[str, Any], code: str
) -> None:
    for _ in range(2):  # the second time from the fast path, when it takes the document
        modern = await send(client, APOLLO_4, query, **variables)
        assert modern.status_code == 400
        assert modern.headers["content-type"] == RESPONSE_TYPE
        assert "data" not in modern.json()
        assert modern.json()["errors"]
        legacy = await send(client, "application/json", query, **variables)
        assert legacy.status_code == 200
        assert legacy.headers["content-type"] == "application/json"
        assert legacy.json()["data"] is None
        for answer in (modern, legacy):
            assert {e["extensions"]["code"] for e in answer.json()["errors"]} == {code}


async def test_a_field_error_keeps_its_data_and_200(client: GraphQLClient) -> None:
    # A bad cursor is the todos field's error: the request itself ran.
    for _ in range(2):
        answer = await send(client, APOLLO_4, LIST, after="not a cursor")
        assert answer.status_code == 200
        assert answer.headers["content-type"] == RESPONSE_TYPE
        body = answer.json()
        assert body["data"] is None
        assert body["errors"][0]["path"] == ["todos"]
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (APOLLO_4, RESPONSE_TYPE),
        ("application/graphql-response+json", RESPONSE_TYPE),
        ("application/json, application/graphql-response+json;q=0.5", "application/json"),
        ("*/*", "application/json"),
        (None, "application/json"),
    ],
)
async def test_the_answer_takes_the_type_the_client_prefers(
    client: GraphQLClient, accept: str | None, expected: str
) -> None:
    for _ in range(2):
        answer = await send(client, accept, LIST, first=1)
        assert answer.status_code == 200
        assert answer.headers["content-type"] == expected
        assert answer.json() == {"data": {"todos": {"totalCount": 0}}}


async def test_a_body_that_is_not_graphql_is_a_400_in_the_accepted_type(
    client: GraphQLClient,
) -> None:
    headers = {"content-type": "application/json", "accept": APOLLO_4}
    answer = await client.http.post("/graphql", content=b"[1, 2", headers=headers)
    assert answer.status_code == 400
    assert answer.headers["content-type"] == RESPONSE_TYPE
    assert "data" not in answer.json()


async def test_a_refused_token_is_answered_in_the_accepted_type(app_client: AppClient) -> None:
    async with app_client(
        auth_mode="jwt", jwt_secret="a-secret-that-is-long-enough-for-hs256!"
    ) as jwt:
        answer = await jwt.http.post("/graphql", json={"query": LIST}, headers={"accept": APOLLO_4})
    assert answer.status_code == 401
    assert answer.headers["content-type"] == RESPONSE_TYPE
    assert answer.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
