"""The differential test of the fast path (graph/fast/): for many generated requests over
generated data sets, on each database, the same status and the same bytes as the plain path; and
every request the plain path answers without errors is answered by the fast path itself."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest
from tortoise import connections

from graph.ids import todo_global_id
from models import Todo
from tests.databases import seed_todos
from tests.graph.documents import Documents, Request
from tests.graph.fast.conftest import Paths

QUERIES_PER_DATA_SET = 150
MUTATIONS = 80
FROZEN_NOW = datetime(2026, 11, 28, 12, 0, 0, 123456, tzinfo=UTC)


async def known(paths: Paths) -> tuple[list[str], list[str]]:
    """The IDs of the todos, and cursors of pages in several sorts and filters."""
    ids: list[int] = await Todo.all().order_by("id").values_list("id", flat=True)  # type: ignore[assignment]
    cursors: list[str] = []
    for arguments in (
        "first: 3",
        "last: 2",
        "first: 2, filter: {completed: false}",
        "first: 2, sort: [{field: TITLE, direction: DESC}]",
        "first: 4, sort: [{field: UPDATED_AT}, {field: ORDER, direction: DESC}]",
    ):
        query = f"{{ todos({arguments}) {{ edges {{ cursor node {{ id }} }} }} }}"
        _, body = await paths.send(Request(query), fast=False)
        cursors += [part.split('"')[0] for part in body.decode().split('"cursor":"')[1:]]
    return [todo_global_id(pk) for pk in ids], cursors


@pytest.mark.parametrize("size", [0, 7, 60])
async def test_queries_answer_as_the_plain_path_does(paths: Paths, size: int) -> None:
    rng = random.Random(size)
    await seed_todos(rng, size)
    ids, cursors = await known(paths)
    documents = Documents(rng, ids, cursors)
    answered = [await paths.compare(documents.query()) for _ in range(QUERIES_PER_DATA_SET)]
    # Most generated requests are valid: the fast path must have served them.
    assert sum(answered) > QUERIES_PER_DATA_SET / 2


async def test_mutations_answer_as_the_plain_path_does(
    paths: Paths, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both paths must see the same clock and the same rows, so each starts from the same state.
    from tortoise import timezone

    import todos.commands

    monkeypatch.setattr(timezone, "now", lambda: FROZEN_NOW)
    monkeypatch.setattr(todos.commands, "now", lambda: FROZEN_NOW)
    rng = random.Random(42)
    await seed_todos(rng, 6)
    rows = await Todo.all().order_by("id").values()
    ids = [todo_global_id(row["id"]) for row in rows]

    async def restore() -> None:
        await Todo.all().delete()
        await Todo.bulk_create([Todo(**row) for row in rows])
        await _reset_ids(database, max(row["id"] for row in rows))

    documents = Documents(rng, ids, [])
    answered = [await paths.compare(documents.mutation(), restore) for _ in range(MUTATIONS)]
    assert sum(answered) > MUTATIONS / 2


@pytest.mark.parametrize(
    ("failure", "code", "status"),
    [
        (RuntimeError("a bug, at 10.0.0.7"), b"INTERNAL_SERVER_ERROR", 200),
        (ConnectionError("the database went away at 10.0.0.7"), b"SERVICE_UNAVAILABLE", 503),
    ],
)
async def test_a_failing_mutation_is_reported_as_the_plain_path_reports_it(
    paths: Paths, monkeypatch: pytest.MonkeyPatch, failure: Exception, code: bytes, status: int
) -> None:
    import todos.commands

    async def broken(*_: Any) -> None:
        raise failure

    monkeypatch.setattr(todos.commands, "create", broken)
    request = Request('mutation { createTodo(input: {title: "x"}) { __typename } }')
    assert await paths.compare(request)
    answered_status, body = await paths.send(request, fast=True)
    assert b"10.0.0.7" not in body
    assert code in body
    assert answered_status == status


async def _reset_ids(database: str, last: int) -> None:
    """The next todo gets id `last + 1`, as after the first seeding."""
    connection = connections.get("default")
    if database == "mysql":
        await connection.execute_script(f"ALTER TABLE `todo` AUTO_INCREMENT = {last + 1}")
    else:
        await connection.execute_script(
            f"UPDATE sqlite_sequence SET seq = {last} WHERE name = 'todo'"
        )


@pytest.mark.parametrize(
    "body",
    [
        {"query": "{ todoStats { total } }", "operationName": ["Q"]},
        {"query": "{ todoStats { total } }", "operationName": {"name": "Q"}},
        {"query": "{ todoStats { total } }", "operationName": 1},
        {"query": "query Q { todoStats { total } }", "variables": ["x"]},
        {"query": ["{ todoStats { total } }"]},
    ],
)
async def test_requests_with_fields_of_the_wrong_type_are_refused_alike(
    paths: Paths, body: dict[str, Any]
) -> None:
    request = Request(body["query"], raw=body)
    status, _ = await paths.send(request, fast=True)
    assert status == 400
    await paths.compare(request)


async def test_calls_remembered_by_their_variables_are_those_variables_calls(
    paths: Paths,
) -> None:
    """The fast path keeps a plan's arguments by its scalar variables: a value of another type
    that compares equal (True, 1.0) is coerced, or refused, for itself."""
    await seed_todos(random.Random(3), 5)
    query = "query($n: Int, $after: String) { todos(first: $n, after: $after) { nodes { id } } }"
    answered = []
    for n in (1, 2, 1, True, 1.0, None, "1", 2**31, 1):
        answered.append(await paths.compare(Request(query, {"n": n, "after": None})))
    assert answered == [True, True, True, False, True, True, False, False, True]
