"""web/bodylimit.py against Starlette's RequestBodyLimitMiddleware: the same messages for bodies
within, at and past the limit, declared or chunked, read by the app or not; and the requests
whose headers keep them within it reach the app with the server's own receive."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY, RequestBodyLimitMiddleware
from starlette.types import Message, Receive, Scope, Send

from web.bodylimit import BodyLimit

LIMIT = 10
Headers = list[tuple[bytes, bytes]]
# The request's headers, and its body in the chunks the server hands over.
REQUESTS: list[tuple[Headers, list[bytes]]] = [
    ([], []),  # a GET: no body declared
    ([(b"content-length", b"0")], [b""]),
    ([(b"content-length", b"4")], [b"{}{}"]),
    ([(b"content-length", b"10")], [b"12345", b"67890"]),  # at the limit
    ([(b"content-length", b"11")], [b"12345678901"]),  # past it
    ([(b"content-length", b"99999999999999999999")], [b"x"]),
    ([(b"transfer-encoding", b"chunked")], [b"12345", b"67890"]),
    ([(b"transfer-encoding", b"chunked")], [b"123456", b"789012"]),
    ([(b"content-length", b"abc")], [b"12"]),
    ([(b"content-length", b"-1")], [b"12"]),
    ([(b"content-length", b"4"), (b"content-length", b"40")], [b"1234"]),
    ([(b"content-type", b"application/json"), (b"content-length", b"2")], [b"{}"]),
]


def reading(reads: bool) -> Any:
    """An app that reads the whole body (or not) and answers with what it got."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while reads:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        limit = str(scope.get(MAX_BODY_SIZE_SCOPE_KEY)).encode()
        headers = [(b"x-limit", limit)]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


async def messages(middleware: Any, headers: Headers, chunks: list[bytes]) -> Any:
    sent: list[Message] = []
    pending = list(chunks) or [b""]

    async def receive() -> Message:
        body = pending.pop(0) if pending else b""
        return {"type": "http.request", "body": body, "more_body": bool(pending)}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/graphql", "headers": headers,
             "query_string": b"", "root_path": ""}  # fmt: skip
    try:
        await middleware(scope, receive, send)
    except Exception as error:  # the same exception from both, if any
        return sent, type(error).__name__, sorted(scope)
    return sent, None, sorted(scope)


@pytest.mark.parametrize(
    ("request_", "reads"), list(itertools.product(REQUESTS, (True, False))), ids=str
)
async def test_the_same_messages_as_starlettes(
    request_: tuple[Headers, list[bytes]], reads: bool
) -> None:
    headers, chunks = request_
    ours = await messages(BodyLimit(reading(reads), max_body_size=LIMIT), headers, chunks)
    starlettes = await messages(
        RequestBodyLimitMiddleware(reading(reads), max_body_size=LIMIT), headers, chunks
    )
    assert ours == starlettes


@pytest.mark.parametrize(
    ("headers", "kept"),
    [
        ([], True),
        ([(b"content-length", b"10")], True),
        ([(b"content-length", b"11")], False),
        ([(b"transfer-encoding", b"chunked")], False),
        ([(b"content-length", b"x1")], False),
    ],
)
async def test_requests_kept_within_the_limit_reach_the_app_unwrapped(
    headers: Headers, kept: bool
) -> None:
    received: list[Receive] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        received.append(receive)

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        pass

    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
    await BodyLimit(app, max_body_size=LIMIT)(scope, receive, send)
    assert (received[0] is receive) is kept
