"""A page's rows as the ORM builds their query: the reference todos/pagesql.py is held to
(tests/todos/test_pagesql.py), and the plainest statement of the keyset rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise.expressions import Case, Q, When
from tortoise.queryset import QuerySet

from models import Todo
from todos import owners
from todos.listing import Column, TodoFilter
from todos.written import NodeShape

# The key that sorts todos without an order last, computed (pagesql reads the indexed virtual
# column `order_missing` instead).
ORDER_MISSING = "order_is_null"


def to_q(todo_filter: TodoFilter) -> Q:
    q = Q()
    if todo_filter.completed is not None:
        q &= Q(completed=todo_filter.completed)
    search = todo_filter.search_text()
    if search is not None:
        q &= Q(search_key__contains=search)
    return q


def sortable(todo_filter: TodoFilter) -> QuerySet[Todo]:
    """The matching todos with the key that sorts todos without an order last."""
    # Tortoise's stubs leave out the plain values that When and Case take.
    order_missing = Case(When(order__isnull=True, then=1), default=0)  # type: ignore[arg-type]
    owned = Todo.filter(owner=owners.current())
    return owned.filter(to_q(todo_filter)).annotate(**{ORDER_MISSING: order_missing})


def ordering(columns: Sequence[Column], backwards: bool) -> list[str]:
    """The ORM's order_by keys for `columns`, reversed when `backwards`."""
    keys = []
    for column in columns:
        if column.nullable:
            keys.append(f"-{ORDER_MISSING}" if backwards else ORDER_MISSING)
        descending = column.descending != backwards
        keys.append(f"-{column.name}" if descending else column.name)
    return keys


async def rows(
    todo_filter: TodoFilter,
    columns: Sequence[Column],
    after: list[Any] | None,
    before: list[Any] | None,
    from_end: bool,
    limit: int,
    node_shape: NodeShape | None = None,
) -> list[Todo]:
    """listing.read_rows, through the ORM (which writes no nodes: `node_shape` is not used)."""
    query = sortable(todo_filter)
    if after is not None:
        query = query.filter(beyond_cursor(columns, after, backwards=False))
    if before is not None:
        query = query.filter(beyond_cursor(columns, before, backwards=True))
    return list(await query.order_by(*ordering(columns, from_end)).limit(limit))


def beyond_cursor(columns: Sequence[Column], values: list[Any], backwards: bool) -> Q:
    """Rows strictly after (or before) the cursor's row in the total order: a keyset condition."""
    alternatives: list[Q] = []
    for position, column in enumerate(columns):
        beyond = _beyond(column, values[position], backwards)
        if beyond is None:
            continue
        same_prefix = [_equal(columns[i], values[i]) for i in range(position)]
        alternatives.append(Q(*same_prefix, beyond) if same_prefix else beyond)
    if not alternatives:
        return Q(id__isnull=True)  # nothing lies beyond; id is never null
    return Q(*alternatives, join_type=Q.OR)


def _beyond(column: Column, value: Any, backwards: bool) -> Q | None:
    """Rows strictly after `value` in this column's order (before it when `backwards`)."""
    if column.nullable:
        # Nulls sort last whichever the direction.
        if value is None:
            return None if not backwards else _q(f"{column.name}__isnull", False)
        if not backwards:
            return _q(f"{column.name}__isnull", True) | _compare(column, value, greater=True)
        return _compare(column, value, greater=False)
    return _compare(column, value, greater=not backwards)


def _equal(column: Column, value: Any) -> Q:
    if value is None:
        return _q(f"{column.name}__isnull", True)
    return _q(column.name, value)


def _compare(column: Column, value: Any, greater: bool) -> Q:
    operator = "gt" if greater != column.descending else "lt"
    return _q(f"{column.name}__{operator}", value)


def _q(lookup: str, value: Any) -> Q:
    """A filter on a lookup built at run time, such as "order__gt"."""
    filters: dict[str, Any] = {lookup: value}
    return Q(**filters)
