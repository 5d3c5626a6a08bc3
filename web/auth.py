"""AUTH_MODE=jwt over HTTP: every request to the API (GraphQL and REST) names its user with a
bearer token, and runs as that user (todos/owners.py); one without a good token is answered 401
and nothing runs. WebSockets are checked by the GraphQL view, at connection_init."""

from __future__ import annotations

import json

from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Receive, Scope, Send

from todos import owners
from web.media import GRAPHQL_RESPONSE_CONTENT_TYPE, JSON, wants_graphql_response
from web.tokens import TokenError, TokenVerifier, bearer_token

# The paths that need a token; the others (/, /health, GraphiQL's files) stay open.
GRAPHQL_PATH = "/graphql"
STREAM_PATH = "/graphql/stream"  # graph/sse.py: a subscription there ends with the token
REST_PATH = "/todos"


def refusal_headers(
    presented: bool, message: str, content_type: str = JSON
) -> list[tuple[bytes, bytes]]:
    """RFC 6750's challenge: a bare one without a token, an invalid_token one with a bad one."""
    challenge = "Bearer"
    if presented:
        description = message.replace("\\", "").replace('"', "'")
        challenge = f'Bearer error="invalid_token", error_description="{description}"'
    return [
        (b"www-authenticate", challenge.encode()),
        (b"content-type", content_type.encode()),
        (b"cache-control", b"no-store"),
    ]


class RequireToken:
    """Runs each API request as the user its token names; 401 without one."""

    def __init__(self, app: ASGIApp, verifier: TokenVerifier) -> None:
        self.app = app
        self.verifier = verifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._guarded(scope):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        authorization = headers.get("authorization")
        try:
            identity = await self.verifier.verify(bearer_token(authorization))
        except TokenError as error:
            presented = authorization is not None
            await self._refuse(scope, send, str(error), presented, headers.get("accept"))
            return
        with owners.acting_as(identity.subject, until=identity.expires_at):
            await self.app(scope, receive, send)

    def _guarded(self, scope: Scope) -> bool:
        path: str = scope["path"]
        if path == STREAM_PATH:
            return True
        if path == GRAPHQL_PATH:
            # A GET without a query (or a persisted query's hash) runs nothing: browsers open
            # GraphiQL so, whose requests then carry the token.
            parameters = QueryParams(scope["query_string"])
            runs = "query" in parameters or "extensions" in parameters
            return scope["method"] != "GET" or runs
        return path == REST_PATH or path.startswith(f"{REST_PATH}/")

    async def _refuse(
        self, scope: Scope, send: Send, message: str, presented: bool, accept: str | None
    ) -> None:
        body: dict[str, object]
        content_type = JSON
        if scope["path"] in (GRAPHQL_PATH, STREAM_PATH):
            body = {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]}
            if wants_graphql_response(accept):
                content_type = GRAPHQL_RESPONSE_CONTENT_TYPE
        else:
            body = {"detail": message}
        content = json.dumps(body).encode()
        headers = [
            *refusal_headers(presented, message, content_type),
            (b"content-length", b"%d" % len(content)),
        ]
        await send({"type": "http.response.start", "status": 401, "headers": headers})
        await send({"type": "http.response.body", "body": content})
