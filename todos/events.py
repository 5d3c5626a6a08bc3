"""Change events for subscribers: the event log (todos/eventlog.py), read in order and fanned out.

Each process follows the log: it reads it right after its own commits, whenever another process
wakes it (through Redis, when set), and every POLL_SECONDS regardless, so events reach every
subscriber of every process in the log's one order even when nothing wakes it. A subscriber can
start after any event still in the log: it is first sent what followed, then live events, with no
gap or repeat between the two. No subscriber can hold up a mutation: each has its own bounded
queue, and one that falls too far behind is ended (it resumes from its last event).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from todos import eventlog, owners
from todos.errors import BadInput, CursorExpired
from todos.eventlog import EventKind, TodoEvent

__all__ = [
    "EventHub",
    "EventKind",
    "SubscriberFellBehind",
    "TodoEvent",
    "decode_cursor",
    "encode_cursor",
    "hub",
]

logger = logging.getLogger(__name__)

# Events a subscriber may have waiting before it counts as gone: far more than a burst of bulk
# changes to a normal list, small enough to bound the memory a stalled client can hold.
SUBSCRIBER_BACKLOG = 10_000
# How often the log is read when nothing wakes the reader: delivery between processes without
# Redis, or while it is down.
POLL_SECONDS = 0.5
READ_BATCH = 500
RETRY_SECONDS = 1.0
# Retention deletes old events in small batches, so that it never holds up the writers for long.
PRUNE_BATCH = 500
PRUNE_PAUSE_SECONDS = 0.05


_CURSOR_PREFIX = "TodoEvent:"


def encode_cursor(position: int) -> str:
    """An event's opaque cursor, to pass as todoEvents(after:)."""
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{position}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The log position a cursor names; BadInput when this service cannot have issued it."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
    except (ValueError, UnicodeError, binascii.Error):
        raise BadInput("Invalid cursor.") from None
    digits = text.removeprefix(_CURSOR_PREFIX)
    # Only the exact text issued: base64 decoding forgives stray characters, int() signs and "_".
    if text == digits or not digits.isascii() or not digits.isdigit() or len(digits) > 18:
        raise BadInput("Invalid cursor.")
    if encode_cursor(int(digits)) != cursor:
        raise BadInput("Invalid cursor.")
    return int(digits)


class SubscriberFellBehind(Exception):
    """The subscriber did not keep up and missed events; its subscription ends."""


def _database() -> BaseDBAsyncClient:
    database: BaseDBAsyncClient = connections.get("default")
    return database


class Subscriber:
    """One subscription's events: `owner`'s alone."""

    def __init__(self, replay_after: int | None, live_after: int, owner: str) -> None:
        self.owner = owner
        self._queue: asyncio.Queue[TodoEvent | None] = asyncio.Queue(SUBSCRIBER_BACKLOG + 1)
        self.fell_behind = False
        # Events (replay_after, live_after] come from the log, then the live ones.
        self._replay_after = (
            replay_after if replay_after is not None and replay_after < live_after else None
        )
        self._live_after = live_after
        self._replayed: deque[TodoEvent] = deque()

    def offer(self, event: TodoEvent) -> None:
        if self.fell_behind or event.position <= self._live_after or event.owner != self.owner:
            return
        if self._queue.qsize() >= SUBSCRIBER_BACKLOG:
            self.fell_behind = True
            self._queue.put_nowait(None)  # wakes the subscriber to end its subscription
            return
        self._queue.put_nowait(event)

    async def next(self) -> TodoEvent:
        # A batch of the log may hold none of this owner's events: on to the next.
        while not self._replayed and self._replay_after is not None:
            await self._replay()
        if self._replayed:
            return self._replayed.popleft()
        event = await self._queue.get()
        if event is None:
            raise SubscriberFellBehind("The subscription fell too far behind and was ended.")
        return event

    async def _replay(self) -> None:
        assert self._replay_after is not None
        events = await eventlog.read(
            _database(), self._replay_after, READ_BATCH, until=self._live_after
        )
        # Positions have no gaps: a missing first one was deleted by retention.
        if not events or events[0].position != self._replay_after + 1:
            raise CursorExpired()
        self._replayed.extend(event for event in events if event.owner == self.owner)
        last = events[-1].position
        self._replay_after = None if last >= self._live_after else last


