"""The running service, driven with the gql client over HTTP: the book's acceptance cases and the
contract's rules as a frontend meets them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from gql import GraphQLRequest
from gql.client import AsyncClientSession
from gql.transport.exceptions import TransportQueryError

pytestmark = pytest.mark.acceptance

TODO = "id title completed order version"
LIST = GraphQLRequest(
    f"""query List($filter: TodoFilter, $first: Int, $after: String) {{
      todos(filter: $filter, first: $first, after: $after) {{
        totalCount nodes {{ {TODO} }} pageInfo {{ hasNextPage endCursor }}
      }}
    }}"""
)
GET = GraphQLRequest(f"query Get($id: ID!) {{ todo(id: $id) {{ {TODO} }} }}")
CREATE = GraphQLRequest(
    f"""mutation Create($input: CreateTodoInput!) {{
      createTodo(input: $input) {{
        __typename ... on Todo {{ {TODO} }} ... on ValidationError {{ field message }}
      }}
    }}"""
)
UPDATE = GraphQLRequest(
    f"""mutation Update($id: ID!, $input: UpdateTodoInput!) {{
      updateTodo(id: $id, input: $input) {{
        __typename
        ... on Todo {{ {TODO} }}
        ... on ValidationError {{ field }}
        ... on NotFoundError {{ id }}
        ... on VersionConflictError {{ current {{ {TODO} }} }}
      }}
    }}"""
)
DELETE = GraphQLRequest(
    """mutation Delete($id: ID!, $expectedVersion: Int) {
      deleteTodo(id: $id, expectedVersion: $expectedVersion) {
        __typename ... on DeletedTodo { id } ... on NotFoundError { id }
      }
    }"""
)
SET_COMPLETED = GraphQLRequest(
    """mutation Set($completed: Boolean!, $filter: TodoFilter) {
      setTodosCompleted(completed: $completed, filter: $filter) { affectedCount }
    }"""
)
DELETE_MATCHING = GraphQLRequest(
    "mutation Clear($filter: TodoFilter) { deleteTodos(filter: $filter) { affectedCount } }"
)


async def run(session: AsyncClientSession, request: GraphQLRequest, **variables: Any) -> Any:
    return await session.execute(GraphQLRequest(request, variable_values=variables))


async def create(session: AsyncClientSession, title: str, **fields: Any) -> dict[str, Any]:
    todo: dict[str, Any] = (await run(session, CREATE, input={"title": title, **fields}))[
        "createTodo"
    ]
    assert todo["__typename"] == "Todo", todo
    return todo


async def listed(session: AsyncClientSession, **variables: Any) -> list[str]:
    return [todo["title"] for todo in (await run(session, LIST, **variables))["todos"]["nodes"]]


# The book's four acceptance cases.


def test_the_root_answers(http: httpx.Client) -> None:
    response = http.get("/")
    assert response.status_code == 200
    assert response.json()["graphql"].endswith("/graphql")


async def test_the_list_starts_empty(session: AsyncClientSession) -> None:
    assert (await run(session, LIST))["todos"] == {
        "totalCount": 0,
        "nodes": [],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    }


async def test_a_created_todo_reads_back_by_its_id(session: AsyncClientSession) -> None:
    todo = await create(session, "Walk the dog")
    assert (await run(session, GET, id=todo["id"]))["todo"]["title"] == "Walk the dog"


async def test_deleting_the_created_todo_empties_the_list(session: AsyncClientSession) -> None:
    todo = await create(session, "Walk the dog")
    deleted = (await run(session, DELETE, id=todo["id"]))["deleteTodo"]
    assert deleted == {"__typename": "DeletedTodo", "id": todo["id"]}
    assert await listed(session) == []


# The contract's rules.


async def test_an_invalid_title_is_refused_and_nothing_is_stored(
    session: AsyncClientSession,
) -> None:
    refused = (await run(session, CREATE, input={"title": "   "}))["createTodo"]
    assert (refused["__typename"], refused["field"]) == ("ValidationError", "title")
    assert await listed(session) == []


async def test_unknown_and_malformed_ids_are_not_found(session: AsyncClientSession) -> None:
    todo = await create(session, "Walk the dog")
    await run(session, DELETE, id=todo["id"])
    for missing in [todo["id"], "not-an-id"]:
        result = await run(session, UPDATE, id=missing, input={"completed": True})
        assert result["updateTodo"] == {"__typename": "NotFoundError", "id": missing}
        assert (await run(session, GET, id=missing))["todo"] is None


async def test_partial_update_and_version_conflict(session: AsyncClientSession) -> None:
    todo = await create(session, "Walk the dog", order=1)
    updated = (await run(session, UPDATE, id=todo["id"], input={"completed": True}))["updateTodo"]
    assert (updated["title"], updated["completed"], updated["order"]) == ("Walk the dog", True, 1)
    assert updated["version"] == 2
    stale = {"title": "Lost", "expectedVersion": 1}
    conflict = (await run(session, UPDATE, id=todo["id"], input=stale))["updateTodo"]
    current = {key: value for key, value in updated.items() if key != "__typename"}
    assert conflict == {"__typename": "VersionConflictError", "current": current}


async def test_paging_visits_every_todo_once(session: AsyncClientSession) -> None:
    titles = [f"todo {n}" for n in range(7)]
    for order, title in enumerate(titles):
        await create(session, title, order=order)
    seen: list[str] = []
    cursor = None
    while True:
        page = (await run(session, LIST, first=3, after=cursor))["todos"]
        seen += [todo["title"] for todo in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        cursor = page["pageInfo"]["endCursor"]
    assert seen == titles


async def test_bad_paging_arguments_are_bad_user_input(session: AsyncClientSession) -> None:
    bad: list[dict[str, Any]] = [{"first": -1}, {"after": "not-a-cursor"}]
    for arguments in bad:
        with pytest.raises(TransportQueryError) as raised:
            await run(session, LIST, **arguments)
        assert raised.value.errors
        assert raised.value.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_filters_and_bulk_mutations(session: AsyncClientSession) -> None:
    await create(session, "CAFÉ crème")
    await create(session, "Walk the dog")
    await create(session, "Buy cafe beans", completed=True)
    assert await listed(session, filter={"titleContains": "cafe"}) == [
        "CAFÉ crème",
        "Buy cafe beans",
    ]
    completed = await run(session, SET_COMPLETED, completed=True, filter={"titleContains": "CREME"})
    assert completed["setTodosCompleted"]["affectedCount"] == 1
    cleared = await run(session, DELETE_MATCHING, filter={"completed": True})
    assert cleared["deleteTodos"]["affectedCount"] == 2
    assert await listed(session) == ["Walk the dog"]


def test_health_reports_the_database(http: httpx.Client) -> None:
    response = http.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
