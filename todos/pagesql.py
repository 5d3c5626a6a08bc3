"""The SQL of a page of todos, written once per shape (which filters, which sort, which cursor
values are null) and reused with new values: building it through the ORM each time costs more
than running it. It asks for what Tortoise's query for the same page asks for, sorting on the
indexed virtual column where Tortoise computes the same key (todos/listing.py keeps that road as
the reference; tests/todos/test_pagesql.py compares the two)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.filters import escape_like

# The columns of a todo, and the virtual column (`order` IS NULL) that sorts todos without an
# order last, the first part of the default sort's indexes (migrations 1_..._order_missing_index).
COLUMNS = ("created_at", "updated_at", "search_key", "completed", "version", "id", "order", "title")
ORDER_MISSING = "order_missing"


@dataclass(frozen=True)
class Column:
    """One component of a page's total order (listing._Column, without its cursor logic)."""

    name: str
    descending: bool
    nullable: bool


@dataclass(frozen=True)
class Shape:
    dialect: str  # "mysql" or "sqlite"
    completed: bool  # filtered on completed
    contains: bool  # filtered on the title
    columns: tuple[Column, ...]
    after_nulls: tuple[bool, ...] | None  # which values of the `after` cursor are null
    before_nulls: tuple[bool, ...] | None
    from_end: bool  # `last`: read backwards, then reversed


@dataclass(frozen=True)
class _Dialect:
    quote: str
    placeholder: str
    contains: str  # the title filter, as Tortoise writes it


_DIALECTS = {
    "mysql": _Dialect("`", "%s", "CAST(`search_key` AS CHAR) LIKE %s"),
    "sqlite": _Dialect('"', "?", "CAST(\"search_key\" AS VARCHAR) LIKE ? ESCAPE '\\'"),
}


@functools.lru_cache(maxsize=512)
def statement(shape: Shape) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """The SELECT for `shape`, and which cursor values its keyset parameters take, in order."""
    d = _DIALECTS[shape.dialect]
    name = functools.partial(_quoted, d)
    select = ",".join(name(column) for column in COLUMNS)
    conditions = []
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
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    order = ",".join(_ordering(d, shape.columns, shape.from_end))
    text = f"SELECT {select} FROM {name('todo')}{where} ORDER BY {order} LIMIT {d.placeholder}"
    return text, after, before


def parameters(
    shape: Shape,
    completed: bool | None,
    contains: str | None,
    after: Sequence[Any] | None,
    before: Sequence[Any] | None,
    limit: int,
) -> list[Any]:
    """The values for statement(shape)'s placeholders, in order."""
    _, after_slots, before_slots = statement(shape)
    values: list[Any] = []
    if shape.completed:
        values.append(completed)
    if shape.contains:
        values.append(f"%{escape_like(contains or '')}%")
    if after is not None:
        values += [after[slot] for slot in after_slots]
    if before is not None:
        values += [before[slot] for slot in before_slots]
    values.append(limit)
    return values


def _quoted(d: _Dialect, identifier: str) -> str:
    return f"{d.quote}{identifier}{d.quote}"


def _keyset(
    d: _Dialect, columns: tuple[Column, ...], nulls: tuple[bool, ...], backwards: bool
) -> tuple[str, tuple[int, ...]]:
    """Rows strictly after (or before) a cursor's row in the total order, as listing's
    _beyond_cursor builds it, with the positions of the cursor values it compares with."""
    alternatives: list[str] = []
    slots: list[int] = []
    for position, column in enumerate(columns):
        beyond = _beyond(d, column, nulls[position], backwards)
        if beyond is None:
            continue
        prefix = []
        for earlier in range(position):
            if nulls[earlier]:
                prefix.append(f"{_quoted(d, columns[earlier].name)} IS NULL")
            else:
                prefix.append(f"{_quoted(d, columns[earlier].name)}={d.placeholder}")
                slots.append(earlier)
        terms, takes_value = beyond
        if takes_value:
            slots.append(position)
        if not prefix:
            alternatives += terms
        else:
            inner = terms[0] if len(terms) == 1 else f"({' OR '.join(terms)})"
            alternatives.append(f"({' AND '.join([*prefix, inner])})")
    if not alternatives:
        return f"{_quoted(d, 'id')} IS NULL", ()  # nothing lies beyond; id is never null
    return f"({' OR '.join(alternatives)})", tuple(slots)


def _beyond(
    d: _Dialect, column: Column, null: bool, backwards: bool
) -> tuple[list[str], bool] | None:
    """The terms (ORed) for rows beyond a value of `column`, and whether they take the value."""
    name = _quoted(d, column.name)
    operator = ">" if (not backwards) != column.descending else "<"
    if column.nullable:
        # Nulls sort last whichever the direction.
        if null:
            return None if not backwards else ([f"{name} IS NOT NULL"], False)
        if not backwards:
            return [f"{name} IS NULL", f"{name}{operator}{d.placeholder}"], True
    return [f"{name}{operator}{d.placeholder}"], True


def _ordering(d: _Dialect, columns: tuple[Column, ...], backwards: bool) -> list[str]:
    ordering = []
    for column in columns:
        if column.nullable:
            ordering.append(f"{_quoted(d, ORDER_MISSING)} {'DESC' if backwards else 'ASC'}")
        descending = column.descending != backwards
        ordering.append(f"{_quoted(d, column.name)} {'DESC' if descending else 'ASC'}")
    return ordering
