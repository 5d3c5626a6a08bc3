"""The GraphQL object types, built from the stored models; never the models themselves."""

from __future__ import annotations

from datetime import datetime
from typing import Self

import strawberry
from strawberry import relay

from graph.ids import todo_global_id
from models import Todo as TodoModel
from todos import counts, listing


@strawberry.type(description="A todo item.")
class Todo(relay.Node):
    id: relay.NodeID[int]
    title: str = strawberry.field(
        description="What to do: 1 to 256 characters after surrounding whitespace is removed."
    )
    completed: bool
    order: int | None = strawberry.field(
        description=(
            "Position chosen by the client. Lists sort by it by default, todos without one last."
        )
    )
    version: int = strawberry.field(
        description="1 when created, one more after every change: the value to pass as "
        "expectedVersion."
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, todo: TodoModel) -> Self:
        return cls(
            id=todo.id,
            title=todo.title,
            completed=todo.completed,
            order=todo.order,
            version=todo.version,
            created_at=todo.created_at,
            updated_at=todo.updated_at,
        )


@strawberry.type(description="A page of todos (Relay cursor connection).")
class TodoConnection(relay.Connection[Todo]):
    todo_filter: strawberry.Private[listing.TodoFilter]

    @strawberry.field(description="The todos of this page, in order: the same as edges { node }.")
    def nodes(self) -> list[Todo]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many todos match the filter, over all pages.")
    async def total_count(self) -> int:
        # Counted only when a client asks for it.
        return await counts.count(self.todo_filter)

    @classmethod
    def from_page(cls, page: listing.Page, todo_filter: listing.TodoFilter) -> Self:
        edges = [
            relay.Edge(cursor=cursor, node=Todo.from_model(todo))
            for todo, cursor in zip(page.todos, page.cursors, strict=True)
        ]
        return cls(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
            todo_filter=todo_filter,
        )


@strawberry.type(description="Counts for a todo list's footer.")
class TodoStats:
    total: int
    completed: int
    active: int


@strawberry.type
class DeletedTodo:
    id: strawberry.ID

    @classmethod
    def from_pk(cls, pk: int) -> Self:
        return cls(id=strawberry.ID(todo_global_id(pk)))


@strawberry.type
class BulkUpdateResult:
    affected_count: int
    todos: list[Todo]


@strawberry.type
class BulkDeleteResult:
    affected_count: int
    deleted_ids: list[strawberry.ID]
