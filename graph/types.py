"""The GraphQL object types, built from the stored models; never the models themselves."""

from __future__ import annotations

from datetime import datetime
from typing import Self

import strawberry
from strawberry import relay

from graph.fast.written import WRITTEN
from graph.ids import todo_global_id
from graph.written import WrittenTodos
from models import Todo as TodoModel
from todos import counts, listing
from todos.rows import TodoRow


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
    def from_model(cls, todo: TodoModel | TodoRow) -> Self:
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
    page: strawberry.Private[listing.Page]

    # Made when a client asks for them: a cursor for each todo costs more than the todo.
    # (Resolvers in place of relay.Connection's attributes: mypy's dataclass rules do not know.)
    @strawberry.field(description="Contains the nodes in this connection")  # type: ignore[misc]
    def edges(self) -> list[relay.Edge[Todo]]:
        page = self.page
        return [relay.Edge(cursor=page.cursor(t), node=Todo.from_model(t)) for t in page.todos]

    @strawberry.field(description="Pagination data for this connection")  # type: ignore[misc]
    def page_info(self) -> relay.PageInfo:
        page, todos = self.page, self.page.todos
        return relay.PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursor(todos[0]) if todos else None,
            end_cursor=page.cursor(todos[-1]) if todos else None,
        )

    # The fast path has MySQL write these nodes' JSON when a document asks for leaves alone.
    @strawberry.field(
        description="The todos of this page, in order: the same as edges { node }.",
        metadata={WRITTEN: WrittenTodos("Todo")},
    )
    def nodes(self) -> list[Todo]:
        return [Todo.from_model(todo) for todo in self.page.todos]

    @strawberry.field(description="How many todos match the filter, over all pages.")
    async def total_count(self) -> int:
        # Counted only when a client asks for it.
        return await counts.count(self.todo_filter)

    @classmethod
    def from_page(cls, page: listing.Page, todo_filter: listing.TodoFilter) -> Self:
        # No edges or page_info: the resolvers above make them when they are asked for.
        return cls(todo_filter=todo_filter, page=page)  # type: ignore[call-arg]


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
