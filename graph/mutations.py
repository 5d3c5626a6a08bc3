"""The Mutation root: each resolver calls one rule and turns its outcome into a union member."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph.errors import NotFoundError, ValidationError, VersionConflictError
from graph.ids import todo_global_id, todo_pk
from graph.inputs import CreateTodoInput, TodoFilter, UpdateTodoInput, given
from graph.types import BulkDeleteResult, BulkUpdateResult, DeletedTodo, Todo
from todos import commands
from todos.errors import Invalid, NotFound, VersionConflict

CreateTodoResult = Annotated[Todo | ValidationError, strawberry.union("CreateTodoResult")]
UpdateTodoResult = Annotated[
    Todo | ValidationError | NotFoundError | VersionConflictError,
    strawberry.union("UpdateTodoResult"),
]
DeleteTodoResult = Annotated[
    DeletedTodo | NotFoundError | VersionConflictError, strawberry.union("DeleteTodoResult")
]


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_todo(self, input: CreateTodoInput) -> CreateTodoResult:
        created = await commands.create(input.title, input.completed, given(input.order))
        if isinstance(created, Invalid):
            return ValidationError.from_rules(created)
        return Todo.from_model(created)

    @strawberry.mutation
    async def update_todo(self, id: strawberry.ID, input: UpdateTodoInput) -> UpdateTodoResult:
        pk = todo_pk(id)
        if pk is None:
            return NotFoundError.for_id(id)
        updated = await commands.update(pk, input.changes(), given(input.expected_version))
        if isinstance(updated, Invalid):
            return ValidationError.from_rules(updated)
        if isinstance(updated, NotFound):
            return NotFoundError.for_id(id)
        if isinstance(updated, VersionConflict):
            return VersionConflictError.from_rules(updated)
        return Todo.from_model(updated)

    @strawberry.mutation
    async def delete_todo(
        self, id: strawberry.ID, expected_version: int | None = strawberry.UNSET
    ) -> DeleteTodoResult:
        pk = todo_pk(id)
        if pk is None:
            return NotFoundError.for_id(id)
        deleted = await commands.delete(pk, given(expected_version))
        if isinstance(deleted, NotFound):
            return NotFoundError.for_id(id)
        if isinstance(deleted, VersionConflict):
            return VersionConflictError.from_rules(deleted)
        return DeletedTodo.from_pk(deleted)

    @strawberry.mutation(
        description="Set completed on every todo matching the filter (all todos when there is "
        "none)."
    )
    async def set_todos_completed(
        self, completed: bool, filter: TodoFilter | None = strawberry.UNSET
    ) -> BulkUpdateResult:
        todos = await commands.set_completed(completed, TodoFilter.to_rules(given(filter)))
        return BulkUpdateResult(
            affected_count=len(todos), todos=[Todo.from_model(todo) for todo in todos]
        )

    @strawberry.mutation(
        description="Delete every todo matching the filter (all todos when there is none)."
    )
    async def delete_todos(self, filter: TodoFilter | None = strawberry.UNSET) -> BulkDeleteResult:
        pks = await commands.delete_matching(TodoFilter.to_rules(given(filter)))
        return BulkDeleteResult(
            affected_count=len(pks), deleted_ids=[strawberry.ID(todo_global_id(pk)) for pk in pks]
        )
