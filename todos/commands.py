"""Changing todos: validation and versioning, each change done in the database in one step."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import F
from tortoise.queryset import QuerySet
from tortoise.timezone import now
from tortoise.transactions import in_transaction

from models import TITLE_MAX_LENGTH, Todo
from todos import events
from todos.errors import Invalid, NotFound, VersionConflict
from todos.listing import TodoFilter, default_sort_key, filtered
from todos.search import is_text, search_key

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
    todo = await Todo.create(
        title=cleaned, search_key=search_key(cleaned), completed=completed, order=order, version=1
    )
    events.created(todo)
    return todo


def _at_version(pk: int, expected_version: int | None) -> QuerySet[Todo]:
    """The todo `pk`, if it is still at `expected_version` (any version when that is None)."""
    target = Todo.filter(id=pk)
    return target if expected_version is None else target.filter(version=expected_version)


async def _missing_or_conflict(pk: int, connection: Any) -> NotFound | VersionConflict:
    current = await Todo.filter(id=pk).using_db(connection).first()
    return NotFound() if current is None else VersionConflict(current)


async def update(
    pk: int, changes: TodoChanges, expected_version: int | None = None
) -> Todo | Invalid | NotFound | VersionConflict:
    """Apply `changes`; the version check and increment are one UPDATE, so none is lost."""
    values = _values(changes)
    if isinstance(values, Invalid):
        return values
    async with in_transaction() as connection:
        changed = (
            await _at_version(pk, expected_version)
            .using_db(connection)
            .update(**values, version=F("version") + 1, updated_at=now())
        )
        if not changed:
            return await _missing_or_conflict(pk, connection)
        todo = await Todo.filter(id=pk).using_db(connection).get()
    events.updated(todo)  # after the commit, with nothing awaited between: in commit order
    return todo


async def delete(pk: int, expected_version: int | None = None) -> int | NotFound | VersionConflict:
    """Delete one todo; returns its primary key."""
    async with in_transaction() as connection:
        if not await _at_version(pk, expected_version).using_db(connection).delete():
            return await _missing_or_conflict(pk, connection)
    events.deleted(pk)
    return pk


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), ID_CHUNK):
        yield ids[start : start + ID_CHUNK]


async def set_completed(completed: bool, todo_filter: TodoFilter) -> list[Todo]:
    """Set `completed` on the matching todos that differ; returns those, in the default order."""
    async with in_transaction() as connection:
        # Locking the rows (on MySQL) keeps the set that is changed equal to the set returned.
        ids: list[int] = await (  # type: ignore[assignment]  # flat: a list of ints
            filtered(todo_filter)
            .filter(completed=not completed)
            .select_for_update()
            .using_db(connection)
            .values_list("id", flat=True)
        )
        touched: list[Todo] = []
        changed_at = now()
        for chunk in _chunks(ids):
            await (
                Todo.filter(id__in=chunk)
                .using_db(connection)
                .update(completed=completed, version=F("version") + 1, updated_at=changed_at)
            )
            touched.extend(await Todo.filter(id__in=chunk).using_db(connection))
    touched.sort(key=default_sort_key)
    for todo in touched:
        events.updated(todo)
    return touched


async def delete_matching(todo_filter: TodoFilter) -> list[int]:
    """Delete the matching todos; returns their primary keys."""
    async with in_transaction() as connection:
        ids: list[int] = await (  # type: ignore[assignment]  # flat: a list of ints
            filtered(todo_filter)
            .select_for_update()
            .using_db(connection)
            .values_list("id", flat=True)
        )
        for chunk in _chunks(ids):
            await Todo.filter(id__in=chunk).using_db(connection).delete()
    ids.sort()
    for pk in ids:
        events.deleted(pk)
    return ids
