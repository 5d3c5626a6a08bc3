"""Changing todos: validation, versioning and locking, each change committed with its events (which
the database writes, models/event.py) and retried when refused for contention (transactions.py)."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F
from tortoise.timezone import now

from models import TITLE_MAX_LENGTH, Todo
from todos import eventlog, owners
from todos.errors import Invalid, NotFound, VersionConflict
from todos.listing import TodoFilter, default_sort_key
from todos.search import is_text, search_key
from todos.sql import Dialect, dialect_of, filter_conditions, where
from todos.transactions import Retry, write

# Bulk changes touch rows by primary key, a bounded number per statement (SQLite's parameter cap).
ID_CHUNK = 500


class Missing(enum.Enum):
    """A field left out of a partial update (as opposed to one sent as null)."""

    MISSING = enum.auto()


MISSING = Missing.MISSING


@dataclass(frozen=True)
class TodoChanges:
    """The fields an update sets; a field left MISSING keeps its value."""

    title: str | Missing | None = MISSING
    completed: bool | Missing | None = MISSING
    order: int | Missing | None = MISSING


def clean_title(title: str | None) -> str | Invalid:
    if title is None:
        return Invalid("title", "The title cannot be null.")
    title = title.strip()
    if not title:
        return Invalid("title", "The title cannot be empty.")
    if len(title) > TITLE_MAX_LENGTH:
        return Invalid("title", f"The title is longer than {TITLE_MAX_LENGTH} characters.")
    if not is_text(title):
        return Invalid("title", "The title is not valid Unicode text.")
    return title


def _values(changes: TodoChanges) -> dict[str, Any] | Invalid:
    """The column values an update writes, or why the changes are refused."""
    values: dict[str, Any] = {}
    if changes.title is not MISSING:
        title = clean_title(changes.title)
        if isinstance(title, Invalid):
            return title
        values["title"] = title
        values["search_key"] = search_key(title)
    if changes.completed is not MISSING:
        if changes.completed is None:
            return Invalid("completed", "completed cannot be null.")
        values["completed"] = changes.completed
    if changes.order is not MISSING:
        values["order"] = changes.order
    return values


async def create(title: str, completed: bool = False, order: int | None = None) -> Todo | Invalid:
    cleaned = clean_title(title)
    if isinstance(cleaned, Invalid):
        return cleaned

    async def work(connection: BaseDBAsyncClient) -> Todo:
        # One statement, atomic by itself; the database logs its event in it (models/event.py).
        # Written here rather than by Todo.create(), which costs more than the statement.
        d = dialect_of(connection)
        created_at = now()
        fields = {"title": cleaned, "search_key": search_key(cleaned), "completed": completed}
        fields |= {"order": order, "version": 1, "created_at": created_at}
        fields |= {"updated_at": created_at, "owner": owners.current()}
        sql = (
            f"INSERT INTO {d.name_of('todo')} ({d.columns(tuple(fields))}) "
            f"VALUES ({d.placeholders(len(fields))})"
        )
        pk = await connection.execute_insert(sql, list(fields.values()))
        return Todo._init_from_db(id=pk, **fields)

    return await write(work, transaction=False)


async def _locked(
    pk: int, expected_version: int | None, connection: BaseDBAsyncClient
) -> Todo | NotFound | VersionConflict:
    """The todo `pk`, locked until the commit (on MySQL; SQLite runs one transaction at a time),
    if it is still at `expected_version` (any version when that is None); another owner's is
    NotFound, as one that does not exist."""
    owned = Todo.filter(id=pk, owner=owners.current())
    todo = await owned.using_db(connection).select_for_update().first()
    if todo is None:
        return NotFound()
    if expected_version is not None and todo.version != expected_version:
        return VersionConflict(todo)
    return todo


async def update(
    pk: int, changes: TodoChanges, expected_version: int | None = None
) -> Todo | Invalid | NotFound | VersionConflict:
    """Apply `changes`, the todo locked from the version check to the commit: none is lost."""
    values = _values(changes)
    if isinstance(values, Invalid):
        return values

    async def work(connection: BaseDBAsyncClient) -> Todo | NotFound | VersionConflict:
        todo = await _locked(pk, expected_version, connection)
        if not isinstance(todo, Todo):
            return todo
        changed_at = now()
        # The last statement: the log's head, which it locks (through its event), is held
        # only until the commit that follows.
        await (
            Todo.filter(id=pk)
            .using_db(connection)
            .update(**values, version=F("version") + 1, updated_at=changed_at)
        )
        for name, value in values.items():
            setattr(todo, name, value)
        todo.version += 1
        todo.updated_at = changed_at
        return todo

    return await write(work)


async def delete(pk: int, expected_version: int | None = None) -> int | NotFound | VersionConflict:
    """Delete one todo; returns its primary key."""

    async def work(connection: BaseDBAsyncClient) -> int | NotFound | VersionConflict:
        current = await _locked(pk, expected_version, connection)
        if not isinstance(current, Todo):
            return current
        await Todo.filter(id=pk).using_db(connection).delete()
        return pk

    return await write(work)


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), ID_CHUNK):
        yield ids[start : start + ID_CHUNK]


@dataclass(frozen=True)
class _Matching:
    """The rows a bulk change applies to: `conditions` (with `values`) in SQL."""

    d: Dialect
    conditions: list[str]
    values: list[Any]

    def where(self, extra: str = "") -> str:
        return where([*self.conditions, extra] if extra else self.conditions)

    def among(self, ids: Sequence[int]) -> str:
        """The WHERE clause for the matching rows among `ids` (their values follow the filter's)."""
        return self.where(f"{self.d.name_of('id')} IN ({self.d.placeholders(len(ids))})")


def _matching(connection: BaseDBAsyncClient, todo_filter: TodoFilter, **equal: Any) -> _Matching:
    d = dialect_of(connection)
    conditions, values = filter_conditions(d, todo_filter)
    for column, value in equal.items():
        conditions.append(f"{d.name_of(column)}={d.placeholder}")
        values.append(value)
    return _Matching(d, conditions, values)


async def _ids_matching(connection: BaseDBAsyncClient, matching: _Matching) -> list[int]:
    d = matching.d
    _, rows = await connection.execute_query(
        f"SELECT {d.name_of('id')} FROM {d.name_of('todo')}{matching.where()} "
        f"ORDER BY {d.name_of('id')}",
        matching.values,
    )
    return [int(row["id"]) for row in rows]


async def _lock_rows(
    connection: BaseDBAsyncClient, matching: _Matching, ids: Sequence[int]
) -> list[Todo]:
    """The rows `ids` that still match, locked until the commit, in primary key order."""
    d = matching.d
    # SQLite runs one transaction at a time: what it read cannot change until the commit.
    lock = " FOR UPDATE" if d.name == "mysql" else ""
    locked: list[Todo] = []
    for chunk in _chunks(ids):
        # Checked again as the rows are locked: one may have changed since it was read.
        sql = (
            f"SELECT {d.columns()} FROM {d.name_of('todo')}{matching.among(chunk)} "
            f"ORDER BY {d.name_of('id')}{lock}"
        )
        _, rows = await connection.execute_query(sql, [*matching.values, *chunk])
        locked += [Todo._init_from_db(**row) for row in rows]
    return locked


async def _lock_matching(connection: BaseDBAsyncClient, matching: _Matching) -> list[Todo]:
    """Every row that matches at this change's place in the log, locked until the commit."""
    # Rows first, in primary key order, as every writer takes them (so that bulk changes do not
    # deadlock each other); then the log's head.
    todos = await _lock_rows(connection, matching, await _ids_matching(connection, matching))
    if matching.d.name != "mysql":
        return todos
    await eventlog.lock_head(connection)
    # With the head locked, every change ahead of this one in the log is committed, and no other
    # can commit before it. A row that matches now but was not locked above came to match
    # meanwhile: it is locked too, out of key order. A writer holding it waits for the head; the
    # database sees that deadlock and rolls one of the two back, to run again (transactions.py).
    locked = {todo.id for todo in todos}
    later = [pk for pk in await _ids_matching(connection, matching) if pk not in locked]
    if later:
        todos = sorted(
            todos + await _lock_rows(connection, matching, later), key=lambda todo: todo.id
        )
    return todos


async def _apply(
    connection: BaseDBAsyncClient,
    matching: _Matching,
    todos: list[Todo],
    statement: str,
    statement_values: Sequence[Any] = (),
) -> None:
    """Run `statement` (an UPDATE or DELETE of the table, up to its WHERE) on the locked `todos`,
    the filter checked again where the change is applied."""
    for chunk in _chunks([todo.id for todo in todos]):
        sql = f"{statement}{matching.among(chunk)}"
        changed, _ = await connection.execute_query(
            sql, [*statement_values, *matching.values, *chunk]
        )
        # The rows are locked, so all still match (on SQLite the count would include the rows
        # the log's triggers write, and nothing can change under its one transaction).
        if matching.d.name == "mysql" and changed != len(chunk):
            raise Retry()


async def set_completed(completed: bool, todo_filter: TodoFilter) -> list[Todo]:
    """Set `completed` on the matching todos that differ; returns those, in the default order."""
    todo_filter.search_text()  # a filter that is not text is refused before anything runs

    async def work(connection: BaseDBAsyncClient) -> list[Todo]:
        matching = _matching(connection, todo_filter, completed=not completed)
        todos = await _lock_matching(connection, matching)
        if not todos:
            return []
        d = matching.d
        changed_at = now()
        assignments = (
            f"{d.name_of('completed')}={d.placeholder},"
            f"{d.name_of('version')}={d.name_of('version')}+1,"
            f"{d.name_of('updated_at')}={d.placeholder}"
        )
        statement = f"UPDATE {d.name_of('todo')} SET {assignments}"
        await _apply(connection, matching, todos, statement, [completed, changed_at])
        for todo in todos:
            todo.completed = completed
            todo.version += 1
            todo.updated_at = changed_at
        todos.sort(key=default_sort_key)
        return todos

    return await write(work)


async def delete_matching(todo_filter: TodoFilter) -> list[int]:
    """Delete the matching todos; returns their primary keys."""
    todo_filter.search_text()

    async def work(connection: BaseDBAsyncClient) -> list[int]:
        matching = _matching(connection, todo_filter)
        todos = await _lock_matching(connection, matching)
        if not todos:
            return []
        await _apply(connection, matching, todos, f"DELETE FROM {matching.d.name_of('todo')}")
        return [todo.id for todo in todos]

    return await write(work)
