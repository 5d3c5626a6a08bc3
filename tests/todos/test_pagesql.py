"""todos/pagesql.py against the ORM: the same pages, cursors and refusals for generated filters,
sorts and cursors (nulls included) over generated data, on each database."""

from __future__ import annotations

import random
from typing import Any
from unittest.mock import patch

import pytest

from models import Todo
from tests.databases import seed_todos
from tests.todos import ormpages
from todos import listing, owners, pagesql, written
from todos.errors import BadInput
from todos.rows import TodoRow
from todos.written import Member, NodeShape

CASES = 300
# Rows read with the nodes the database writes (MySQL), their columns unpacked when first read.
WRITTEN = NodeShape((("id", Member.ID), ("title", Member.TITLE)), "Todo", rows=True)
WORDS = ("café", "CAFE", "noir", "ß", "ss", "%", "_", "\\", "Ω", "", "1", "zz")


def snapshot(todo: Todo | TodoRow) -> tuple[Any, ...]:
    return (
        todo.id, todo.title, todo.completed, todo.order, todo.version, todo.created_at,
        todo.updated_at,
    )  # fmt: skip


async def page(through_orm: bool, *arguments: Any) -> Any:
    """A page as comparable values, or the refusal's message."""
    try:
        rows = ormpages.rows if through_orm else listing.read_rows
        with patch.object(listing, "read_rows", rows):
            result = await listing.fetch_page(*arguments)
    except BadInput as error:
        return str(error)
    flags = (result.has_next_page, result.has_previous_page)
    return (
        [snapshot(todo) for todo in result.todos],
        [result.cursor(t) for t in result.todos],
        flags,
    )


def arguments(rng: random.Random, cursors: list[str]) -> tuple[Any, ...]:
    todo_filter = listing.TodoFilter(
        completed=rng.choice([None, True, False]),
        title_contains=rng.choice([None, *WORDS]),
    )
    fields = rng.sample(list(listing.SortField), rng.randint(0, len(listing.SortField)))
    sort = [listing.SortKey(field, rng.choice(list(listing.SortDirection))) for field in fields]
    size = rng.choice([None, 0, 1, 2, 5, 50, 150])
    backwards = rng.random() < 0.4
    cursor = rng.choice(cursors) if cursors and rng.random() < 0.7 else None
    request = listing.PageRequest(
        first=None if backwards else size,
        last=size if backwards else None,
        after=None if backwards else cursor,
        before=cursor if backwards else None,
    )
    return todo_filter, sort, request


@pytest.mark.parametrize("size", [0, 9, 70])
@pytest.mark.parametrize("with_nodes", [False, True])
async def test_pages_are_the_orms_pages(empty: str, size: int, with_nodes: bool) -> None:
    rng = random.Random(size)
    await seed_todos(rng, size)
    cursors: list[str] = []
    case = arguments(rng, cursors)
    for _ in range(CASES):
        expected = await page(True, *case)
        if with_nodes:
            with written.requesting(WRITTEN):
                assert await page(False, *case) == expected, case
        else:
            assert await page(False, *case) == expected, case
        if not isinstance(expected, str) and expected[1] and rng.random() < 0.7:
            # On from any todo of this page, either way: the same filter and sort, new cursors.
            todo_filter, sort, _ = case
            cursor = rng.choice(expected[1])
            size = rng.choice([1, 3, 50])
            if rng.random() < 0.5:
                case = todo_filter, sort, listing.PageRequest(first=size, after=cursor)
            else:
                case = todo_filter, sort, listing.PageRequest(last=size, before=cursor)
        else:
            cursors = (cursors + ([] if isinstance(expected, str) else expected[1]))[-40:]
            case = arguments(rng, cursors)
    await Todo.all().delete()


@pytest.mark.parametrize("completed", [None, False])
async def test_the_default_sort_reads_an_index_in_order(empty: str, completed: bool | None) -> None:
    # Without the index on the virtual order_missing column, the first page sorted the whole table
    # (50 ms on 100,000 todos). Enough todos that the planner prefers the index to a sort.
    await Todo.all().delete()
    await Todo.bulk_create(
        [
            Todo(title="t", search_key="t", completed=i % 2 == 0, order=None if i % 7 else i)
            for i in range(5000)
        ],
        batch_size=1000,
    )
    if empty == "mysql":
        await Todo._meta.db.execute_query("ANALYZE TABLE `todo`")
    columns = tuple(listing.sort_columns(listing.DEFAULT_SORT))
    # On MySQL, a page read with the nodes the database writes reads the same index.
    for nodes in (None, WRITTEN) if empty == "mysql" else (None,):
        filtered = completed is not None
        shape = pagesql.Shape(empty, filtered, False, columns, None, None, False, nodes)
        sql, values = pagesql.query(shape, owners.NOBODY, completed, None, None, None, 11)
        explain = "EXPLAIN" if empty == "mysql" else "EXPLAIN QUERY PLAN"
        plan = str(await Todo._meta.db.execute_query_dict(f"{explain} {sql}", values))
        assert "order_missing" in plan
        assert "filesort" not in plan
        assert "TEMP B-TREE" not in plan
    await Todo.all().delete()
