"""The bench as data: the todos of its two tables, and its scenarios (what each posts to the
service, the ceiling route doing the same work, the table, and the targets of issue 6)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from bench.ceiling import cursor, fingerprint, global_id
from graph.persisted import manifest
from tests.graphql import persisted_query
from todos.search import search_key

SMALL, DEEP, USERS = "small", "deep", "users"
# The deep table has no null orders, the small one some; USERS: the small one's, a user's (jwt).
TODOS = {SMALL: 100, DEEP: 100_000, USERS: 100}
OWNERS = {USERS: "bench-user"}
SECRET = "the-bench-signs-its-users-tokens-with-this-secret"
TOKENS = {table: jwt.encode({"sub": user, "exp": 2**31}, SECRET) for table, user in OWNERS.items()}
DEEP_POSITION = 99_000
START = datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None)
TITLES = ("Walk the dog", "Buy milk and ÉCLAIRS", "Café au lait with Zoë", "Read chapter {i}",
          "Call the plumber", "Renew the passport 🛂", "Water the plants")  # fmt: skip

# What a TodoMVC screen asks for: the todos' fields, and where the next page starts.
LIST = (
    "query List($first: Int, $after: String, $completed: Boolean) { "
    "todos(first: $first, after: $after, filter: {completed: $completed}) { "
    "nodes { id title completed order version } pageInfo { hasNextPage endCursor } } }"
)
STATS = "query Stats { todoStats { total completed active } }"
CREATE = (
    "mutation Create($title: String!, $order: Int) { "
    "createTodo(input: {title: $title, order: $order}) { "
    "__typename ... on Todo { id title completed order version } } }"
)
UPDATE = (
    "mutation Update($id: ID!, $completed: Boolean) { "
    "updateTodo(id: $id, input: {completed: $completed}) { "
    "__typename ... on Todo { id completed version } } }"
)


def todo_row(i: int, table: str) -> tuple[Any, ...]:
    """Todo `i` (also its id, and its place in the default sort): the values of load.COLUMNS."""
    owner, table = OWNERS.get(table, ""), SMALL if table == USERS else table
    title = f"{TITLES[i % len(TITLES)].format(i=i)} #{i}"
    stamp = START + timedelta(seconds=i, microseconds=(i * 7919) % 1_000_000)  # naive UTC
    small = table == SMALL
    order = None if small and i % 20 == 0 else i  # a null order sorts after the others
    completed = i % 3 == 0 if small else i % 10 == 5
    return (i, title, search_key(title), completed, order, 1, stamp, stamp, owner)


def body(query: str, **variables: Any) -> str:
    """A GraphQL POST body, which the ceiling's routes take too."""
    return json.dumps({"query": query, "variables": variables}, ensure_ascii=False)


def deep_cursor() -> str:
    """The service's cursor after the todo at DEEP_POSITION of the deep table, filtered."""
    pk, _, _, _, order, _, created_at, *_ = todo_row(DEEP_POSITION, DEEP)
    return cursor(fingerprint(False), order, created_at, pk)


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    table: str
    path: str  # the ceiling's route
    bodies: tuple[str, ...]  # posted in turn
    writes: bool = False  # the answers compared by JSON shape, the table reseeded after each run
    max_sql: int | None = None  # targets: SQL statements per request,
    min_ratio: float | None = None  # the service's req/s over the ceiling's,
    max_tail: float | None = None  # its p99 over its p50,
    near: tuple[str, float] | None = None  # at most this much slower than another scenario


MANIFEST = manifest({"List": LIST})  # trusted documents (PERSISTED_DOCUMENTS), run by hash
_BY_HASH = json.dumps({"variables": {"first": 10}, "extensions": persisted_query(LIST)})
_PAGE1 = body(LIST, first=10, completed=False)
_CREATES = tuple(body(CREATE, title=f"Bench todo {i}: ÉCLAIRS", order=1000 + i) for i in range(100))
# Each todo of the small table completed, then active again: a real change each time.
_UPDATES = tuple(body(UPDATE, id=global_id(pk), completed=done)
                 for done in (True, False) for pk in range(1, TODOS[SMALL] + 1))  # fmt: skip
SCENARIOS = (
    Scenario("list10", "todos(first: 10)", SMALL, "/todos", (body(LIST, first=10),),
             max_sql=2, min_ratio=0.5, max_tail=3.0),
    Scenario("list10hash", "todos(first: 10), by its hash", SMALL, "/todos", (_BY_HASH,),
             max_sql=2, near=("list10", 1.1)),
    Scenario("list100", "todos(first: 100)", SMALL, "/todos", (body(LIST, first=100),),
             max_sql=2, min_ratio=0.4),
    Scenario("stats", "todoStats", SMALL, "/stats", (body(STATS),)),
    Scenario("page1", "page 1 of 100 (completed: false)", SMALL, "/todos", (_PAGE1,), max_sql=2),
    Scenario("deep", f"page @{DEEP_POSITION:,} of 100,000 (completed: false)", DEEP, "/todos",
             (body(LIST, first=10, completed=False, after=deep_cursor()),),
             max_sql=2, near=("page1", 1.5)),
    Scenario("deep1", "page 1 of 100,000 (completed: false)", DEEP, "/todos", (_PAGE1,),
             max_sql=2),
    Scenario("list10jwt", "todos(first: 10), AUTH_MODE=jwt", USERS, "/todos",
             (body(LIST, first=10),), max_sql=2, near=("list10", 1 / 0.85)),
    Scenario("create", "createTodo", SMALL, "/create", _CREATES, writes=True, min_ratio=0.5),
    Scenario("update", "updateTodo", SMALL, "/update", _UPDATES, writes=True),
)  # fmt: skip
