"""The todos a page's `nodes` shows, as the database writes them (todos/written.py): the form the
fast path offers a document's selection to (graph/fast/written.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from graphql import FieldNode

from todos import written
from todos.written import Member, NodeShape

# The Todo fields a written node can show, by their GraphQL names.
MEMBERS = {
    "id": Member.ID,
    "title": Member.TITLE,
    "completed": Member.COMPLETED,
    "order": Member.ORDER,
    "version": Member.VERSION,
    "createdAt": Member.CREATED_AT,
    "updatedAt": Member.UPDATED_AT,
    "__typename": Member.TYPENAME,
}
# What a connection may select beside its nodes without needing the rows' columns (cursors, or
# another selection of nodes, which is completed from them).
WITHOUT_ROWS = frozenset({"totalCount", "__typename"})


class WrittenTodos:
    """The written form of TodoConnection.nodes."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def request(
        self, leaves: Sequence[tuple[str, str]], siblings: Mapping[str, list[FieldNode]]
    ) -> NodeShape | None:
        members = []
        for key, name in leaves:
            member = MEMBERS.get(name)
            if member is None:
                return None
            members.append((key, member))
        names = [fields[0].name.value for fields in siblings.values()]
        rows = names.count("nodes") > 1 or any(n not in WITHOUT_ROWS | {"nodes"} for n in names)
        return NodeShape(tuple(members), self.type_name, rows)

    def requesting(self, request: NodeShape) -> AbstractContextManager[None]:
        return written.requesting(request)

    def written(self, source: Any, request: NodeShape) -> list[bytes] | None:
        page = source.page
        if page.written != request:
            return None
        return [todo.written for todo in page.todos]
