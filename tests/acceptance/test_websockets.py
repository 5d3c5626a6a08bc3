"""WebSocket limits on a running server: an init timeout on both protocols, and caps on
subscriptions per connection and on connections per process."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.typing import Subprotocol

from tests.acceptance.conftest import running_server
from tests.databases import database_url

pytestmark = [pytest.mark.acceptance, pytest.mark.native]

TRANSPORT_WS = Subprotocol("graphql-transport-ws")
LEGACY_WS = Subprotocol("graphql-ws")
SUBSCRIBE = "subscription { todoEvents { kind } }"
LIMITS = {
    "WS_INIT_TIMEOUT_SECONDS": "1",
    "MAX_WEBSOCKETS": "3",
    "MAX_SUBSCRIPTIONS_PER_CONNECTION": "2",
}


@pytest.fixture(scope="module")
def ws_url(tmp_dir: str) -> Iterator[str]:
    env = {"DATABASE_URL": database_url("sqlite", tmp_dir, "websockets"), **LIMITS}
    with running_server(env) as server:
        yield server.url.replace("http", "ws", 1) + "/graphql"


async def closed_with(connection: ClientConnection, within: float) -> int | None:
    with pytest.raises(websockets.ConnectionClosed):
        await asyncio.wait_for(connection.recv(), within)
    return connection.close_code


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_a_silent_client_is_closed_after_the_init_timeout(
    ws_url: str, protocol: Subprotocol
) -> None:
    async with websockets.connect(ws_url, subprotocols=[protocol]) as connection:
        assert await closed_with(connection, within=5) == 4408


async def initialised(ws_url: str) -> ClientConnection:
    connection = await websockets.connect(ws_url, subprotocols=[TRANSPORT_WS])
    await connection.send(json.dumps({"type": "connection_init"}))
    assert json.loads(await connection.recv())["type"] == "connection_ack"
    return connection


async def test_subscriptions_per_connection_are_capped(ws_url: str) -> None:
    connection = await initialised(ws_url)
    try:
        for n in range(3):
            message = {"id": str(n), "type": "subscribe", "payload": {"query": SUBSCRIBE}}
            await connection.send(json.dumps(message))
        reply: dict[str, Any] = json.loads(await asyncio.wait_for(connection.recv(), 5))
        assert (reply["id"], reply["type"]) == ("2", "error")
        assert "limit" in reply["payload"][0]["message"].lower()
    finally:
        await connection.close()


async def test_connections_per_process_are_capped(ws_url: str) -> None:
    held = [await initialised(ws_url) for _ in range(3)]
    try:
        with pytest.raises(websockets.InvalidStatus):
            # The fourth is refused during the handshake.
            await initialised(ws_url)
    finally:
        for connection in held:
            await connection.close()
    # Once they are gone, there is room again.
    await asyncio.sleep(0.5)
    await (await initialised(ws_url)).close()


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("subscription { todoEvents { nope } }", {}, "GRAPHQL_VALIDATION_FAILED"),
        ("subscription($a: String) { todoEvents(after: $a) { kind } }", {"a": 5}, "BAD_USER_INPUT"),
    ],
)
async def test_a_request_error_comes_with_its_code(
    ws_url: str, query: str, variables: dict[str, Any], code: str
) -> None:
    connection = await initialised(ws_url)
    try:
        payload = {"query": query, "variables": variables}
        await connection.send(json.dumps({"type": "subscribe", "id": "1", "payload": payload}))
        reply: dict[str, Any] = json.loads(await asyncio.wait_for(connection.recv(), 5))
        assert (reply["id"], reply["type"]) == ("1", "error"), reply
        assert [error["extensions"]["code"] for error in reply["payload"]] == [code]
    finally:
        await connection.close()


async def test_a_document_that_does_not_parse_gets_its_syntax_error(ws_url: str) -> None:
    """graphql-ws sends it as an error; graphql-transport-ws closes with 4400 and says it."""
    async with websockets.connect(ws_url, subprotocols=[LEGACY_WS]) as connection:
        await connection.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await connection.recv())["type"] == "connection_ack"
        await connection.send(json.dumps({"type": "start", "id": "1", "payload": {"query": "{"}}))
        answer = json.loads(await asyncio.wait_for(connection.recv(), 5))
    assert answer["type"] == "error", answer
    assert answer["payload"]["message"].startswith("Syntax Error"), answer
    connection = await initialised(ws_url)
    await connection.send(json.dumps({"type": "subscribe", "id": "1", "payload": {"query": "{"}}))
    assert await closed_with(connection, within=5) == 4400
    assert (connection.close_reason or "").startswith("Syntax Error")
