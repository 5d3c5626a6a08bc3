"""todos/rows.py: a row's values as the ORM reads them (whole pages of both: test_pagesql.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from models import Todo
from todos import commands, listing
from todos.rows import TodoRow, aware

NOON = datetime(2026, 12, 1, 12, 0, 0, 123456)


def test_times_are_utc_whatever_the_database_hands_back() -> None:
    expected = NOON.replace(tzinfo=UTC)
    assert aware(NOON) == expected  # MySQL's naive DATETIME
    assert aware("2026-12-01 12:00:00.123456+00:00") == expected  # SQLite's text
    assert aware(expected.astimezone(timezone(timedelta(hours=2)))).tzinfo is UTC


def test_a_row_of_each_database() -> None:
    mysql = TodoRow(
        {"id": 7, "title": "Milk", "completed": 1, "order": None, "version": 2,
         "created_at": NOON, "updated_at": NOON, "search_key": b"milk"},
        keyed=True,
    )  # fmt: skip
    assert (mysql.completed, mysql.search_key, mysql.order) == (True, "milk", None)
    sqlite = TodoRow(
        {"id": 7, "title": "Milk", "completed": 0, "order": 3, "version": 1,
         "created_at": "2026-12-01 12:00:00.123456+00:00", "updated_at": NOON}
    )  # fmt: skip
    assert (sqlite.completed, sqlite.search_key, sqlite.created_at.tzinfo) == (False, None, UTC)


# Titles that JSON escapes (on MySQL a page's rows come as JSON objects), and text past the BMP.
AWKWARD = [
    'say "hi"',
    "back\\slash",
    "tab\there",
    "line\u2028sep",
    "🐶 dog 漢字",
    "é" * 256,
    "\x7f",
]


async def test_a_page_returns_every_title_exactly(empty: str) -> None:
    created = [await commands.create(title, order=n) for n, title in enumerate(AWKWARD)]
    assert all(isinstance(todo, Todo) for todo in created)
    page = await listing.fetch_page(listing.TodoFilter(), None, listing.PageRequest(first=50))
    assert [todo.title for todo in page.todos] == AWKWARD
    stored = {todo.id: todo for todo in await Todo.all()}  # as the ORM reads them
    for row in page.todos:
        model = stored[row.id]
        assert (row.completed, row.order, row.version) == (model.completed, model.order, 1)
        assert (row.created_at, row.updated_at) == (model.created_at, model.updated_at)
