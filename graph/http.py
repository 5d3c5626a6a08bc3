"""The GraphQL endpoint: Strawberry's ASGI view, strict about the bodies it accepts, with a
GraphiQL that loads nothing from outside the service."""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import timedelta
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.http.ides import GraphQL_IDE
from strawberry.schema import BaseSchema
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from graph import graphiql
from graph.errors import oversized, persisted_query_error, unavailable
from graph.fast.path import FastPath
from graph.persisted import (
    PersistedDocuments,
    PersistedQueryNotAllowed,
    PersistedQueryNotFound,
    PersistedQueryRefused,
)
from graph.refusals import decode_object, graphql_error_response
from graph.websockets import (
    TRY_AGAIN_LATER_CLOSE_CODE,
    ConnectionCount,
    LegacyHandler,
    TransportHandler,
)
from settings import Settings
from todos import owners
from web import observations
from web.jsonbody import dump_json
from web.media import (
    GRAPHQL_RESPONSE,
    GRAPHQL_RESPONSE_CONTENT_TYPE,
    JSON,
    is_request_error,
    wants_graphql_response,
)
from web.metrics import Metrics
from web.outage import RETRY_AFTER_SECONDS
from web.tokens import TokenError, TokenVerifier, bearer_token

# What a POST may run (subscriptions are served over WebSocket and SSE).
OVER_POST = frozenset({OperationType.QUERY, OperationType.MUTATION})
# The content types of the fast lane's answers, as Starlette's JSONResponse and ours write them.
JSON_TYPE = JSON.encode()
GRAPHQL_RESPONSE_TYPE = GRAPHQL_RESPONSE_CONTENT_TYPE.encode()


