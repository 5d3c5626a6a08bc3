"""Document limits: a query over one is refused with one short error, before it runs."""

from __future__ import annotations

from graphql import get_introspection_query

from tests.graphql import GraphQLClient


async def refused(client: GraphQLClient, query: str) -> list[dict[str, object]]:
    body = await client.post(query)
    assert body.get("data") is None, body
    errors: list[dict[str, object]] = body["errors"]
    return errors


async def test_graphiqls_introspection_query_is_within_the_limits(client: GraphQLClient) -> None:
    data = await client.data(get_introspection_query(descriptions=True))
    assert data["__schema"]["queryType"]["name"] == "Query"


async def test_deep_queries_are_refused_introspection_included(client: GraphQLClient) -> None:
    deep_introspection = "{ __schema { types { " + "fields { type { " * 8 + "name" + " } }" * 8
    deep_introspection += " } } }"
    [error] = await refused(client, deep_introspection)
    assert "deep" in str(error["message"])
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    cyclic = "{ todos { ...A } } fragment A on TodoConnection { nodes { id } ...A }"
    assert await refused(client, cyclic)  # GraphQL's own error for the cycle; no hang


async def test_a_field_repeated_hundreds_of_times_is_refused(client: GraphQLClient) -> None:
    [error] = await refused(client, "{ " + "__typename " * 500 + "}")
    assert "fields" in str(error["message"])
    assert (await client.data("{ " + "__typename " * 100 + "}")) == {"__typename": "Query"}


async def test_many_aliases_are_refused_with_one_error(client: GraphQLClient) -> None:
    aliases = " ".join(f"a{n}: todoStats {{ total }}" for n in range(31))
    [error] = await refused(client, f"{{ {aliases} }}")
    assert "aliases" in str(error["message"])
    within = " ".join(f"a{n}: todoStats {{ total }}" for n in range(30))
    assert len(await client.data(f"{{ {within} }}")) == 30


async def test_repeated_directives_are_refused_with_one_error(client: GraphQLClient) -> None:
    directives = "@include(if: true)" * 50
    [error] = await refused(client, f"{{ todoStats {directives} {{ total }} }}")
    assert "directives" in str(error["message"])


async def test_a_mistake_repeated_a_thousand_times_is_reported_once(client: GraphQLClient) -> None:
    [error] = await refused(client, "{ " + "nope " * 50 + "}")
    assert "nope" in str(error["message"])
    # Past 100 errors GraphQL itself gives up, with one error.
    assert len(await refused(client, "{ " + "nope " * 1000 + "}")) == 1


async def test_too_many_tokens_are_refused_while_parsing(client: GraphQLClient) -> None:
    [error] = await refused(client, "{ " + "__typename " * 3000 + "}")
    assert "token" in str(error["message"]).lower()


async def test_a_long_sort_is_refused(client: GraphQLClient) -> None:
    query = "query($sort: [TodoSort!]) { todos(sort: $sort) { totalCount } }"
    body = await client.post(query, sort=[{"field": "TITLE"}] * 2000)
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
