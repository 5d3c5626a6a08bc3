"""The GraphQL input types and enums, and their translation into the rules' own values."""

from __future__ import annotations

from typing import TypeVar

import strawberry

from todos import listing
from todos.commands import MISSING, TodoChanges

T = TypeVar("T")


def given(value: T | None) -> T | None:
    """An optional input field's value, None when it was left out (UNSET) or null."""
    return None if value is strawberry.UNSET else value


TodoSortField = strawberry.enum(listing.SortField, name="TodoSortField")
SortDirection = strawberry.enum(listing.SortDirection, name="SortDirection")


@strawberry.input
class TodoFilter:
    completed: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Only todos whose completed state is this."
    )
    title_contains: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Only todos whose title contains this text, ignoring case and accents.",
    )

    @staticmethod
    def to_rules(todo_filter: TodoFilter | None) -> listing.TodoFilter:
        if todo_filter is None:
            return listing.TodoFilter()
        return listing.TodoFilter(
            completed=given(todo_filter.completed), title_contains=given(todo_filter.title_contains)
        )


@strawberry.input
class TodoSort:
    field: listing.SortField
    direction: listing.SortDirection = listing.SortDirection.ASC

    def to_rules(self) -> listing.SortKey:
        return listing.SortKey(self.field, self.direction)


@strawberry.input
class CreateTodoInput:
    title: str
    completed: bool = False
    order: int | None = strawberry.UNSET


@strawberry.input(description="Only the fields given are changed. order: null clears the order.")
class UpdateTodoInput:
    title: strawberry.Maybe[str | None] = None
    completed: strawberry.Maybe[bool | None] = None
    order: strawberry.Maybe[int | None] = None
    expected_version: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="When given, the change is made only if the todo is still at this version.",
    )

    def changes(self) -> TodoChanges:
        return TodoChanges(
            title=MISSING if self.title is None else self.title.value,
            completed=MISSING if self.completed is None else self.completed.value,
            order=MISSING if self.order is None else self.order.value,
        )