class GraphQLView(GraphQL):
    """Strawberry's view with the service's limits: every body that is not a UTF-8 JSON object is
    refused with a 400 (not a 500), requests have a time limit, WebSockets an init timeout on
    both protocols and a cap; serves the offline GraphiQL (graph/graphiql.py) to browsers."""

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A GET with a persisted query's hash (and no query) is a query, whatever it accepts.
        return super().should_render_graphql_ide(request) and (
            request.query_params.get("extensions") is None
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        page = graphiql.render_page(graphiql.assets_url(request))
        headers = {
            "content-security-policy": graphiql.CONTENT_SECURITY_POLICY,
            "cache-control": "no-cache",
            "x-content-type-options": "nosniff",
        }
        return HTMLResponse(page, headers=headers)

    graphql_transport_ws_handler_class = TransportHandler
    graphql_ws_handler_class = LegacyHandler

    def __init__(
        self,
        schema: BaseSchema,
        settings: Settings,
        fast_path: FastPath | None,
        verifier: TokenVerifier | None = None,
        documents: PersistedDocuments | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        graphql_ide: GraphQL_IDE | None = "graphiql" if settings.graphiql else None
        super().__init__(
            schema,
            graphql_ide=graphql_ide,
            connection_init_wait_timeout=timedelta(seconds=settings.ws_init_timeout_seconds),
            max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
        )
        self.connections = ConnectionCount(settings.max_websockets)  # and graph/sse.py's streams
        self.fast_path = fast_path
        self.request_timeout_seconds = settings.request_timeout_seconds
        self.batching = settings.max_batch_operations > 0
        self.max_response_bytes = settings.max_response_bytes
        self.verifier = verifier  # AUTH_MODE=jwt (HTTP requests are checked by web/auth.py)
        self.documents = documents or PersistedDocuments()  # APQ (graph/persisted.py)
        self.metrics = metrics  # METRICS=true; WebSocket operations measure themselves with it

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        request = Request(scope, receive=receive)
        accept = content_type = None
        for name, value in scope["headers"]:  # the first of each, as Starlette's Headers.get()
            if name == b"accept" and accept is None:
                accept = value.decode("latin-1")
            elif name == b"content-type" and content_type is None:
                content_type = value.decode("latin-1")
        try:
            # Cancelling the request rolls back the transaction it may be in.
            async with asyncio.timeout(self.request_timeout_seconds):
                response = await self._fast_lane(request, content_type) or await self.run(request)
        except HTTPException as e:
            response = graphql_error_response(e.reason, e.status_code, "BAD_REQUEST", accept)
        except TimeoutError:
            message = f"The request took longer than {self.request_timeout_seconds:g} s."
            response = graphql_error_response(message, 503, "TIMEOUT", accept)
        if isinstance(response, bytes):  # the fast lane's answer: a 200 of this JSON
            media_type = GRAPHQL_RESPONSE_TYPE if wants_graphql_response(accept) else JSON_TYPE
            headers = [(b"content-length", b"%d" % len(response)), (b"content-type", media_type)]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": response})
            return
        await response(scope, receive, send)

    async def _fast_lane(
        self, request: Request, content_type: str | None
    ) -> Response | bytes | None:
        """The response to a plain JSON POST the fast path answers, made as Strawberry's view
        makes it (for a result without errors, its JSON alone, which __call__ sends as that view
        would); None for anything else (Strawberry's view then runs, reading the same body)."""
        if self.fast_path is None or request.method != "POST":
            return None
        if content_type is None or not content_type.startswith("application/json"):
            return None
        try:
            data = decode_object(await request.body(), allow_list=False)
        except json.JSONDecodeError:
            return None
        assert isinstance(data, dict)
        extensions = data.get("extensions")
        if not isinstance(extensions, dict | None):
            return None  # Strawberry's view refuses it (execute checks the other fields' types)
        try:
            query = await self.documents.resolve_once(request.state, data.get("query"), extensions)
        except (PersistedQueryNotFound, PersistedQueryNotAllowed, PersistedQueryRefused):
            return None  # the plain path answers
        observations.note_operation(data.get("operationName"), query)
        result = await self.fast_path.execute(
            query, data.get("operationName"), data.get("variables"), OVER_POST
        )
        if result is None:
            return None
        if not result.errors and not result.extensions:
            # What Strawberry's view would answer, without its objects: {"data": ...} in JSON.
            with contextlib.suppress(TypeError, orjson.JSONEncodeError):  # json's, as it would
                body = orjson.dumps({"data": result.data})
                if len(body) <= self.max_response_bytes:
                    return body
        return self.create_response(process_result(result), await self.get_sub_response(request))

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.connections.full():
            # Refused during the handshake (closing before accepting answers HTTP 403).
            await WebSocket(scope, receive, send).close(TRY_AGAIN_LATER_CLOSE_CODE)
            return
        with self.connections.holding():
            await self.run(WebSocket(scope, receive=receive, send=send))

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        # The media type the answer takes, decided by what the client accepts.
        if wants_graphql_response(request.headers.get("accept")):
            sub_response.media_type = GRAPHQL_RESPONSE
        return sub_response

    async def on_ws_connect(self, context: Any) -> UnsetType | dict[str, object] | None:
        """In jwt mode, the connection runs as the user its token names: the one in
        connection_init's payload, else the upgrade request's; refused without a good one."""
        if self.verifier is None:
            return UNSET  # type: ignore[no-any-return]  # Strawberry's UNSET is typed Any
        params = context.get("connection_params") or {}
        authorization = params.get("Authorization", params.get("authorization"))
        if authorization is None:
            authorization = context["request"].headers.get("authorization")
        try:
            if not isinstance(authorization, str | None):
                raise TokenError("Authorization must be 'Bearer <JWT>'.")
            identity = await self.verifier.verify(bearer_token(authorization))
        except TokenError as error:
            payload: dict[str, object] = {
                "message": str(error),
                "extensions": {"code": "UNAUTHENTICATED"},
            }
            raise ConnectionRejectionError(payload) from error
        # Set in the connection's task, so its operations' tasks run as the user too.
        owners.act_as(identity.subject, until=identity.expires_at)
        return UNSET  # type: ignore[no-any-return]

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Any,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Strawberry's, with subscriptions refused over HTTP (they are served over WebSocket), and
        a persisted query's document found by its hash."""
        allowed = OperationType.from_http(request_adapter.method) - {OperationType.SUBSCRIPTION}
        try:
            query = await self.documents.resolve_once(
                request.state, request_data.query, request_data.extensions
            )
        except (PersistedQueryNotFound, PersistedQueryNotAllowed) as error:
            return ExecutionResult(data=None, errors=[persisted_query_error(error)])
        except PersistedQueryRefused as error:
            raise HTTPException(400, str(error)) from error
        observations.note_operation(request_data.operation_name, query)
        try:
            return await self.schema.execute(
                query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason()) from error
        except InvalidOperationTypeError as error:
            if error.operation_type is OperationType.SUBSCRIPTION:
                raise HTTPException(400, "Subscriptions are served over WebSocket.") from error
            raise HTTPException(400, error.as_http_error_reason(request_adapter.method)) from error
        except MissingQueryError as error:
            raise HTTPException(400, "No GraphQL query found in the request") from error

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """Strawberry's, with a backstop on the size (past max_response_bytes, an error), and 503
        with Retry-After when the database could not be reached. To a client that accepts
        application/graphql-response+json, in that type: a request error (a document that does
        not parse or validate, wrong variables) is a 400 without `data`."""
        results = response_data if isinstance(response_data, list) else [response_data]
        observations.note_results(results)
        if any(unavailable(result.get("errors")) for result in results):  # type: ignore[arg-type]
            sub_response.status_code = 503
            sub_response.headers["retry-after"] = str(RETRY_AFTER_SECONDS)
        graphql_response = sub_response.media_type == GRAPHQL_RESPONSE
        request_error = isinstance(response_data, dict) and is_request_error(response_data)  # type: ignore[arg-type]
        if graphql_response and request_error:
            response_data = {key: v for key, v in response_data.items() if key != "data"}  # type: ignore[assignment, union-attr]
            sub_response.status_code = sub_response.status_code or 400
        response = super().create_response(response_data, sub_response)
        if graphql_response:
            response.headers["content-type"] = GRAPHQL_RESPONSE_CONTENT_TYPE
        if len(response.body) > self.max_response_bytes:
            message = oversized(self.max_response_bytes)
            return graphql_error_response(message, 200, "BAD_USER_INPUT", sub_response.media_type)
        return response

    def encode_json(self, data: object) -> str:
        # Text, not bytes: Strawberry sends bytes over a WebSocket as binary frames, which the
        # protocols forbid.
        return dump_json(data)

    def decode_json(self, data: str | bytes) -> object:
        # WebSocket messages, and the JSON inside GET parameters: objects only. The base view
        # turns a JSONDecodeError into a 400 (HTTP) or a protocol error (WebSocket).
        return decode_object(data, allow_list=False)

    def parse_json(self, data: str | bytes) -> Any:
        # HTTP bodies: an object, or a list of them when batching is on.
        try:
            return decode_object(data, allow_list=self.batching)
        except json.JSONDecodeError as error:
            raise HTTPException(400, f"Unable to parse request body as JSON: {error.msg}") from None
