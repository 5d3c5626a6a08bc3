"""What the identity tests share: GraphQL over HTTP with a token, and a todoEvents subscription
on either WebSocket protocol."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import httpx
import websockets
from websockets.typing import Subprotocol

TRANSPORT_WS = Subprotocol("graphql-transport-ws")
LEGACY_WS = Subprotocol("graphql-ws")
CREATE = "mutation($t: String!) { createTodo(input: {title: $t}) { __typename } }"
EVENTS = "subscription($after: String) { todoEvents(after: $after) { kind id version cursor } }"


def post(url: str, query: str, headers: dict[str, str], **variables: Any) -> httpx.Response:
    return httpx.post(
        f"{url}/graphql", json={"query": query, "variables": variables}, headers=headers
    )


async def subscribe(
    url: str,
    protocol: Subprotocol,
    init: dict[str, Any] | None,
    headers: dict[str, str] | None = None,
    after: str | None = None,
) -> Any:
    """An initialised connection with a todoEvents subscription (id "1") open on it."""
    ws = await websockets.connect(
        url.replace("http", "ws", 1) + "/graphql",
        subprotocols=[protocol],
        additional_headers=headers,
    )
    await ws.send(json.dumps({"type": "connection_init", "payload": init or {}}))
    ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert ack["type"] == "connection_ack", ack
    start = "subscribe" if protocol == TRANSPORT_WS else "start"
    payload = {"query": EVENTS, "variables": {"after": after}}
    await ws.send(json.dumps({"type": start, "id": "1", "payload": payload}))
    await asyncio.sleep(0.3)  # subscribed before the test changes anything
    return ws


async def received(ws: Any, count: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while len(events) < count:
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert message["type"] in ("next", "data"), message
        events.append(message["payload"]["data"]["todoEvents"])
    return events


async def closed(ws: Any) -> int:
    """The close code, once the server has closed the connection (within 5 s)."""
    with contextlib.suppress(websockets.ConnectionClosed):
        async with asyncio.timeout(5):
            async for _ in ws:
                pass
    code: int = ws.close_code
    return code
