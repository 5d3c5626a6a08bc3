"""The event hub: every subscriber gets every event in order; none can hold up the others."""

from __future__ import annotations

import pytest

from models import Todo
from todos import events
from todos.events import EventHub, EventKind, SubscriberFellBehind, TodoEvent


def event(pk: int) -> TodoEvent:
    return TodoEvent(EventKind.UPDATED, pk, Todo(id=pk, title=f"todo {pk}"))


async def test_every_subscriber_gets_every_event_in_order() -> None:
    hub = EventHub()
    async with hub.subscribe() as first, hub.subscribe() as second:
        for pk in range(1, 4):
            hub.publish(event(pk))
        for subscriber in (first, second):
            assert [(await subscriber.next()).pk for _ in range(3)] == [1, 2, 3]


async def test_a_stalled_subscriber_is_dropped_without_slowing_the_others() -> None:
    hub = EventHub()
    async with hub.subscribe() as stalled, hub.subscribe() as reader:
        for pk in range(events.SUBSCRIBER_BACKLOG + 5):
            hub.publish(event(pk))
            assert (await reader.next()).pk == pk
        for pk in range(events.SUBSCRIBER_BACKLOG):
            assert (await stalled.next()).pk == pk
        with pytest.raises(SubscriberFellBehind):
            await stalled.next()


async def test_a_subscriber_that_leaves_is_forgotten() -> None:
    hub = EventHub()
    async with hub.subscribe():
        assert hub.subscriber_count == 1
    assert hub.subscriber_count == 0
    hub.publish(event(1))  # nobody listens; nothing is kept


async def test_events_go_on_to_other_processes_through_forward() -> None:
    hub = EventHub()
    forwarded: list[TodoEvent] = []
    hub.forward = forwarded.append
    hub.publish(event(7))
    hub.deliver(event(8))  # an event from another process is not sent back out
    assert [e.pk for e in forwarded] == [7]
