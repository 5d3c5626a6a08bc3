"""The Subscription root: committed changes, as they happen."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Self

import strawberry
from graphql import GraphQLError

from graph.ids import todo_global_id
from graph.types import Todo
from todos import events

TodoEventKind = strawberry.enum(events.EventKind, name="TodoEventKind")


@strawberry.type(description="A change to one todo, sent to subscribers after it is committed.")
class TodoEvent:
    kind: events.EventKind
    id: strawberry.ID
    todo: Todo | None = strawberry.field(
        description="The todo after the change; null when it was deleted."
    )

    @classmethod
    def from_event(cls, event: events.TodoEvent) -> Self:
        return cls(
            kind=event.kind,
            id=strawberry.ID(todo_global_id(event.pk)),
            todo=None if event.todo is None else Todo.from_model(event.todo),
        )


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Every change to any todo, in commit order.")
    async def todo_events(self) -> AsyncGenerator[TodoEvent, None]:
        async with events.hub.subscribe() as subscriber:
            while True:
                try:
                    event = await subscriber.next()
                except events.SubscriberFellBehind as error:
                    raise GraphQLError(str(error), extensions={"code": "TOO_SLOW"}) from error
                yield TodoEvent.from_event(event)
