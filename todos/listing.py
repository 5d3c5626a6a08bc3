"""Reading todos: filters, sorts and keyset pages whose cursors never skip or repeat a todo."""

from __future__ import annotations

import base64
import binascii
import enum
import functools
import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

from models import Todo, rawrows
from todos import owners, pagesql, written
from todos.errors import BadInput
from todos.rows import TodoRow
from todos.search import fold, is_text

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


class SortField(enum.Enum):
    ORDER = "order"
    TITLE = "title"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"

    # Members are unique: hashed by identity in C, not by name in Python (caches are keyed by
    # them on every page).
    __hash__ = object.__hash__


class SortDirection(enum.Enum):
    ASC = "asc"
    DESC = "desc"

    __hash__ = object.__hash__


class TodoFilter(NamedTuple):
    completed: bool | None = None
    title_contains: str | None = None

    def search_text(self) -> str | None:
        """The folded text the search keys must contain; None when there is no title filter."""
        if not self.title_contains:
            return None
        if not is_text(self.title_contains):
            raise BadInput("titleContains is not valid Unicode text.")
        return fold(self.title_contains)


class SortKey(NamedTuple):
    field: SortField
    direction: SortDirection = SortDirection.ASC


DEFAULT_SORT = (SortKey(SortField.ORDER), SortKey(SortField.CREATED_AT))


def default_sort_key(todo: Todo | TodoRow) -> tuple[Any, ...]:
    """DEFAULT_SORT (then the primary key) in Python, for todos already fetched."""
    return (todo.order is None, todo.order or 0, todo.created_at, todo.id)


class PageRequest(NamedTuple):
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None


class Page(NamedTuple):
    todos: list[TodoRow]
    has_next_page: bool
    has_previous_page: bool
    fingerprint: str  # the filter, sort and owner the page's cursors belong to
    columns: tuple[Column, ...]  # the sort's
    written: written.NodeShape | None = None  # the shape of the nodes its rows carry, if any

    def cursor(self, todo: TodoRow) -> str:
        """The cursor of `todo` (one of the page's), made only when a client asks for it."""
        return _encode_cursor(self.fingerprint, [c.value_of(todo) for c in self.columns])


class Column(NamedTuple):
    """One component of a total sort order: a column, its direction, whether it holds nulls."""

    name: str
    descending: bool
    nullable: bool = False

    def value_of(self, todo: TodoRow) -> Any:
        value = getattr(todo, self.name)
        return value.isoformat() if isinstance(value, datetime) else value

    def parse(self, raw: object) -> Any:
        """A cursor's value for this column, checked so that no forged cursor reaches SQL."""
        if self.name in ("id", "order"):
            if raw is None and self.nullable:
                return None
            if isinstance(raw, int) and not isinstance(raw, bool):
                return raw
        elif self.name == "search_key":
            if isinstance(raw, str):
                return raw
        elif isinstance(raw, str):
            try:
                parsed = datetime.fromisoformat(raw)
            except ValueError:
                pass
            else:
                if parsed.tzinfo is not None:
                    return parsed
        raise BadInput("Invalid cursor.")


_COLUMNS = {
    SortField.ORDER: ("order", True),
    SortField.TITLE: ("search_key", False),
    SortField.CREATED_AT: ("created_at", False),
    SortField.UPDATED_AT: ("updated_at", False),
}
# A LIMIT that is none: the most rows a page statement can return.
UNLIMITED = 2**62


def sort_columns(sort: Sequence[SortKey]) -> tuple[Column, ...]:
    """The columns of a total order: the sort's, then the primary key."""
    return _sort_columns(tuple(sort))


@functools.lru_cache(maxsize=256)
def _sort_columns(sort: tuple[SortKey, ...]) -> tuple[Column, ...]:
    columns = []
    for key in sort:
        name, nullable = _COLUMNS[key.field]
        columns.append(Column(name, key.direction is SortDirection.DESC, nullable))
    # The primary key last makes every order total, so no two rows tie.
    columns.append(Column("id", descending=False))
    return tuple(columns)


def check_sort(sort: Sequence[SortKey] | None) -> tuple[SortKey, ...]:
    if not sort:
        return DEFAULT_SORT
    if len(sort) > len(SortField):
        raise BadInput(f"A sort has at most {len(SortField)} keys.")
    fields = [key.field for key in sort]
    if len(set(fields)) != len(fields):
        raise BadInput("A sort may name each field only once.")
    return tuple(sort)


def _page_size(request: PageRequest) -> tuple[int, bool]:
    """The page size, capped, and whether the page is taken from the end (`last`)."""
    if request.first is not None and request.last is not None:
        raise BadInput("Pass either first or last, not both.")
    if (request.first or 0) < 0 or (request.last or 0) < 0:
        raise BadInput("first and last must not be negative.")
    if request.last is not None:
        return min(request.last, MAX_PAGE_SIZE), True
    size = DEFAULT_PAGE_SIZE if request.first is None else request.first
    return min(size, MAX_PAGE_SIZE), False