class EventHub:
    """This process's subscribers, fed from the log."""

    def __init__(self) -> None:
        self._subscribers: set[Subscriber] = set()
        self._position: int | None = None  # the last event delivered; None while none listens
        self._lock = asyncio.Lock()  # one reader of the log at a time
        self._wake = asyncio.Event()
        self.forward: Callable[[], None] | None = None  # wakes the other processes (Redis)
        self._failing = False

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def committed(self) -> None:
        """A change was committed here: read the log now, and wake the other processes."""
        if self._subscribers:  # with none, there is nothing to read it for
            self._wake.set()
        if self.forward is not None:
            self.forward()

    def wake(self) -> None:
        """Another process committed a change: read the log now."""
        self._wake.set()

    async def follow(self) -> None:
        """Deliver the log's events to the subscribers here, for as long as it runs."""
        while True:
            try:
                async with asyncio.timeout(POLL_SECONDS):
                    await self._wake.wait()
            except TimeoutError:
                pass
            self._wake.clear()
            try:
                await self._catch_up()
            except Exception as error:  # a lost database: subscribers wait, the reader retries
                if not self._failing:
                    logger.warning("events: cannot read the event log (%s); retrying", error)
                self._failing = True
                await asyncio.sleep(RETRY_SECONDS)
            else:
                self._failing = False

    async def _catch_up(self) -> None:
        async with self._lock:
            if not self._subscribers:
                self._position = None
                return
            if self._position is None:
                self._position = await eventlog.head(_database())
            while True:
                events = await eventlog.read(_database(), self._position, READ_BATCH)
                for event in events:
                    for subscriber in tuple(self._subscribers):
                        subscriber.offer(event)
                if events:
                    self._position = events[-1].position
                if len(events) < READ_BATCH:
                    return

    @asynccontextmanager
    async def subscribe(self, after: int | None = None) -> AsyncIterator[Subscriber]:
        """A subscriber to every event of the current owner's todos after this moment, or after
        position `after`."""
        async with self._lock:
            # Live from the last commit on, which the hub's reader may not have reached yet.
            live_after = await eventlog.head(_database())
            if self._position is None:
                self._position = live_after
            # A position never handed out (another database's), or an event retention deleted.
            if after is not None and (
                after > live_after or not await eventlog.exists(_database(), after)
            ):
                raise CursorExpired()
            subscriber = Subscriber(after, live_after, owners.current())
            self._subscribers.add(subscriber)
        try:
            yield subscriber
        finally:
            # A subscriber that goes (unsubscribes, disconnects) frees its queue at once.
            self._subscribers.discard(subscriber)


async def retain(seconds: float) -> None:
    """Delete the events older than `seconds` from the log, in small batches, for as long as it
    runs (every process does: the deletions are the same whoever makes them)."""
    interval = min(60.0, max(seconds / 4, 0.5))
    while True:
        try:
            # A full batch leaves more to delete: on after a pause that lets the writers in.
            while await eventlog.prune(_database(), seconds, PRUNE_BATCH) == PRUNE_BATCH:  # noqa: ASYNC110
                await asyncio.sleep(PRUNE_PAUSE_SECONDS)
        except Exception as error:  # a lost database: try again later
            logger.warning("events: cannot prune the event log (%s)", error)
        await asyncio.sleep(interval)


@asynccontextmanager
async def running(hub: EventHub, retention_seconds: float) -> AsyncIterator[None]:
    """While open, `hub` follows the log and the log keeps `retention_seconds` of events."""
    tasks = [asyncio.create_task(hub.follow()), asyncio.create_task(retain(retention_seconds))]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


hub = EventHub()
