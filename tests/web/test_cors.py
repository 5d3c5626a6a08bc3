"""web/cors.py against Starlette's CORSMiddleware: the same messages for every kind of request and
response, whatever the settings (any origin, a list, a pattern, credentials, exposed headers)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Message, Receive, Scope, Send

from web.cors import CORS

SETTINGS: list[dict[str, Any]] = [
    {"allow_origins": ["*"], "allow_methods": ["GET", "POST"], "allow_headers": ["*"]},
    {"allow_origins": ["https://app.example"], "allow_methods": ["*"], "max_age": 60},
    {"allow_origins": ["*"], "allow_credentials": True, "expose_headers": ["X-Request-ID"]},
    {"allow_origin_regex": r"https://.*\.example", "allow_headers": ["content-type"]},
]
REQUESTS: list[tuple[str, list[tuple[bytes, bytes]]]] = [
    ("POST", []),
    ("POST", [(b"origin", b"https://app.example")]),
    ("GET", [(b"origin", b"https://elsewhere.test")]),
    ("GET", [(b"origin", b"https://a.example"), (b"origin", b"https://b.test")]),
    ("OPTIONS", [(b"origin", b"https://app.example"), (b"access-control-request-method", b"PUT")]),
    ("OPTIONS", [(b"origin", b"https://x.test"), (b"access-control-request-method", b"POST"),
                 (b"access-control-request-headers", b"content-type, x-custom")]),
    ("OPTIONS", [(b"access-control-request-method", b"PUT")]),  # no origin: not a preflight
    ("OPTIONS", [(b"origin", b"https://app.example")]),  # no method asked: not a preflight
]  # fmt: skip
RESPONSES: list[list[tuple[bytes, bytes]]] = [
    [(b"content-type", b"application/json")],
    [(b"content-type", b"text/plain"), (b"vary", b"Accept-Encoding")],
    [(b"access-control-allow-origin", b"https://mine.example")],
    [(b"Vary", b"Accept"), (b"vary", b"Cookie")],
]


def inner(headers: list[tuple[bytes, bytes]]) -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": list(headers)})
        await send({"type": "http.response.body", "body": b"{}"})

    return app


async def messages(middleware: Any, method: str, headers: list[tuple[bytes, bytes]]) -> Any:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": "/todos", "headers": headers,
             "query_string": b"", "root_path": ""}  # fmt: skip
    await middleware(scope, receive, send)
    return sent


@pytest.mark.parametrize("settings", SETTINGS)
async def test_the_answers_are_starlettes(settings: dict[str, Any]) -> None:
    for (method, headers), response in itertools.product(REQUESTS, RESPONSES):
        ours = CORS(inner(response), **settings)
        theirs = CORSMiddleware(inner(response), **settings)
        for _ in range(2):  # the second time from what it remembered of the origin
            assert await messages(ours, method, headers) == await messages(
                theirs, method, headers
            ), (method, headers, response)
