"""Counting todos: a list's total, and the footer's counts."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.functions import Count

from models import Todo
from todos import owners
from todos.listing import TodoFilter
from todos.sql import dialect_of, filter_conditions, where


async def count(todo_filter: TodoFilter) -> int:
    db = Todo._meta.db
    d = dialect_of(db)
    conditions, values = filter_conditions(d, todo_filter)
    sql = f"SELECT COUNT(*) AS n FROM {d.name_of('todo')}{where(conditions)}"
    _, rows = await db.execute_query(sql, values)
    return int(rows[0]["n"])


@dataclass(frozen=True)
class TodoStats:
    total: int
    completed: int

    @property
    def active(self) -> int:
        return self.total - self.completed


async def stats() -> TodoStats:
    """The list footer's counts, in one query."""
    owned = Todo.filter(owner=owners.current())
    groups = await owned.annotate(n=Count("id")).group_by("completed").values("completed", "n")
    completed = sum(group["n"] for group in groups if group["completed"])
    return TodoStats(total=sum(group["n"] for group in groups), completed=completed)
