"""Change events: every committed change to a todo, fanned out to this process's subscribers.

Publishing is synchronous and happens right after the commit, so within one process subscribers
see events in commit order, and no subscriber can hold up a mutation: each has its own bounded
queue, and one that falls too far behind is dropped instead of slowing the others.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from models import Todo

logger = logging.getLogger(__name__)

# Events a subscriber may have waiting before it counts as gone: far more than a burst of bulk
# changes to a normal list, small enough to bound the memory a stalled client can hold.
SUBSCRIBER_BACKLOG = 10_000


class EventKind(enum.Enum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    DELETED = "DELETED"


@dataclass(frozen=True)
class TodoEvent:
    kind: EventKind
    pk: int
    todo: Todo | None  # the todo after the change; None when it was deleted


class SubscriberFellBehind(Exception):
    """The subscriber did not keep up and missed events; its subscription ends."""


class Subscriber:
    def __init__(self) -> None:
        self._queue: asyncio.Queue[TodoEvent | None] = asyncio.Queue(SUBSCRIBER_BACKLOG + 1)
        self.fell_behind = False

    def offer(self, event: TodoEvent) -> None:
        if self.fell_behind:
            return
        if self._queue.qsize() >= SUBSCRIBER_BACKLOG:
            self.fell_behind = True
            self._queue.put_nowait(None)  # wakes the subscriber to end its subscription
            return
        self._queue.put_nowait(event)

    async def next(self) -> TodoEvent:
        event = await self._queue.get()
        if event is None:
            raise SubscriberFellBehind("The subscription fell too far behind and was ended.")
        return event


class EventHub:
    """This process's subscribers, and where its own events go beyond it (Redis, when set)."""

    def __init__(self) -> None:
        self._subscribers: set[Subscriber] = set()
        self.forward: Callable[[TodoEvent], None] | None = None

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def publish(self, event: TodoEvent) -> None:
        """Send a committed change to every subscriber here, and on to the other processes."""
        self.deliver(event)
        if self.forward is not None:
            self.forward(event)

    def deliver(self, event: TodoEvent) -> None:
        """Send an event to this process's subscribers only."""
        for subscriber in tuple(self._subscribers):
            subscriber.offer(event)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[Subscriber]:
        subscriber = Subscriber()
        self._subscribers.add(subscriber)
        try:
            yield subscriber
        finally:
            # A subscriber that goes (unsubscribes, disconnects) frees its queue at once.
            self._subscribers.discard(subscriber)


hub = EventHub()


def created(todo: Todo) -> None:
    hub.publish(TodoEvent(EventKind.CREATED, todo.id, todo))


def updated(todo: Todo) -> None:
    hub.publish(TodoEvent(EventKind.UPDATED, todo.id, todo))


def deleted(pk: int) -> None:
    hub.publish(TodoEvent(EventKind.DELETED, pk, None))
