"""WebSocket sessions of junk: protocols offered, and messages that are not what either protocol
expects; the server may refuse or close, but cleanly, and must answer nothing it should not."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections.abc import Callable

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.typing import Subprotocol

from tests.acceptance.fuzzing.answers import problems_in
from tests.acceptance.fuzzing.budget import SEED
from tests.acceptance.fuzzing.corpus import HUGE_NUMBERS, JSON_VALUES, QUERIES, SUBSCRIPTION
from tests.acceptance.fuzzing.sending import Tally

PROTOCOLS: list[list[str] | None] = [
    ["graphql-transport-ws"],
    ["graphql-ws"],
    None,
    ["graphql-transport-ws", "graphql-ws"],
    ["junk"],
]


def websocket_frames(rng: random.Random) -> list[str | bytes]:
    """Up to 8 frames of junk, valid-looking messages of both protocols among them."""
    init = json.dumps({"type": "connection_init"})
    subscribe_type = rng.choice(["subscribe", "start"])
    junk: list[Callable[[], str | bytes]] = [
        lambda: rng.randbytes(rng.choice([0, 1, 50, 2000])),
        lambda: "".join(chr(rng.randrange(0x20, 0x7F)) for _ in range(rng.randrange(60))),
        lambda: json.dumps(rng.choice(JSON_VALUES)),
        lambda: rng.choice(HUGE_NUMBERS),
        lambda: init,
        lambda: json.dumps({"type": "connection_init", "payload": rng.choice(JSON_VALUES)}),
        lambda: json.dumps(
            {"type": rng.choice([*JSON_VALUES, "ping", "pong", "complete", "stop"])}
        ),
        lambda: json.dumps({"type": "complete", "id": rng.choice(["1", "", "x" * 1000, 1, None])}),
        lambda: json.dumps(
            {
                "type": subscribe_type,
                "id": rng.choice(["1", "1", "", 1, None, [], "x" * 1000]),
                "payload": rng.choice(
                    [
                        {"query": SUBSCRIPTION},
                        {"query": rng.choice(QUERIES), "variables": {"i": "x", "s": True}},
                        {"query": "subscription { todoEvents { nope } }"},
                        {"query": "subscription { ...F } fragment F on Subscription { ...F }"},
                        {"query": SUBSCRIPTION, "variables": "x"},
                        {"query": 1},
                        {},
                        "x",
                        None,
                    ]
                ),
            }
        ),
        lambda: '{"type": "subscribe", "id": "1", "payload": {"query": "' + "{" * 3000 + '"}}',
        lambda: '{"type": "connection_init", "payload": ' + '{"a":' * 5000 + "}",
        lambda: '{"type": "connection_init", "payload": {"n": ' + "1" * 5000 + "}}",
    ]
    frames: list[str | bytes] = [init] if rng.random() < 0.6 else []
    frames += [rng.choice(junk)() for _ in range(rng.randint(1, 7))]
    return frames


async def websocket_session(url: str, n: int, tally: Tally) -> None:
    rng = random.Random(f"{SEED}:websocket:{n}")
    offered = rng.choice(PROTOCOLS)
    protocols = [Subprotocol(p) for p in offered] if offered is not None else None
    label = f"WebSocket {offered} #{n}"
    tally.websocket_sessions += 1
    sent = ""
    try:
        async with connect(
            url, subprotocols=protocols, open_timeout=10, close_timeout=5, max_size=2**22
        ) as socket:
            for frame in websocket_frames(rng):
                sent += frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
                await socket.send(frame)
                await _read_for(socket, 0.02, label, sent, tally)
            await _read_for(socket, 0.2, label, sent, tally)
        tally.websocket_closes["closed by client"] += 1
    except ConnectionClosed as closed:
        _check_close(closed, label, tally)
    except InvalidStatus as refused:
        status = refused.response.status_code
        tally.websocket_closes[f"handshake refused {status}"] += 1
        if status >= 500:
            tally.problems.append(f"{label}: handshake answered {status}")
    except InvalidHandshake as error:
        tally.websocket_closes[type(error).__name__] += 1
    except TimeoutError:
        tally.problems.append(f"{label}: no handshake within 10 s")


async def _read_for(
    socket: ClientConnection, seconds: float, label: str, sent: str, tally: Tally
) -> None:
    """Reads whatever arrives within `seconds`, checking each message."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            while True:
                message = await socket.recv()
                tally.websocket_messages += 1
                raw = message.encode() if isinstance(message, str) else message
                tally.problems += problems_in(label, 200, raw, sent)


def _check_close(closed: ConnectionClosed, label: str, tally: Tally) -> None:
    """The server may close on junk, but with a close frame, and not as an internal error."""
    if closed.rcvd is None:
        tally.websocket_closes["dropped without a close frame"] += 1
        tally.problems.append(f"{label}: connection dropped without a close frame")
        return
    code = closed.rcvd.code
    tally.websocket_closes[str(code)] += 1
    if code == 1011:
        tally.problems.append(f"{label}: closed with 1011 (internal error)")
    problems = problems_in(label, 200, closed.rcvd.reason.encode(), "")
    tally.problems += problems


async def run_websockets(url: str, sessions: int, seconds: float, tally: Tally) -> None:
    deadline = time.monotonic() + seconds
    ws_url = url.replace("http://", "ws://") + "/graphql"
    numbers = iter(range(sessions))

    async def worker() -> None:
        for n in numbers:
            if time.monotonic() > deadline:
                return
            await websocket_session(ws_url, n, tally)

    await asyncio.gather(*(worker() for _ in range(2)))
