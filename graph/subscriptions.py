"""The Subscription root: committed changes, in the event log's order, resumable from any event."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator
from typing import Self

import strawberry
from graphql import GraphQLError

from graph.errors import bad_user_input, cursor_expired, unauthenticated
from graph.ids import todo_global_id
from graph.inputs import given
from graph.types import Todo
from todos import events, owners
from todos.errors import BadInput, CursorExpired
from web.metrics import Metrics

TodoEventKind = strawberry.enum(events.EventKind, name="TodoEventKind")


@strawberry.type(description="A change to one todo, sent to subscribers after it is committed.")
class TodoEvent:
    kind: events.EventKind
    id: strawberry.ID
    todo: Todo | None = strawberry.field(
        description="The todo after the change; null when it was deleted."
    )
    version: int = strawberry.field(
        description="The todo's version after the change; for DELETED, the version it had when "
        "it was deleted."
    )
    cursor: str = strawberry.field(
        description="This event's place in the service's event log: pass it as "
        "todoEvents(after:) to resume."
    )

    @classmethod
    def from_event(cls, event: events.TodoEvent) -> Self:
        return cls(
            kind=event.kind,
            id=strawberry.ID(todo_global_id(event.pk)),
            todo=None if event.todo is None else Todo.from_model(event.todo),
            version=event.version,
            cursor=events.encode_cursor(event.position),
        )


def _loop_time(epoch_seconds: float | None) -> float | None:
    """The event loop's clock at a time given in seconds since the epoch."""
    if epoch_seconds is None:
        return None
    return asyncio.get_running_loop().time() + (epoch_seconds - time.time())


def _metrics(info: strawberry.Info) -> Metrics | None:
    """The app's metrics (METRICS=true), through the WebSocket or request the operation came by."""
    request = info.context.get("request") if isinstance(info.context, dict) else None
    metrics: Metrics | None = getattr(
        getattr(getattr(request, "app", None), "state", None), "metrics", None
    )
    return metrics


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Every committed change in commit order; with `after`, first every change "
        "after that event."
    )
    async def todo_events(
        self, info: strawberry.Info, after: str | None = strawberry.UNSET
    ) -> AsyncGenerator[TodoEvent, None]:
        cursor = given(after)
        try:
            position = None if cursor is None else events.decode_cursor(cursor)
        except BadInput as error:
            raise bad_user_input(error) from error
        # In jwt mode the subscription ends when the token it was opened with expires.
        until = owners.acting_until()
        metrics = _metrics(info)
        if metrics is not None:
            metrics.subscriptions.inc()
        try:
            async with events.hub.subscribe(position) as subscriber:
                while True:
                    try:
                        async with asyncio.timeout_at(_loop_time(until)):
                            event = await subscriber.next()
                    except events.SubscriberFellBehind as error:
                        raise GraphQLError(str(error), extensions={"code": "TOO_SLOW"}) from error
                    except TimeoutError:
                        raise unauthenticated("The token has expired.") from None
                    yield TodoEvent.from_event(event)
                    if metrics is not None:
                        metrics.events.inc()  # sent: the transport asks for the next one
        except CursorExpired as error:
            raise cursor_expired(error) from error
        finally:
            if metrics is not None:
                metrics.subscriptions.dec()
