"""Document limits: a query over one is refused with one short error, before it runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import get_introspection_query

from tests.conftest import AppClient
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


# The amplification the issue found: 639 bytes that passed every limit and returned 1.5 MB from
# 100 todos. 10 aliased pages of 100, each with 10 aliased nodes lists of 10 aliased titles.
TITLES = "fragment T on Todo { " + " ".join(f"t{n}: title" for n in range(10)) + " }"
NODES = "fragment N on TodoConnection { " + " ".join(f"n{n}: nodes {{ ...T }}" for n in range(10))
AMPLIFIED = (
    "{ " + " ".join(f"p{n}: todos(first: 100) {{ ...N }}" for n in range(10)) + " } "
    + NODES + " } " + TITLES
)  # fmt: skip


async def test_the_amplification_query_is_refused_before_it_runs(client: GraphQLClient) -> None:
    assert len(AMPLIFIED.encode()) < 700
    errors = await refused(client, AMPLIFIED)
    assert [error["extensions"] for error in errors] == [{"code": "BAD_USER_INPUT"}] * len(errors)
    assert any("objects" in str(error["message"]) for error in errors)


@pytest.mark.parametrize(
    "query",
    [
        # Inline fragments instead of named ones.
        "{ "
        + " ".join(
            f"p{n}: todos(first: 100) {{ ... on TodoConnection {{ "
            + " ".join(f"n{m}: nodes {{ ... on Todo {{ id title }} }}" for m in range(10))
            + " } }"
            for n in range(10)
        )
        + " }",
        # last instead of first, a fragment spread many times from another.
        "{ a: todos(last: 100) { ...M } b: todos(last: 100) { ...M } } "
        "fragment M on TodoConnection { "
        + " ".join(f"e{n}: edges {{ node {{ id }} }}" for n in range(10))
        + " }",
        # A variable for the page: counted as the largest page.
        "query($n: Int) { "
        + " ".join(
            f"p{n}: todos(first: $n) {{ nodes {{ id }} edges {{ node {{ id }} }} }}"
            for n in range(5)
        )
        + " }",
    ],
    ids=["inline fragments", "last and a fragment spread often", "a variable page"],
)
async def test_variations_of_the_amplification_are_refused(
    client: GraphQLClient, query: str
) -> None:
    errors = await refused(client, query)
    assert any("objects" in str(error["message"]) for error in errors)


async def test_a_fragment_bomb_is_counted_in_full_and_refused(client: GraphQLClient) -> None:
    # Each fragment spreads the next ten times: 10^6 titles, counted without expanding them all.
    fragments = " ".join(
        f"fragment F{n} on Todo {{ "
        + " ".join(f"a{m}: title" if n == 5 else f"...F{n + 1}" for m in range(10))
        + " }"
        for n in range(6)
    )
    errors = await refused(client, "{ todos(first: 1) { nodes { ...F0 } } } " + fragments)
    assert any("selects 1000002 fields" in str(error["message"]) for error in errors), errors


async def test_the_amplification_is_refused_over_get_and_in_a_batch(
    app_client: AppClient,
) -> None:
    async with app_client(max_batch_operations=5) as client:
        response = await client.http.get("/graphql", params={"query": AMPLIFIED})
        assert response.json()["data"] is None
        assert "objects" in response.text
        batch = [{"query": "{ todoStats { total } }"}, {"query": AMPLIFIED}]
        answers = (await client.http.post("/graphql", json=batch)).json()
        assert answers[0]["data"] == {"todoStats": {"total": 0}}
        assert answers[1]["data"] is None
        assert any("objects" in error["message"] for error in answers[1]["errors"])


async def test_a_todomvc_page_of_100_and_the_readme_examples_still_run(
    client: GraphQLClient,
) -> None:
    for n in range(3):
        await client.create(f"t{n}")
    page = """query Page($after: String) {
      todos(first: 100, after: $after, filter: {completed: false}, sort: [{field: ORDER}]) {
        totalCount nodes { id title completed order version createdAt updatedAt }
        edges { cursor node { id } } pageInfo { hasNextPage endCursor }
      }
      todoStats { total completed active }
    }"""
    data = await client.data(page)
    assert len(data["todos"]["nodes"]) == 3
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    examples = readme.split("## Trying it in GraphiQL", 1)[1].split("```graphql", 1)[1]
    for operation in ("query List", "mutation ClearCompleted"):
        document = operation + examples.split(operation, 1)[1].split("\n}\n", 1)[0] + "\n}"
        assert "errors" not in await client.post(document)
