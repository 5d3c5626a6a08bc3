"""CORS: Starlette's CORSMiddleware, its answers unchanged, at a fraction of its cost a request.

Starlette parses every request's headers into an object, and every response's, to add the same
two or three headers; here the request's are scanned once, and a response that carries none of
the headers CORS sets gets those it would add, made once per origin. Preflights, and responses
that already carry such a header, are Starlette's own code (tests/web/test_cors.py holds the two
to the same answers).
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The response headers Starlette's simple responses set or extend.
SET_BY_CORS = frozenset(
    {
        b"vary",
        b"access-control-allow-origin",
        b"access-control-allow-credentials",
        b"access-control-expose-headers",
    }
)
ORIGINS_KEPT = 256  # origins whose headers are remembered
Raw = list[tuple[bytes, bytes]]


class CORS(CORSMiddleware):
    def __init__(self, app: ASGIApp, /, **options: Any) -> None:
        super().__init__(app, **options)
        self._added_by_origin: dict[str | None, Raw] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = None
        asks_method = False
        for name, value in scope["headers"]:
            if name == b"origin":
                if origin is None:  # the first, as Starlette's Headers.get() takes it
                    origin = value.decode("latin-1")
            elif name == b"access-control-request-method":
                asks_method = True
        if origin is not None and asks_method and scope["method"] == "OPTIONS":
            response = self.preflight_response(request_headers=Headers(scope=scope))
            await response(scope, receive, send)
            return
        added = self._added_by_origin.get(origin)
        if added is None:
            added = await self._added(origin)

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw: Raw = list(message.get("headers", ()))
                if any(name.lower() in SET_BY_CORS for name, _ in raw):
                    # Starlette's merging of what is there already.
                    message["headers"] = raw
                    await self.send(message, send, Headers(scope=scope))
                    return
                message["headers"] = raw + added
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _added(self, origin: str | None) -> Raw:
        """What Starlette's send() adds to a response without CORS headers of its own, for
        requests from `origin` (or none)."""
        message: Message = {"type": "http.response.start", "headers": []}

        async def keep(_: Message) -> None:
            return None

        await self.send(
            message, keep, Headers(headers={} if origin is None else {"origin": origin})
        )
        added: Raw = list(message["headers"])
        if len(self._added_by_origin) >= ORIGINS_KEPT:
            self._added_by_origin.clear()
        self._added_by_origin[origin] = added
        return added
