"""Text compares the same on every database: titleContains and the TITLE sort, against a Python
reference (the folded key, compared code point by code point, with no padding) over a generated
corpus, through the list, its count and the bulk changes."""

# ruff: noqa: RUF001 (a dotless i that looks like "i" is the point: it must not match one)

from __future__ import annotations

import random

import pytest

from models import Todo
from todos import commands, counts, listing
from todos.rows import TodoRow
from todos.search import fold, search_key

# Pieces that trip collations: emoji (all equal under utf8mb4_general_ci), CJK, Turkish dotted and
# dotless i, German ß, combining marks, tabs and trailing spaces (PAD SPACE collations), LIKE's
# wildcards and its escape character.
PIECES = (
    "🍣", "🐶", "😀", "👩🏽‍💻", "漢字", "かな", "Kırmızı", "kirmizi", "İstanbul", "ı", "i", "I",
    "Straße", "STRASSE", "ss", "é", "e\u0301", "\u0301", "milk", "Milk", "\t", " ", "  ",
    "%", "_", "\\", "a%b", "a_b", "ab", "elma", "Ω", "ω", "ﬁ", "fi",
)  # fmt: skip


def corpus(rng: random.Random, count: int) -> list[str]:
    titles = {"milk", "milk\tbread", "milk bread", "milk ", "Kırmızı elma", "🐶 dog", "🍣"}
    while len(titles) < count:
        title = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 4))).strip()
        if title:
            titles.add(title)
    return sorted(titles)


def contains(needle: str, title: str) -> bool:
    """The reference for titleContains."""
    return fold(needle) in search_key(title)


def title_order(todo: Todo) -> tuple[bytes, int]:
    """The reference for the TITLE sort: the key's UTF-8 bytes (code point order), then the id."""
    return search_key(todo.title).encode(), todo.id


@pytest.fixture
async def todos(empty: str) -> list[Todo]:
    created = []
    for title in corpus(random.Random(7), 60):
        todo = await commands.create(title)
        assert isinstance(todo, Todo)
        created.append(todo)
    return created


async def every_page(todo_filter: listing.TodoFilter, sort: list[listing.SortKey]) -> list[TodoRow]:
    todos: list[TodoRow] = []
    after = None
    while True:
        page = await listing.fetch_page(
            todo_filter, sort, listing.PageRequest(first=7, after=after)
        )
        todos += page.todos
        if not page.has_next_page:
            return todos
        after = page.cursor(page.todos[-1])


NEEDLES = ("🍣", "🐶", "kirmizi", "kırmızı", "ı", "i", "İ", "ss", "ß", "é", "e", "\t", " ", "%",
           "_", "\\", "a%b", "a_b", "fi", "milk ", "漢", "👩🏽")  # fmt: skip


@pytest.mark.parametrize("needle", NEEDLES)
async def test_title_contains_is_the_references_on_every_database(
    todos: list[Todo], needle: str
) -> None:
    todo_filter = listing.TodoFilter(title_contains=needle)
    expected = sorted(todo.id for todo in todos if contains(needle, todo.title))
    listed = await every_page(todo_filter, [listing.SortKey(listing.SortField.TITLE)])
    assert sorted(todo.id for todo in listed) == expected
    assert await counts.count(todo_filter) == len(expected)


async def test_the_collations_false_friends_do_not_match(todos: list[Todo]) -> None:
    # Each of these matched on MariaDB under the connection's utf8mb4_general_ci.
    def titles(needle: str) -> set[str]:
        return {todo.title for todo in todos if contains(needle, todo.title)}

    assert "🐶 dog" not in titles("🍣")
    assert "Kırmızı elma" not in titles("kirmizi")
    assert "milk" not in titles("ı")
    for needle, title in (("🍣", "🐶 dog"), ("kirmizi", "Kırmızı elma"), ("ı", "milk")):
        page = await every_page(listing.TodoFilter(title_contains=needle), [])
        assert title not in {todo.title for todo in page}


@pytest.mark.parametrize("direction", list(listing.SortDirection))
async def test_the_title_sort_is_the_references_on_every_database(
    todos: list[Todo], direction: listing.SortDirection
) -> None:
    sort = [listing.SortKey(listing.SortField.TITLE, direction)]
    listed = await every_page(listing.TodoFilter(), sort)
    # The key in the direction asked for, ties by primary key ascending (a stable sort keeps it).
    by_id = sorted(todos, key=lambda todo: todo.id)
    descending = direction is listing.SortDirection.DESC
    expected = sorted(by_id, key=lambda todo: title_order(todo)[0], reverse=descending)
    assert [todo.id for todo in listed] == [todo.id for todo in expected]
    titles = [todo.title for todo in listed]
    if direction is listing.SortDirection.ASC:
        # No padding: "milk" comes before "milk" and a tab, and before "milk" and a space.
        assert titles.index("milk") < titles.index("milk\tbread") < titles.index("milk bread")


@pytest.mark.parametrize("needle", ["🍣", "kirmizi", "ı", "%", "_", "milk "])
async def test_bulk_changes_touch_exactly_the_references_todos(
    todos: list[Todo], needle: str
) -> None:
    todo_filter = listing.TodoFilter(title_contains=needle)
    expected = sorted(todo.id for todo in todos if contains(needle, todo.title))
    completed = await commands.set_completed(True, todo_filter)
    assert sorted(todo.id for todo in completed) == expected
    deleted = await commands.delete_matching(todo_filter)
    assert sorted(deleted) == expected
