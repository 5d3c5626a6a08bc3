"""Carries change events between the service's processes through Redis pub/sub.

Each process publishes the events of its own commits to one channel and delivers the events of the
other processes to its local subscribers (its own it has delivered already, in commit order). While
Redis is unreachable, mutations go on and local subscribers still get local events; `/health`
reports events as degraded, and delivery across processes resumes when Redis is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from models import Todo
from todos.events import EventHub, EventKind, TodoEvent

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)

CHANNEL = "todobackend:todo-events"
RETRY_SECONDS = 0.5
# Events waiting for Redis; past this (Redis down for long), the oldest are dropped, not memory.
OUTBOX_LIMIT = 10_000


def encode(event: TodoEvent, origin: str) -> str:
    todo = None
    if event.todo is not None:
        todo = {
            "id": event.todo.id,
            "title": event.todo.title,
            "completed": event.todo.completed,
            "order": event.todo.order,
            "version": event.todo.version,
            "created_at": event.todo.created_at.isoformat(),
            "updated_at": event.todo.updated_at.isoformat(),
        }
    return json.dumps({"origin": origin, "kind": event.kind.value, "pk": event.pk, "todo": todo})


def decode(message: str | bytes) -> tuple[str, TodoEvent]:
    data: dict[str, Any] = json.loads(message)
    fields = data["todo"]
    todo = None
    if fields is not None:
        todo = Todo(
            **fields
            | {
                "created_at": datetime.fromisoformat(fields["created_at"]),
                "updated_at": datetime.fromisoformat(fields["updated_at"]),
            }
        )
    return data["origin"], TodoEvent(EventKind(data["kind"]), int(data["pk"]), todo)


class RedisRelay:
    def __init__(self, url: str, hub: EventHub) -> None:
        # Imported here, not at the top: the client library adds about 35 MB to a process, which
        # one without REDIS_URL need not carry.
        from redis.asyncio import Redis
        from redis.exceptions import RedisError

        self.redis_class = Redis
        self.errors: tuple[type[Exception], ...] = (RedisError, OSError)
        self.url = url
        self.hub = hub
        self.origin = uuid.uuid4().hex  # tells this process's own messages from the others'
        self.outbox: asyncio.Queue[str] = asyncio.Queue()
        self.publish_failing = False
        self.listening = False
        self.listen_failing = False  # so that a failure is logged once, not at every retry

    @property
    def healthy(self) -> bool:
        return self.listening and not self.publish_failing

    def forward(self, event: TodoEvent) -> None:
        if self.outbox.qsize() >= OUTBOX_LIMIT:
            self.outbox.get_nowait()
        self.outbox.put_nowait(encode(event, self.origin))

    def _client(self) -> Redis:
        return self.redis_class.from_url(
            self.url, socket_connect_timeout=2, socket_keepalive=True, health_check_interval=10
        )

    async def publish_forever(self) -> None:
        redis = self._client()
        message: str | None = None
        try:
            while True:
                message = message or await self.outbox.get()
                try:
                    await redis.publish(CHANNEL, message)
                except self.errors as error:
                    if not self.publish_failing:
                        logger.warning("events: cannot publish to Redis (%s); retrying", error)
                    self.publish_failing = True
                    await asyncio.sleep(RETRY_SECONDS)
                else:
                    message = None
                    self.publish_failing = False
        finally:
            await redis.aclose()

    async def listen_forever(self) -> None:
        while True:
            redis = self._client()
            try:
                async with redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self.listening = True
                    self.listen_failing = False
                    logger.info("events: listening on Redis")
                    async for message in pubsub.listen():
                        if message["type"] == "message":
                            self._deliver(message["data"])
            except self.errors as error:
                if not self.listen_failing:
                    logger.warning("events: cannot listen on Redis (%s); retrying", error)
                self.listening = False
                self.listen_failing = True
                await asyncio.sleep(RETRY_SECONDS)
            finally:
                await redis.aclose()

    def _deliver(self, data: str | bytes) -> None:
        try:
            origin, event = decode(data)
        except (ValueError, KeyError, TypeError):
            logger.warning("events: ignored a malformed message on %s", CHANNEL)
            return
        if origin != self.origin:
            self.hub.deliver(event)


@asynccontextmanager
async def relay_events(url: str | None, hub: EventHub) -> AsyncIterator[RedisRelay | None]:
    """While open, `hub`'s events also travel through Redis at `url` (when it is set)."""
    if not url:
        yield None
        return
    relay = RedisRelay(url, hub)
    tasks = [
        asyncio.create_task(relay.publish_forever()),
        asyncio.create_task(relay.listen_forever()),
    ]
    hub.forward = relay.forward
    try:
        yield relay
    finally:
        hub.forward = None
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
