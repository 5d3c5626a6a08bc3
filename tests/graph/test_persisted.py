"""Automatic persisted queries (Apollo's APQ): a hash the service does not know asks for the text,
the text registers it, then the hash alone runs the document, over POST and GET, on the fast path
and the plain path alike; a hash that is not the text's, or a malformed extension, is refused."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from graph.persisted import PersistedDocuments
from tests.conftest import AppClient
from tests.graphql import GraphQLClient
from tests.graphql import persisted_query as persisted

LIST = "query List($first: Int) { todos(first: $first) { totalCount nodes { title } } }"
CREATE = 'mutation { createTodo(input: {title: "by hash"}) { __typename } }'
APOLLO_4 = "application/graphql-response+json,application/json;q=0.9"


async def post(
    client: GraphQLClient, body: dict[str, Any], accept: str = "application/json"
) -> httpx.Response:
    return await client.http.post("/graphql", json=body, headers={"accept": accept})


async def test_a_hash_is_registered_by_its_text_then_runs_alone(client: GraphQLClient) -> None:
    await client.create("walk the dog")
    hash_only = {"extensions": persisted(LIST), "variables": {"first": 5}}
    unknown = await post(client, hash_only)
    assert unknown.status_code == 200
    assert unknown.json()["errors"] == [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
    modern = await post(client, hash_only, APOLLO_4)
    assert modern.status_code == 400
    assert "data" not in modern.json()
    registered = await post(client, {**hash_only, "query": LIST})
    expected = {"data": {"todos": {"totalCount": 1, "nodes": [{"title": "walk the dog"}]}}}
    assert registered.json() == expected
    for _ in range(3):  # the fast path answers from the second request on
        again = await post(client, hash_only)
        assert again.status_code == 200
        assert again.content == registered.content
    by_get = await client.http.get(
        "/graphql",
        params={"extensions": json.dumps(persisted(LIST)), "variables": '{"first": 5}'},
        headers={"accept": "application/json"},
    )
    assert by_get.json() == expected


async def test_a_persisted_mutation_runs_by_post_but_never_by_get(client: GraphQLClient) -> None:
    created = await post(client, {"query": CREATE, "extensions": persisted(CREATE)})
    assert created.json() == {"data": {"createTodo": {"__typename": "Todo"}}}
    by_get = await client.http.get(
        "/graphql",
        params={"extensions": json.dumps(persisted(CREATE))},
        headers={"accept": "application/json"},
    )
    assert by_get.status_code in (400, 405)
    assert (await client.data("{ todoStats { total } }"))["todoStats"]["total"] == 1
    again = await post(client, {"extensions": persisted(CREATE)})
    assert again.json() == {"data": {"createTodo": {"__typename": "Todo"}}}


async def test_a_hash_that_is_not_the_texts_is_refused_and_registers_nothing(
    client: GraphQLClient,
) -> None:
    other = "{ todoStats { total } }"
    wrong = await post(client, {"query": other, "extensions": persisted(LIST)})
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    still_unknown = await post(client, {"extensions": persisted(LIST)})
    assert still_unknown.json()["errors"][0]["message"] == "PersistedQueryNotFound"


async def test_a_malformed_persisted_query_is_a_400(client: GraphQLClient) -> None:
    digest = persisted(LIST)["persistedQuery"]["sha256Hash"]
    for extension in (
        {"version": 2, "sha256Hash": digest},
        {"version": 1, "sha256Hash": "not hex"},
        {"version": 1},
        "a string",
    ):
        answer = await post(client, {"extensions": {"persistedQuery": extension}})
        assert answer.status_code == 400, extension
        assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_a_document_is_looked_up_once_when_the_fast_path_declines_it(
    client: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast lane and the plain path after it share one lookup (with REDIS_URL, a round trip)
    and one registration: a directive keeps this document off the fast path."""
    declined = "query Declined { todoStats @include(if: true) { total } }"
    calls: list[str] = []
    real_get, real_put = PersistedDocuments._get, PersistedDocuments._put

    async def counted_get(self: PersistedDocuments, digest: str) -> str | None:
        calls.append("get")
        return await real_get(self, digest)

    async def counted_put(self: PersistedDocuments, digest: str, document: str) -> None:
        calls.append("put")
        await real_put(self, digest, document)

    monkeypatch.setattr(PersistedDocuments, "_get", counted_get)
    monkeypatch.setattr(PersistedDocuments, "_put", counted_put)
    unknown = await post(client, {"extensions": persisted(declined)})
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    registered = await post(client, {"extensions": persisted(declined), "query": declined})
    by_hash = await post(client, {"extensions": persisted(declined)})
    assert registered.json() == by_hash.json() == {"data": {"todoStats": {"total": 0}}}
    assert calls == ["get", "put", "get"]


async def test_each_operation_of_a_batch_runs_its_own_document(app_client: AppClient) -> None:
    stats, count = "{ todoStats { total } }", "{ todos { totalCount } }"
    async with app_client(max_batch_operations=5) as client:
        for text in (stats, count):
            await post(client, {"extensions": persisted(text), "query": text})
        batch = [{"extensions": persisted(text)} for text in (stats, count)]
        answers = (await client.http.post("/graphql", json=batch)).json()
    assert answers == [
        {"data": {"todoStats": {"total": 0}}},
        {"data": {"todos": {"totalCount": 0}}},
    ]
