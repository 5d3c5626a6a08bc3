"""Nodes the database writes (todos/written.py, graph/written.py): on MySQL the fast path splices
them into its answer, which must be the plain path's, byte for byte, whatever the titles, orders
and times; on SQLite the same documents are completed as before."""

# ruff: noqa: RUF001 (the dotless i of a Turkish title is one of the awkward titles)
from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import pytest

from models import Todo
from tests.graph.documents import Request
from tests.graph.fast.conftest import Paths
from todos import written
from todos.search import search_key

TITLES = (
    'say "hi"', "back\\slash", "tab\there", "new\nline", "\b\f\x0b\x0e\x1a\x1f\x7f", "nul\x00l",
    "\\u001F is text", "emoji 🍣🐶", "日本語のタイトル", "e\u0301 combining", "\u2028\u2029",
    "trailing space ", "100% a_b", "Kırmızı İstanbul", "Straße", "</script>&'", "x" * 256,
)  # fmt: skip
ORDERS = (None, -(2**31), -1, 0, 7, 2**31 - 1)
TIMES = (
    datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC),  # no fraction: isoformat() leaves it out
    datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
    datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
)
SELECTIONS = (
    "nodes { id title completed order version createdAt updatedAt }",
    "nodes { __typename t: title i: id title u: updatedAt } totalCount __typename",
    "nodes { order } pageInfo { hasNextPage endCursor startCursor }",
    "a: nodes { id } b: nodes { title } pageInfo { hasPreviousPage }",
    "nodes { ...F } edges { cursor node { id } }",
    "nodes { ... on Todo { completed createdAt } id: __typename }",
)
FRAGMENT = " fragment F on Todo { title order }"


@pytest.fixture
async def awkward(empty: str) -> str:
    """Todos of every awkward title, with every kind of order and time."""
    for index, (title, order, when) in enumerate(
        zip(TITLES, itertools.cycle(ORDERS), itertools.cycle(TIMES), strict=False)
    ):
        todo = await Todo.create(title=title, search_key=search_key(title), order=order)
        await Todo.filter(id=todo.id).update(
            created_at=when, updated_at=TIMES[index % 2], completed=index % 2 == 0, version=index
        )
    return empty


@pytest.mark.parametrize("selection", SELECTIONS)
async def test_written_nodes_are_the_plain_paths_bytes(
    paths: Paths, awkward: str, selection: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    nodes_written: list[bytes] = []
    as_written = written.as_written

    def counting(node: bytes) -> bytes:
        nodes_written.append(node)
        return as_written(node)

    monkeypatch.setattr(written, "as_written", counting)
    for arguments in ("", "(first: 5)", "(last: 3)", "(filter: {completed: true})"):
        query = f"{{ todos{arguments} {{ {selection} }} }}"
        query += FRAGMENT if "...F" in selection else ""
        assert await paths.compare(Request(query))
    # The database wrote them where it can: the comparison above was not of one path with itself.
    assert bool(nodes_written) == (awkward == "mysql")


async def test_a_page_read_for_one_selection_is_not_spliced_into_another(
    paths: Paths, awkward: str
) -> None:
    # Two lists of one page, the first asked of the database: the second is completed as usual.
    query = "{ todos(first: 4) { x: nodes { id } y: nodes { title order } } }"
    assert await paths.compare(Request(query))
    _, body = await paths.send(Request(query), fast=True)
    assert b'"y":[{"title":' in body


@pytest.mark.parametrize("accept", ["application/json", "application/graphql-response+json", "*/*"])
async def test_the_fast_lanes_headers_are_the_views(
    paths: Paths, awkward: str, accept: str
) -> None:
    # The fast lane sends its JSON without Strawberry's response objects: the same headers.
    request = Request("{ todos(first: 3) { nodes { id title } } }")
    fast = await paths.answer(request, fast=True, accept=accept)
    assert paths.answered[-1]
    assert fast == await paths.answer(request, fast=False, accept=accept)


def test_a_node_shape_takes_only_graphql_names() -> None:
    member: Any = written.Member.TITLE
    for key in ("a'b", 'a"b', "a b", "1a", ""):
        with pytest.raises(ValueError, match="GraphQL name"):
            written.NodeShape(((key, member),), "Todo", rows=False)
    with pytest.raises(ValueError, match="GraphQL name"):
        written.NodeShape((("t", member),), "To'do", rows=False)
