"""The Query root: the list, one todo, any node by ID, the footer's counts."""

from __future__ import annotations

import strawberry
from strawberry import relay

from graph.errors import bad_user_input
from graph.ids import todo_pk
from graph.inputs import TodoFilter, TodoSort, given
from graph.types import Todo, TodoConnection, TodoStats
from todos import counts, listing
from todos.errors import BadInput


async def _todo(global_id: str) -> Todo | None:
    pk = todo_pk(global_id)
    if pk is None:
        return None
    todo = await listing.get(pk)
    return None if todo is None else Todo.from_model(todo)


@strawberry.type
class Query:
    @strawberry.field(
        description="Todos matching the filter, sorted by the given keys (default: ORDER "
        "ascending, todos without an order last, then oldest first), a page at a time. "
        "first/last default to 50 and are capped at 100."
    )
    async def todos(
        self,
        filter: TodoFilter | None = strawberry.UNSET,
        sort: list[TodoSort] | None = strawberry.UNSET,
        first: int | None = strawberry.UNSET,
        after: str | None = strawberry.UNSET,
        last: int | None = strawberry.UNSET,
        before: str | None = strawberry.UNSET,
    ) -> TodoConnection:
        todo_filter = TodoFilter.to_rules(given(filter))
        request = listing.PageRequest(
            first=given(first), after=given(after), last=given(last), before=given(before)
        )
        sort_keys = [key.to_rules() for key in sort] if sort else None
        try:
            page = await listing.fetch_page(todo_filter, sort_keys, request)
        except BadInput as error:
            raise bad_user_input(error) from error
        return TodoConnection.from_page(page, todo_filter)

    @strawberry.field(description="The todo with this ID, or null.")
    async def todo(self, id: strawberry.ID) -> Todo | None:
        return await _todo(id)

    @strawberry.field(description="Any object by its global ID, or null.")
    async def node(self, id: strawberry.ID) -> relay.Node | None:
        return await _todo(id)

    @strawberry.field
    async def todo_stats(self) -> TodoStats:
        stats = await counts.stats()
        return TodoStats(total=stats.total, completed=stats.completed, active=stats.active)
