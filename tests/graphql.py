"""A small GraphQL-over-HTTP client for the in-process tests, and the documents they send."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import httpx

TODO_FIELDS = "__typename id title completed order version createdAt updatedAt"

CREATE = f"""
mutation Create($input: CreateTodoInput!) {{
  createTodo(input: $input) {{
    __typename
    ... on Todo {{ {TODO_FIELDS} }}
    ... on ValidationError {{ message field }}
  }}
}}"""

UPDATE = f"""
mutation Update($id: ID!, $input: UpdateTodoInput!) {{
  updateTodo(id: $id, input: $input) {{
    __typename
    ... on Todo {{ {TODO_FIELDS} }}
    ... on ValidationError {{ message field }}
    ... on NotFoundError {{ message id }}
    ... on VersionConflictError {{ message current {{ {TODO_FIELDS} }} }}
  }}
}}"""

DELETE = f"""
mutation Delete($id: ID!, $expectedVersion: Int) {{
  deleteTodo(id: $id, expectedVersion: $expectedVersion) {{
    __typename
    ... on DeletedTodo {{ id }}
    ... on NotFoundError {{ message id }}
    ... on VersionConflictError {{ message current {{ {TODO_FIELDS} }} }}
  }}
}}"""

SET_COMPLETED = """
mutation Set($completed: Boolean!, $filter: TodoFilter) {
  setTodosCompleted(completed: $completed, filter: $filter) {
    affectedCount todos { id completed version }
  }
}"""

DELETE_MATCHING = """
mutation Clear($filter: TodoFilter) { deleteTodos(filter: $filter) { affectedCount deletedIds } }
"""

GET = f"query Get($id: ID!) {{ todo(id: $id) {{ {TODO_FIELDS} }} }}"

LIST = f"""
query List($filter: TodoFilter, $sort: [TodoSort!], $first: Int, $after: String,
           $last: Int, $before: String) {{
  todos(filter: $filter, sort: $sort, first: $first, after: $after, last: $last,
        before: $before) {{
    totalCount
    nodes {{ {TODO_FIELDS} }}
    edges {{ cursor node {{ id }} }}
    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
  }}
}}"""


def persisted_query(document: str) -> dict[str, Any]:
    """The `extensions` of a persisted query (Apollo's APQ) naming `document` by its SHA-256."""
    digest = hashlib.sha256(document.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


@dataclass
class GraphQLClient:
    http: httpx.AsyncClient

    async def post(self, query: str, **variables: Any) -> dict[str, Any]:
        """The whole response body of a POST."""
        # ASCII JSON, as browsers may send it: escapes such as a lone "\ud800" reach the server.
        request = json.dumps({"query": query, "variables": variables})
        headers = {"content-type": "application/json"}
        response = await self.http.post("/graphql", content=request, headers=headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, **variables: Any) -> dict[str, Any]:
        """The data of a request that must succeed without errors."""
        body = await self.post(query, **variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def create(self, title: str, **fields: Any) -> dict[str, Any]:
        result: dict[str, Any] = (await self.data(CREATE, input={"title": title, **fields}))[
            "createTodo"
        ]
        assert result["__typename"] == "Todo", result
        return result
