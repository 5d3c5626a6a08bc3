"""Wakes the service's other processes through Redis pub/sub when this one commits a change.

Events travel in the event log (todos/events.py), which every process reads by itself at least
every POLL_SECONDS; a wake-up through Redis only makes the others read it at once. So Redis decides
nothing about what is delivered: while it is unreachable, mutations go on, every subscriber still
gets every event (a little later), `/health` reports events as degraded, and wake-ups resume when
Redis is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from todos.events import EventHub

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)

CHANNEL = "todobackend:todo-events"
RETRY_SECONDS = 0.5


class RedisRelay:
    def __init__(self, url: str, hub: EventHub) -> None:
        # Imported here, not at the top: the client library adds about 13 MB to a process, which
        # one without REDIS_URL need not carry.
        from redis.asyncio import Redis
        from redis.exceptions import RedisError

        self.redis_class = Redis
        self.errors: tuple[type[Exception], ...] = (RedisError, OSError)
        self.url = url
        self.hub = hub
        self.origin = uuid.uuid4().hex  # tells this process's own wake-ups from the others'
        self.pending = asyncio.Event()  # a commit here that the others have not been told of
        self.publish_failing = False
        self.listening = False
        self.listen_failing = False  # so that a failure is logged once, not at every retry

    @property
    def healthy(self) -> bool:
        return self.listening and not self.publish_failing

    def forward(self) -> None:
        # Commits coalesce: one wake-up tells the others to read everything committed so far.
        self.pending.set()

    def _client(self) -> Redis:
        return self.redis_class.from_url(
            self.url, socket_connect_timeout=2, socket_keepalive=True, health_check_interval=10
        )

    async def publish_forever(self) -> None:
        redis = self._client()
        try:
            while True:
                await self.pending.wait()
                self.pending.clear()
                try:
                    await redis.publish(CHANNEL, self.origin)
                except self.errors as error:
                    if not self.publish_failing:
                        logger.warning("events: cannot publish to Redis (%s); retrying", error)
                    self.publish_failing = True
                    self.pending.set()
                    await asyncio.sleep(RETRY_SECONDS)
                else:
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
                    # Anything committed while Redis was away is read now, not at the next poll.
                    self.hub.wake()
                    async for message in pubsub.listen():
                        if message["type"] == "message" and message["data"] != self.origin:
                            self.hub.wake()
            except self.errors as error:
                if not self.listen_failing:
                    logger.warning("events: cannot listen on Redis (%s); retrying", error)
                self.listening = False
                self.listen_failing = True
                await asyncio.sleep(RETRY_SECONDS)
            finally:
                await redis.aclose()


@asynccontextmanager
async def relay_events(url: str | None, hub: EventHub) -> AsyncIterator[RedisRelay | None]:
    """While open, `hub`'s commits also wake the other processes through Redis at `url` (when it
    is set)."""
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
