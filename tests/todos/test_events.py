"""The event log and its hub: every subscriber gets every event in the log's order, resumes from
any event still kept, and none can hold up the others."""

from __future__ import annotations

import asyncio
import base64

import pytest

from models import Todo, TodoEventRecord
from todos import commands, eventlog, events
from todos.errors import BadInput, CursorExpired
from todos.events import EventKind, SubscriberFellBehind, TodoEvent

WAIT_SECONDS = 5


async def create(title: str) -> Todo:
    todo = await commands.create(title)
    assert isinstance(todo, Todo)
    return todo


async def take(subscriber: events.Subscriber, count: int) -> list[TodoEvent]:
    return [await asyncio.wait_for(subscriber.next(), WAIT_SECONDS) for _ in range(count)]


async def test_every_subscriber_gets_every_event_in_log_order(empty: str) -> None:
    async with events.hub.subscribe() as first, events.hub.subscribe() as second:
        todo = await create("a")
        await commands.update(todo.id, commands.TodoChanges(completed=True))
        await commands.delete(todo.id)
        received = [await take(subscriber, 3) for subscriber in (first, second)]
    assert received[0] == received[1]
    assert [(e.kind, e.pk, e.version) for e in received[0]] == [
        (EventKind.CREATED, todo.id, 1),
        (EventKind.UPDATED, todo.id, 2),
        (EventKind.DELETED, todo.id, 2),  # the version it had when it was deleted
    ]
    positions = [e.position for e in received[0]]
    assert positions == list(range(positions[0], positions[0] + 3))


async def test_a_subscriber_gets_only_what_is_committed_after_it_subscribed(empty: str) -> None:
    before = await create("before")
    async with events.hub.subscribe() as subscriber:
        after = await create("after")
        assert [e.pk for e in await take(subscriber, 1)] == [after.id]
    assert before.id != after.id


async def test_a_subscriber_resumes_after_any_event_with_no_gap_or_repeat(empty: str) -> None:
    async with events.hub.subscribe() as live:
        todos = [await create(f"t{n}") for n in range(5)]
        stream = await take(live, 5)
        async with events.hub.subscribe(after=stream[1].position) as resumed:
            later = await create("later")
            replayed = await take(resumed, 4)
        assert replayed == [*stream[2:], *(await take(live, 1))]
    assert [e.pk for e in replayed] == [todos[2].id, todos[3].id, todos[4].id, later.id]


async def test_a_cursor_is_opaque_and_checked() -> None:
    cursor = events.encode_cursor(42)
    assert "42" not in cursor
    assert events.decode_cursor(cursor) == 42
    for forged in ("", "nonsense", cursor + "=", cursor[:-1], events.encode_cursor(42) + "A"):
        with pytest.raises(BadInput):
            events.decode_cursor(forged)
    # Written the way the service never writes one: a sign, leading zeros, another prefix.
    for text in ("TodoEvent:+4", "TodoEvent:042", "Todo:42", "TodoEvent:", "TodoEvent:4_2"):
        with pytest.raises(BadInput):
            events.decode_cursor(base64.urlsafe_b64encode(text.encode()).decode())


async def test_a_cursor_past_retention_or_never_issued_has_expired(empty: str) -> None:
    async with events.hub.subscribe() as live:
        for title in ("first", "second", "third"):
            await create(title)
        first, second, third = await take(live, 3)
    with pytest.raises(CursorExpired):  # a position never handed out
        async with events.hub.subscribe(after=third.position + 1000):
            pass
    # Retention deletes an event while a replay after it has yet to read what followed it.
    async with events.hub.subscribe(after=first.position) as resumed:
        await TodoEventRecord.filter(position__lte=second.position).delete()
        with pytest.raises(CursorExpired):
            await resumed.next()
    with pytest.raises(CursorExpired):  # its event is no longer in the log
        async with events.hub.subscribe(after=second.position):
            pass
    async with events.hub.subscribe(after=third.position) as resumed:
        later = await create("later")
        assert [e.pk for e in await take(resumed, 1)] == [later.id]


async def test_a_stalled_subscriber_is_ended_without_slowing_the_others(
    empty: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(events, "SUBSCRIBER_BACKLOG", 5)
    async with events.hub.subscribe() as stalled, events.hub.subscribe() as reader:
        for n in range(8):
            await create(f"t{n}")
            await take(reader, 1)
        assert len(await take(stalled, 5)) == 5
        with pytest.raises(SubscriberFellBehind):
            await stalled.next()


async def test_a_subscriber_that_leaves_is_forgotten(empty: str) -> None:
    async with events.hub.subscribe():
        assert events.hub.subscriber_count == 1
    assert events.hub.subscriber_count == 0


async def test_retention_deletes_old_events_only(empty: str) -> None:
    await create("kept")
    connection = Todo._meta.db
    assert await eventlog.prune(connection, older_than_seconds=3600, batch=10) == 0
    kept = await TodoEventRecord.all().count()
    assert kept > 0
    await asyncio.sleep(0.01)
    assert await eventlog.prune(connection, older_than_seconds=0.001, batch=10**6) == kept
    assert await TodoEventRecord.all().count() == 0
