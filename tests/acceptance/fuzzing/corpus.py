"""What the cases are made of: valid documents (queries, a subscription, changes that must be
refused, creates), and odd values to put in them."""

from __future__ import annotations

import base64
from typing import Any

MAX_BODY_BYTES = 1_000_000  # the service's default


def global_id(node_id: str) -> str:
    return base64.b64encode(f"Todo:{node_id}".encode()).decode()


QUERIES = [
    "{ todos { totalCount nodes { id title completed order version createdAt updatedAt } "
    "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
    "query L($n: Int, $c: String) { todos(first: $n, after: $c, filter: {completed: false, "
    'titleContains: "sa"}, sort: [{field: TITLE, direction: DESC}, {field: ORDER}]) '
    "{ edges { cursor node { id title } } } }",
    "query O($i: ID!) { todo(id: $i) { id title version } node(id: $i) { id ... on Todo "
    "{ completed } } }",
    "{ todoStats { total completed active } __typename }",
    "query F { todos(last: 3) { nodes { ...T } } } fragment T on Todo { id title order }",
    "query D($s: Boolean!) { todos { totalCount @include(if: $s) nodes @skip(if: $s) { id } } }",
    "{ a: todoStats { total } b: todoStats { active } }",
]
SUBSCRIPTION = "subscription S { todoEvents { kind id todo { id version } } }"
# Valid changes: each must be refused when sent in a way that may not change state.
DESTRUCTIVE = [
    "mutation { deleteTodos { affectedCount } }",
    "mutation { setTodosCompleted(completed: true) { affectedCount } }",
    'mutation U($i: ID!) { updateTodo(id: $i, input: {title: "hijacked"}) { __typename } }',
    "mutation X($i: ID!) { deleteTodo(id: $i) { __typename } }",
    'mutation { createTodo(input: {title: "forged"}) { __typename } }',
    # Several operations and no operationName: an error, though Strawberry runs the first.
    "mutation B { deleteTodos { affectedCount } } query A { __typename }",
]
# Valid creates, the only changes the document fuzzer starts from (so that what it may change is
# exactly countable).
CREATES = [
    'mutation { createTodo(input: {title: "fuzz created", order: 3}) { __typename '
    "... on Todo { id title version } ... on ValidationError { field message } } }",
    "mutation C($t: String!, $o: Int) { createTodo(input: {title: $t, order: $o, "
    "completed: true}) { __typename ... on Todo { id } } }",
]
NOT_JSON_TYPES = [
    "application/x-www-form-urlencoded",
    "text/plain",
    "text/plain; charset=utf-8",
    "multipart/form-data; boundary=fuzz",
    "multipart/form-data",
    "application/graphql",
    "application/xml",
    "text/html",
    "*/*",
    "",
    "json",
    "application/x-json",
    "text/json",
]
INVALID_UTF8 = [
    b"\xff",
    b"\xc3\x28",
    b"\xed\xa0\x80",
    b"\xf8\x88\x80\x80\x80",
    b"\xc0\xaf",
    b"\x80",
]
BOMS = [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"]
HUGE_NUMBERS = [
    "1" + "0" * 10,
    "9" * 20,
    "-" + "9" * 400,
    "1" * 4301,
    "7" * 10_000,
    "1e308",
    "1e309",
    "-1e309",
    "1e-400",
    "NaN",
    "Infinity",
    "-0",
    "0.0000000000000000000001",
]
JSON_VALUES: list[Any] = [None, True, False, 0, -1, 1.5, "", "query", [], [1], {}, {"a": {}}]
