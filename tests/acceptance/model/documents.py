"""What the clients of the model test send: the GraphQL documents, words for titles, needles for
filters, titles the rules refuse, and an ID no todo has."""

from __future__ import annotations

from tests.acceptance.model.records import global_id

TODO = "id title completed order version"
CREATE = f"""mutation Create($input: CreateTodoInput!) {{
  createTodo(input: $input) {{ __typename ... on Todo {{ {TODO} }} }}
}}"""
UPDATE = f"""mutation Update($id: ID!, $input: UpdateTodoInput!) {{
  updateTodo(id: $id, input: $input) {{
    __typename ... on Todo {{ {TODO} }} ... on VersionConflictError {{ current {{ {TODO} }} }}
  }}
}}"""
DELETE = """mutation Delete($id: ID!, $version: Int) {
  deleteTodo(id: $id, expectedVersion: $version) { __typename ... on DeletedTodo { id } }
}"""
SET_COMPLETED = f"""mutation Set($completed: Boolean!, $filter: TodoFilter) {{
  setTodosCompleted(completed: $completed, filter: $filter) {{ affectedCount todos {{ {TODO} }} }}
}}"""
DELETE_MATCHING = """mutation Clear($filter: TodoFilter) {
  deleteTodos(filter: $filter) { affectedCount deletedIds }
}"""
READ = f"""query Read($id: ID!, $filter: TodoFilter) {{
  todo(id: $id) {{ {TODO} }}
  todos(first: 10, filter: $filter) {{ totalCount nodes {{ {TODO} }} }}
  todoStats {{ total completed active }}
}}"""

WORDS = ("milk", "Bread", "EGGS", "tea", "Café", "🍣", "100%", "a_b", "Kırmızı", "漢字")  # noqa: RUF001
NEEDLES = ("milk", "MILK", "bread", "eggs", "tea", "100%", "a_b")
BAD_TITLES = ("", "   ", "x" * 257, "lone \ud800 surrogate", "\t\n")
UNKNOWN_ID = global_id(2_000_000_000)
