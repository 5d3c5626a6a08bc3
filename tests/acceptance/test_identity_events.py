"""AUTH_MODE=jwt over WebSockets: each user's events, live and replayed, are theirs alone; a
connection needs a good token, and a subscription ends when its token expires."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from websockets.typing import Subprotocol

from tests.acceptance.conftest import JwtStack
from tests.acceptance.identity import (
    EVENTS,
    LEGACY_WS,
    TRANSPORT_WS,
    closed,
    post,
    received,
    subscribe,
)
from tests.tokens import bearer, token

pytestmark = pytest.mark.acceptance


async def test_events_live_and_replayed_are_each_users_own(jwt_stack: JwtStack) -> None:
    alice, bob = token("dave"), token("erin")
    dave_ws = await subscribe(jwt_stack.jwt_url, TRANSPORT_WS, {"Authorization": f"Bearer {alice}"})
    erin_ws = await subscribe(jwt_stack.jwt_url, LEGACY_WS, None, headers=bearer(bob))
    create = "mutation($t: String!) { createTodo(input: {title: $t}) { __typename } }"
    for n in range(5):
        post(jwt_stack.jwt_url, create, bearer(alice), t=f"dave {n}")
        post(jwt_stack.jwt_url, create, bearer(bob), t=f"erin {n}")
    dave_events, erin_events = await received(dave_ws, 5), await received(erin_ws, 5)
    await asyncio.sleep(0.5)
    for ws in (dave_ws, erin_ws):  # nothing more: the other user's five never arrive
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(ws.recv(), 0.5)
        await ws.close()
    assert not {e["id"] for e in dave_events} & {e["id"] for e in erin_events}
    # Erin replays from dave's first event: only her own follow.
    replay = await subscribe(
        jwt_stack.jwt_url,
        TRANSPORT_WS,
        {"Authorization": f"Bearer {bob}"},
        after=dave_events[0]["cursor"],
    )
    replayed = await received(replay, 5)
    await replay.close()
    assert [e["id"] for e in replayed] == [e["id"] for e in erin_events]


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_a_websocket_without_a_good_token_is_refused(
    jwt_stack: JwtStack, protocol: Subprotocol
) -> None:
    for init in ({}, {"Authorization": f"Bearer {token('alice', lifetime=-30)}"}):
        ws = await websockets.connect(
            jwt_stack.jwt_url.replace("http", "ws", 1) + "/graphql", subprotocols=[protocol]
        )
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        if protocol == LEGACY_WS:
            error = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert error["type"] == "connection_error"
            assert error["payload"]["extensions"]["code"] == "UNAUTHENTICATED"
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)
        if protocol == TRANSPORT_WS:
            assert ws.close_code == 4403
    # connection_init's token wins over the upgrade request's.
    ws = await websockets.connect(
        jwt_stack.jwt_url.replace("http", "ws", 1) + "/graphql",
        subprotocols=[protocol],
        additional_headers=bearer(token("a")),
    )
    await ws.send(
        json.dumps({"type": "connection_init", "payload": {"Authorization": "Bearer not-a-jwt"}})
    )
    answer = await asyncio.wait_for(ws.recv(), 5) if protocol == LEGACY_WS else None
    with pytest.raises(websockets.ConnectionClosed):
        await asyncio.wait_for(ws.recv(), 5)
    assert answer is None or json.loads(answer)["type"] == "connection_error"


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_a_subscription_ends_when_its_token_expires(
    jwt_stack: JwtStack, protocol: Subprotocol
) -> None:
    short = token("frank", lifetime=3)
    ws = await subscribe(jwt_stack.jwt_url, protocol, {"Authorization": f"Bearer {short}"})
    message = json.loads(await asyncio.wait_for(ws.recv(), 10))
    errors = message["payload"]["errors"] if message["type"] != "error" else message["payload"]
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    # Nor may the connection start anything new.
    start = "subscribe" if protocol == TRANSPORT_WS else "start"
    await ws.send(json.dumps({"type": start, "id": "2", "payload": {"query": EVENTS}}))
    assert await closed(ws) == 4403
