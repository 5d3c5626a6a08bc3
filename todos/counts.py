"""Counting todos: a list's total, and the footer's counts."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.functions import Count

from models import Todo
from todos.listing import TodoFilter, filtered


async def count(todo_filter: TodoFilter) -> int:
    return await filtered(todo_filter).count()


@dataclass(frozen=True)
class TodoStats:
    total: int
    completed: int

    @property
    def active(self) -> int:
        return self.total - self.completed


async def stats() -> TodoStats:
    """The list footer's counts, in one query."""
    groups = await Todo.annotate(n=Count("id")).group_by("completed").values("completed", "n")
    completed = sum(group["n"] for group in groups if group["completed"])
    return TodoStats(total=sum(group["n"] for group in groups), completed=completed)
