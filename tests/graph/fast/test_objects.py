"""graph/fast/objects.py: the function written for a selection completes as the loop does."""

from __future__ import annotations

import operator
from types import SimpleNamespace
from typing import Any

import pytest
from graphql import GraphQLBoolean, GraphQLError, GraphQLID, GraphQLInt, GraphQLString

from graph.fast import leaves
from graph.fast.objects import Entry, _looping, _written


class GiveUp(Exception):
    pass


def entry(key: str, attribute: str, leaf: Any, exact: type | None, plain: bool = True) -> Entry:
    getter = operator.attrgetter(attribute)
    complete = leaves.required(leaf, GiveUp)
    return Entry(key, getter, complete, False, attribute if plain else None, exact)


ENTRIES = [
    entry("id", "id", GraphQLID, str),
    entry("name", "title", GraphQLString, str),  # an alias
    entry("done", "completed", GraphQLBoolean, bool),
    entry("order", "order", GraphQLInt, None),
    entry("again", "title", GraphQLString, str, plain=False),  # through its getter
    Entry("__typename", lambda _source: "Todo", lambda value, _pending: value, False),
]


@pytest.mark.parametrize(
    "values",
    [
        {"id": "VG9kbzox", "title": "milk", "completed": True, "order": 3},
        {"id": 7, "title": "é ☕", "completed": 0, "order": 2**31 - 1},  # serialized, not as is
        {"id": "x", "title": 12, "completed": False, "order": True},
    ],
)
def test_the_written_function_answers_as_the_loop(values: dict[str, Any]) -> None:
    source = SimpleNamespace(**values)
    written, looping = _written(ENTRIES), _looping(ENTRIES)
    assert written(source, []) == looping(source, [])
    assert list(written(source, [])) == ["id", "name", "done", "order", "again", "__typename"]
    assert written(None, []) is None


@pytest.mark.parametrize("broken", [{"title": None}, {"order": 2**31}, {"completed": "yes"}])
def test_what_the_loop_refuses_the_written_function_refuses(broken: dict[str, Any]) -> None:
    values = {"id": "1", "title": "milk", "completed": True, "order": 1} | broken
    source = SimpleNamespace(**values)
    with pytest.raises((GiveUp, GraphQLError)) as looped:
        _looping(ENTRIES)(source, [])
    with pytest.raises(type(looped.value)):
        _written(ENTRIES)(source, [])
