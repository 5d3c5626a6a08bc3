"""The request body limit (MAX_BODY_BYTES): Starlette's RequestBodyLimitMiddleware, its answers
unchanged, without its cost where a request's headers already keep it within the limit.

Starlette parses every request's headers into an object to read Content-Length, and wraps receive
and send to count the body as it arrives: a few per cent of a small request's time. A request
whose Content-Length is within the limit (the server reads no more body than that), or that
declares no body at all (neither Content-Length nor Transfer-Encoding: a GET), cannot go past it,
so it goes straight to the app. Anything else (a length over the limit, a chunked body, a length
that is not one number) is Starlette's own code; tests/web/test_bodylimit.py holds the two to the
same messages.
"""

from __future__ import annotations

from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY, RequestBodyLimitMiddleware
from starlette.types import Receive, Scope, Send


class BodyLimit(RequestBodyLimitMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or MAX_BODY_SIZE_SCOPE_KEY in scope or not self._kept(scope):
            await super().__call__(scope, receive, send)
            return
        # What Starlette's leaves in the scope while the app runs (the limit in force).
        scope[MAX_BODY_SIZE_SCOPE_KEY] = self.max_body_size
        try:
            await self.app(scope, receive, send)
        finally:
            scope.pop(MAX_BODY_SIZE_SCOPE_KEY, None)

    def _kept(self, scope: Scope) -> bool:
        """Whether the request's headers alone keep its body within the limit."""
        length = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                if length is not None or not value.isdigit():
                    return False  # repeated, or not a number: Starlette decides
                length = int(value)
            elif name == b"transfer-encoding":
                return False  # a chunked body is counted as it comes
        return length is None or length <= self.max_body_size
