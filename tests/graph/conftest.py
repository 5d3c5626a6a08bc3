"""Fixtures of the schema's tests: a todoEvents subscription, in process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import pytest

from graph.schema import build_schema
from settings import Settings
from tests.graphql import GraphQLClient
from todos import events

SUBSCRIBE = (
    "subscription { todoEvents { kind id version cursor todo { id title completed version } } }"
)


class Events:
    """A todoEvents subscription that has started listening."""

    def __init__(self, stream: AsyncGenerator[Any, None]) -> None:
        self.stream = stream

    async def take(self, count: int) -> list[dict[str, Any]]:
        received = []
        for _ in range(count):
            result = await asyncio.wait_for(anext(self.stream), timeout=5)
            assert result.errors is None, result.errors
            received.append(result.data["todoEvents"])
        return received


@pytest.fixture
async def subscription(client: GraphQLClient) -> AsyncIterator[Events]:
    stream = await build_schema(Settings()).subscribe(SUBSCRIBE)
    assert isinstance(stream, AsyncGenerator)
    before = events.hub.subscriber_count
    first = asyncio.ensure_future(anext(stream))
    # The generator subscribes when it first runs; the hub has no signal for that, so poll.
    while events.hub.subscriber_count == before:  # noqa: ASYNC110
        await asyncio.sleep(0.01)

    async def replay() -> AsyncGenerator[Any, None]:
        yield await first
        async for result in stream:
            yield result

    yield Events(replay())
    first.cancel()
    await stream.aclose()
