"""The event log in the database, as triggers write it (migrations 2_..._event_log): its entries,
read in order, and kept for a while.

Every row created, deleted or updated to a new version adds an entry in the statement that changed
it. The entry takes its position from the head row and keeps that row locked until its commit, so
positions follow the commits and have no gaps: a reader that has seen position n never misses one
below it (unlike an auto-increment, handed out at insert time, which can commit after a higher
one). Writers lock todo rows first (by primary key) and the head last, so they do not deadlock on
it.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from models import HEAD_ID, Todo
from todos.sql import dialect_of


class EventKind(enum.Enum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    DELETED = "DELETED"


@dataclass(frozen=True)
class TodoEvent:
    kind: EventKind
    pk: int
    version: int  # after the change; for a deletion, the version deleted
    todo: Todo | None  # the todo after the change; None when it was deleted
    position: int  # its place in the log
    owner: str  # whose todo it is (todos/owners.py): who may see the event


async def lock_head(connection: BaseDBAsyncClient) -> None:
    """Lock the head until the commit without claiming a position yet (MySQL; SQLite runs one
    transaction at a time): no other change can enter the log before this transaction's."""
    await connection.execute_query(
        "SELECT `position` FROM `todo_event_head` WHERE `id`=%s FOR UPDATE", [HEAD_ID]
    )


async def head(connection: BaseDBAsyncClient) -> int:
    """The last position handed out (committed, as this reads no uncommitted claim)."""
    d = dialect_of(connection)
    sql = f"SELECT {d.name_of('position')} FROM {d.name_of('todo_event_head')} WHERE id={HEAD_ID}"
    _, rows = await connection.execute_query(sql)
    return int(rows[0]["position"])


async def exists(connection: BaseDBAsyncClient, position: int) -> bool:
    """Whether the log still holds the event at `position`."""
    d = dialect_of(connection)
    sql = (
        f"SELECT {d.name_of('position')} FROM {d.name_of('todo_event')} "
        f"WHERE {d.name_of('position')}={d.placeholder}"
    )
    _, rows = await connection.execute_query(sql, [position])
    return bool(rows)


async def read(
    connection: BaseDBAsyncClient, after: int, limit: int, until: int | None = None
) -> list[TodoEvent]:
    """Up to `limit` events after position `after` (and up to `until`), in order."""
    d = dialect_of(connection)
    position = d.name_of("position")
    condition = f"{position}>{d.placeholder}"
    values: list[Any] = [after]
    if until is not None:
        condition += f" AND {position}<={d.placeholder}"
        values.append(until)
    sql = (
        f"SELECT * FROM {d.name_of('todo_event')} WHERE {condition} "
        f"ORDER BY {position} LIMIT {d.placeholder}"
    )
    _, rows = await connection.execute_query(sql, [*values, limit])
    return [_event(row) for row in rows]


def _event(row: dict[str, Any]) -> TodoEvent:
    kind = EventKind(row["kind"])
    pk, version = int(row["todo_id"]), int(row["version"])
    todo = None
    if kind is not EventKind.DELETED:
        # The ORM's own conversion from database values, as for a todo's row.
        fields = {name: row[name] for name in ("title", "completed", "order")}
        fields |= {"created_at": row["created_at"], "updated_at": row["updated_at"]}
        todo = Todo._init_from_db(id=pk, version=version, **fields)
    owner = row["owner"]  # bytes from MySQL's VARBINARY: the UTF-8 the service stored
    owner = owner.decode() if isinstance(owner, bytes | bytearray) else str(owner)
    return TodoEvent(kind, pk, version, todo, int(row["position"]), owner)


async def prune(connection: BaseDBAsyncClient, older_than_seconds: float, batch: int) -> int:
    """Delete up to `batch` of the oldest events recorded more than `older_than_seconds` ago,
    always a run from the start of the log; returns how many went."""
    d = dialect_of(connection)
    position, recorded_at = d.name_of("position"), d.name_of("recorded_at")
    table = d.name_of("todo_event")
    sql = f"SELECT {position},{recorded_at} FROM {table} ORDER BY {position} LIMIT {d.placeholder}"
    _, rows = await connection.execute_query(sql, [batch])
    cutoff = (time.time_ns() // 1000) - int(older_than_seconds * 1_000_000)
    last = None
    count = 0
    for row in rows:
        if int(row["recorded_at"]) >= cutoff:
            break
        last = int(row["position"])
        count += 1
    if last is not None:
        await connection.execute_query(
            f"DELETE FROM {table} WHERE {position}<={d.placeholder}", [last]
        )
    return count