@functools.lru_cache(maxsize=256)  # a handful of filter and sort shapes serve most requests
def _fingerprint(todo_filter: TodoFilter, sort: tuple[SortKey, ...], owner: str) -> str:
    """What a cursor belongs to: the owner, filter and sort it was issued for."""
    shape = [
        owner,
        todo_filter.completed,
        fold(todo_filter.title_contains or ""),
        [[key.field.value, key.direction.value] for key in sort],
    ]
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:16]


def _encode_cursor(fingerprint: str, values: list[Any]) -> str:
    payload = json.dumps({"f": fingerprint, "k": values}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode()


def _decode_cursor(cursor: str, fingerprint: str, columns: Sequence[Column]) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii"))
        # Only the exact text this service issued: base64 decoding forgives stray characters.
        if base64.urlsafe_b64encode(raw).decode() != cursor:
            raise ValueError(cursor)
        payload = json.loads(raw)
    except (ValueError, UnicodeError, binascii.Error, RecursionError):
        raise BadInput("Invalid cursor.") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("k"), list):
        raise BadInput("Invalid cursor.")
    if payload.get("f") != fingerprint:
        raise BadInput("This cursor belongs to another sort or filter.")
    raw_values = payload["k"]
    if len(raw_values) != len(columns):
        raise BadInput("Invalid cursor.")
    return [column.parse(raw) for column, raw in zip(columns, raw_values, strict=True)]


async def fetch_page(
    todo_filter: TodoFilter, sort: Sequence[SortKey] | None, request: PageRequest
) -> Page:
    """One page of the todos matching `todo_filter`, in `sort` order: a single SQL statement,
    from todos/pagesql.py."""
    sort = check_sort(sort)
    size, from_end = _page_size(request)
    columns = sort_columns(sort)
    fingerprint = _fingerprint(todo_filter, sort, owners.current())
    # A title that is not text is refused before the cursors are read, as the ORM's query does.
    todo_filter.search_text()
    after = None if request.after is None else _decode_cursor(request.after, fingerprint, columns)
    before = (
        None if request.before is None else _decode_cursor(request.before, fingerprint, columns)
    )

    # One row more than asked tells whether there is another page in that direction.
    node_shape = written.requested.get()
    rows = await read_rows(todo_filter, columns, after, before, from_end, size + 1, node_shape)
    more = len(rows) > size
    rows = rows[:size]
    if from_end:
        rows.reverse()
    return Page(
        todos=rows,
        has_next_page=more if not from_end else request.before is not None,
        has_previous_page=more if from_end else request.after is not None,
        fingerprint=fingerprint,
        columns=columns,
        # The rows carry nodes where the database could write them (MySQL).
        written=node_shape if rows and getattr(rows[0], "written", None) is not None else None,
    )


async def read_rows(
    todo_filter: TodoFilter,
    columns: tuple[Column, ...],
    after: list[Any] | None,
    before: list[Any] | None,
    from_end: bool,
    limit: int,
    node_shape: written.NodeShape | None = None,
) -> list[TodoRow]:
    """The rows of a page, `limit` of them after and before the cursors' values (if any), read
    backwards when `from_end`; carrying their nodes of `node_shape` as the database writes them,
    where it can (MySQL)."""
    db = Todo._meta.db
    dialect = db.capabilities.dialect
    if dialect != "mysql":
        node_shape = None
    shape = pagesql.Shape(
        dialect=dialect,
        completed=todo_filter.completed is not None,
        contains=bool(todo_filter.title_contains),
        columns=columns,
        after_nulls=None if after is None else tuple(value is None for value in after),
        before_nulls=None if before is None else tuple(value is None for value in before),
        from_end=from_end,
        written=node_shape,
    )
    search = todo_filter.search_text()
    sql, values = pagesql.query(
        shape, owners.current(), todo_filter.completed, search, after, before, limit
    )
    keyed = shape.keyed
    if shape.dialect != "mysql":
        _, raw = await db.execute_query(sql, values)
        return [TodoRow(row, keyed) for row in raw]
    # MySQL's rows as it sends them (models/rawrows.py): [node,] row JSON [, folded title], none
    # of them ever NULL.
    rows = cast(list[list[bytes]], await rawrows.select(db, sql, values))
    if node_shape is None:
        return [TodoRow.unpacked(row[0], row[1] if keyed else None) for row in rows]
    as_written, written_as = written.as_written, TodoRow.written_as
    if node_shape.rows:
        return [written_as(as_written(r[0]), r[1], r[2] if keyed else None) for r in rows]
    return [written_as(as_written(row[0])) for row in rows]


async def get(pk: int) -> Todo | None:
    """The todo `pk`, if it is the current owner's."""
    return await Todo.get_or_none(id=pk, owner=owners.current())


async def every(todo_filter: TodoFilter) -> list[TodoRow]:
    """All the todos matching `todo_filter`, unpaged, in the default sort order (REST's list)."""
    return await read_rows(todo_filter, sort_columns(DEFAULT_SORT), None, None, False, UNLIMITED)
