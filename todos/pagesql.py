"""The SQL of a page of todos, written once per shape (which filters, which sort, which cursor
values are null) and reused with new values: building it through the ORM each time costs more
than running it. It asks for what Tortoise's query for the same page asks for, sorting on the
indexed virtual column where Tortoise computes the same key (tests/todos/ormpages.py keeps that
road as the reference; tests/todos/test_pagesql.py compares the two)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from todos.sql import DIALECTS, Dialect, like_pattern, where
from todos.written import NodeShape, node_sql

if TYPE_CHECKING:  # listing imports this module: the column type is needed for checking only
    from todos.listing import Column

# The virtual column (`order` IS NULL) that sorts todos without an order last, the first part of
# the default sort's indexes (migrations 1_..._order_missing_index).
ORDER_MISSING = "order_missing"
WRITTEN = "node"  # the column of the node the database writes


class Shape(NamedTuple):
    dialect: str  # "mysql" or "sqlite"
    completed: bool  # filtered on completed
    contains: bool  # filtered on the title
    columns: tuple[Column, ...]
    after_nulls: tuple[bool, ...] | None  # which values of the `after` cursor are null
    before_nulls: tuple[bool, ...] | None
    from_end: bool  # `last`: read backwards, then reversed
    written: NodeShape | None = None  # each row as the node the database writes (MySQL only)

    @property
    def keyed(self) -> bool:
        """Whether the rows carry the folded title: the TITLE sort's cursors hold it."""
        return any(column.name == "search_key" for column in self.columns)


@functools.lru_cache(maxsize=512)
def _statement(shape: Shape) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """The SELECT for `shape`, and which cursor values its keyset parameters take, in order."""
    d = DIALECTS[shape.dialect]
    name = d.name_of
    select = d.row_columns(shape.keyed)  # what the API shows (todos/rows.py)
    if shape.written is not None:  # the node (todos/written.py), and the rows if needed
        node = f"{node_sql(shape.written)} {name(WRITTEN)}"
        select = f"{node},{select}" if shape.written.rows else node
    conditions = [f"{name('owner')}={d.placeholder}"]  # first, as in the indexes
    if shape.completed:
        conditions.append(f"{name('completed')}={d.placeholder}")
    if shape.contains:
        conditions.append(d.contains)
    after: tuple[int, ...] = ()
    before: tuple[int, ...] = ()
    if shape.after_nulls is not None:
        sql, after = _keyset(d, shape.columns, shape.after_nulls, backwards=False)
        conditions.append(sql)
    if shape.before_nulls is not None:
        sql, before = _keyset(d, shape.columns, shape.before_nulls, backwards=True)
        conditions.append(sql)
    order = ",".join(_ordering(d, shape.columns, shape.from_end))
    text = (
        f"SELECT {select} FROM {name('todo')}{where(conditions)} ORDER BY {order} "
        f"LIMIT {d.placeholder}"
    )
    return text, after, before


def query(
    shape: Shape,
    owner: str,
    completed: bool | None,
    contains: str | None,
    after: Sequence[Any] | None,
    before: Sequence[Any] | None,
    limit: int,
) -> tuple[str, list[Any]]:
    """The SELECT for `shape` (made once per shape) and the values for its placeholders: `owner`'s
    todos alone."""
    text, after_slots, before_slots = _statement(shape)
    values: list[Any] = [owner]
    if shape.completed:
        values.append(completed)
    if shape.contains:
        values.append(like_pattern(contains or ""))
    if after is not None:
        values += [after[slot] for slot in after_slots]
    if before is not None:
        values += [before[slot] for slot in before_slots]
    values.append(limit)
    return text, values


def _keyset(
    d: Dialect, columns: tuple[Column, ...], nulls: tuple[bool, ...], backwards: bool
) -> tuple[str, tuple[int, ...]]:
    """Rows strictly after (or before) a cursor's row in the total order, with the positions of
    the cursor values it compares with. The same rows as ormpages.beyond_cursor, written so that
    an index leading with order_missing is read from the cursor on: a nullable column is compared
    as (order_missing, column), order_missing ascending whichever the direction (nulls last)."""
    # Each component: (column name, descending, the literal it equals, or the cursor slot).
    components: list[tuple[str, bool, str | None, int | None]] = []
    for position, column in enumerate(columns):
        if not column.nullable:
            components.append((column.name, column.descending, None, position))
            continue
        components.append((ORDER_MISSING, False, "1" if nulls[position] else "0", None))
        if not nulls[position]:  # among todos without an order, all are equal in this column
            components.append((column.name, column.descending, None, position))
    slots: list[int] = []

    def beyond(index: int) -> str:
        """Rows beyond the cursor in components[index:], given equality on those before: nested
        as `a >= x AND (a > x OR ...)`, so that the index is read from the cursor on."""
        name, descending, literal, slot = components[index]
        column = d.name_of(name)
        strict = ">" if (not backwards) != descending else "<"
        if literal is not None:
            rest = f"{column}={literal}"
            if index + 1 < len(components):
                rest = f"({rest} AND {beyond(index + 1)})"
            if literal == ("1" if not backwards else "0"):
                return rest  # nothing sorts after the last group (or before the first)
            return f"({column}{strict}{literal} OR {rest})"
        assert slot is not None
        if index + 1 == len(components):
            slots.append(slot)
            return f"{column}{strict}{d.placeholder}"
        slots.extend((slot, slot))
        inner = beyond(index + 1)
        return (
            f"({column}{strict}={d.placeholder} AND ({column}{strict}{d.placeholder} OR {inner}))"
        )

    return beyond(0), tuple(slots)


def _ordering(d: Dialect, columns: tuple[Column, ...], backwards: bool) -> list[str]:
    ordering = []
    for column in columns:
        if column.nullable:
            ordering.append(f"{d.name_of(ORDER_MISSING)} {'DESC' if backwards else 'ASC'}")
        descending = column.descending != backwards
        ordering.append(f"{d.name_of(column.name)} {'DESC' if descending else 'ASC'}")
    return ordering
