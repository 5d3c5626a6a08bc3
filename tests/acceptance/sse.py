"""A graphql-sse client for the tests (distinct connections mode), reading the event stream as the
EventSource algorithm does: `event:` and `data:` lines, a blank line ending each event."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx

STREAM_PATH = "/graphql/stream"
WAIT_SECONDS = 10


class EventStream:
    """One operation's open stream: its `next` payloads, in order, then None for `complete`."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.results: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()

    async def next(self) -> dict[str, Any] | None:
        """The next result (None once the server completed the operation)."""
        return await asyncio.wait_for(self.results.get(), WAIT_SECONDS)

    async def take(self, count: int) -> list[dict[str, Any]]:
        results = []
        for _ in range(count):
            result = await self.next()
            assert result is not None, "the stream completed early"
            results.append(result)
        return results

    async def read(self) -> None:
        event, data = "message", []
        async for line in self.response.aiter_lines():
            if line.startswith(":"):
                continue  # a comment: the opening one, or a ping
            if line:
                name, _, value = line.partition(":")
                value = value.removeprefix(" ")
                if name == "event":
                    event = value
                elif name == "data":
                    data.append(value)
                continue
            if event == "next":
                await self.results.put(json.loads("\n".join(data)))
            elif event == "complete":
                await self.results.put(None)
                return
            event, data = "message", []


@contextlib.asynccontextmanager
async def streaming(
    url: str,
    query: str | None,
    headers: dict[str, str] | None = None,
    method: str = "POST",
    **body: Any,
) -> AsyncIterator[EventStream]:
    """An operation sent to /graphql/stream; fails unless the answer is an event stream."""
    payload = {"query": query, **body} if query is not None else body
    request: dict[str, Any] = {"json": payload}
    if method == "GET":
        request = {
            "params": {k: v if isinstance(v, str) else json.dumps(v) for k, v in payload.items()}
        }
    async with (
        httpx.AsyncClient(base_url=url, headers=headers, timeout=WAIT_SECONDS) as client,
        client.stream(
            method, STREAM_PATH, headers={"accept": "text/event-stream"}, **request
        ) as response,
    ):
        assert response.status_code == 200, (response.status_code, await response.aread())
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = EventStream(response)
        reader = asyncio.create_task(stream.read())
        try:
            yield stream
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
                await reader


async def one_result(
    url: str, query: str | None, headers: dict[str, str] | None = None, **body: Any
) -> Any:
    """A query's or a mutation's one result over SSE, checking that the stream then completes."""
    async with streaming(url, query, headers, **body) as stream:
        result = await stream.next()
        assert await stream.next() is None, "expected complete after the one result"
    return result
