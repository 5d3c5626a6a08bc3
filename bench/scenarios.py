"""The bench scenarios: the GraphQL request each sends to the service, the ceiling route that does
the same work, the table it runs on, and the targets of issue 6 that judge it."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

SMALL = "small"  # the 100-todo table
DEEP = "deep"  # the 100,000-todo table
SMALL_TODOS = 100
DEEP_TODOS = 100_000
DEEP_POSITION = 99_000

# What a TodoMVC screen asks for: the todos' fields, and where the next page starts.
LIST = (
    "query List($first: Int, $after: String, $completed: Boolean) { "
    "todos(first: $first, after: $after, filter: {completed: $completed}) { "
    "nodes { id title completed order version } pageInfo { hasNextPage endCursor } } }"
)
# The same list with totalCount: only counted (SQL statements), to see what totalCount costs.
LIST_WITH_COUNT = LIST.replace("pageInfo {", "totalCount pageInfo {")
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
# Pages backwards from the end of the deep table to the cursor at DEEP_POSITION.
BACKWARDS = (
    "query Back($before: String, $completed: Boolean) { "
    "todos(last: 100, before: $before, filter: {completed: $completed}) { "
    "edges { cursor node { id } } pageInfo { startCursor } } }"
)


def body(query: str, **variables: Any) -> str:
    return json.dumps({"query": query, "variables": variables}, ensure_ascii=False)


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    table: str  # SMALL or DEEP
    ceiling_path: str
    bodies: tuple[str, ...]
    writes: bool = False  # reads compare the service's and the ceiling's bytes; writes, shapes
    list_query: bool = False  # a list request: at most 2 SQL statements (issue 6)
    min_ratio: float | None = None  # the service's req/s over the ceiling's (issue 6)
    max_tail: float | None = None  # the service's p99 over its own p50 (issue 6)
    compare_to: str | None = None  # a scenario whose service req/s this one must stay near
    max_slowdown: float | None = None
    full_only: bool = False  # too slow for --quick


def scenarios(deep_cursor: str) -> list[Scenario]:
    creates = tuple(
        body(CREATE, title=f"Bench todo {i}: buy ÉCLAIRS", order=1000 + i) for i in range(100)
    )
    # Each todo of the small table completed, then each one active again: a real change each time.
    updates = tuple(
        body(UPDATE, id=_global_id(pk), completed=done)
        for done in (True, False)
        for pk in range(1, SMALL_TODOS + 1)
    )
    return [
        Scenario(
            "list10",
            "todos(first: 10)",
            SMALL,
            "/todos",
            (body(LIST, first=10),),
            list_query=True,
            min_ratio=0.5,
            max_tail=3.0,
        ),
        Scenario(
            "list100",
            "todos(first: 100)",
            SMALL,
            "/todos",
            (body(LIST, first=100),),
            list_query=True,
            min_ratio=0.4,
        ),
        Scenario("stats", "todoStats", SMALL, "/stats", (body(STATS),)),
        Scenario(
            "page1",
            "page 1 of 100 (completed: false)",
            SMALL,
            "/todos",
            (body(LIST, first=10, completed=False),),
            list_query=True,
        ),
        Scenario(
            "deep",
            f"page @{DEEP_POSITION:,} of {DEEP_TODOS:,} (completed: false)",
            DEEP,
            "/todos",
            (body(LIST, first=10, completed=False, after=deep_cursor),),
            list_query=True,
            compare_to="page1",
            max_slowdown=1.5,
        ),
        Scenario(
            "deep1",
            f"page 1 of {DEEP_TODOS:,} (completed: false)",
            DEEP,
            "/todos",
            (body(LIST, first=10, completed=False),),
            list_query=True,
            full_only=True,
        ),
        Scenario("create", "createTodo", SMALL, "/create", creates, writes=True, min_ratio=0.5),
        Scenario("update", "updateTodo", SMALL, "/update", updates, writes=True),
    ]


# Run together, interleaved round by round: the deep page is judged against page 1 of 100.
GROUPS = (
    ("list10",),
    ("list100",),
    ("stats",),
    ("page1", "deep", "deep1"),
    ("create",),
    ("update",),
)


def _global_id(pk: int) -> str:
    return base64.b64encode(f"Todo:{pk}".encode()).decode()
