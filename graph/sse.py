"""GraphQL over server-sent events on /graphql/stream: the graphql-sse protocol's distinct
connections mode, for clients that cannot use WebSockets. One request is one operation, and its
answer an event stream: a `next` event for each result (one for a query or a mutation, one for
each event of a subscription), then `complete`.

It runs under the rules of the other transports: the schema's limits (they are its
extensions), JSON POSTs for changes (a form or a GET cannot mutate), PERSISTED_ONLY, the
connection cap it shares with the WebSockets, and in jwt mode web/auth.py's token check, the
subscription ending when the token expires. GraphQL's own errors (a document that does not
validate, a limit, an unknown persisted hash) come in the stream, where the clients show them;
a request that is not an operation at all gets a 4xx in JSON.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError, get_operation_ast, parse
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.http import process_result
from strawberry.schema import BaseSchema
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from graph.errors import oversized, persisted_query_error
from graph.persisted import (
    PersistedDocuments,
    PersistedQueryNotAllowed,
    PersistedQueryNotFound,
    PersistedQueryRefused,
)
from graph.websockets import ConnectionCount, mistyped_field
from settings import Settings
from web import observations
from web.jsonbody import dump_json, parse_json
from web.outage import RETRY_AFTER_SECONDS

EVENT_STREAM = "text/event-stream"
# A comment now and then keeps proxies from closing a quiet subscription.
PING_SECONDS = 15
# A client that has not taken an event for this long is dropped (its socket is stuck).
SEND_TIMEOUT_SECONDS = 30
ALL_OPERATIONS = frozenset(OperationType)
# GET cannot change anything (a link or an <img> can send one): no mutations.
GET_OPERATIONS = frozenset({OperationType.QUERY, OperationType.SUBSCRIPTION})


class StreamRequestError(Exception):
    """A request that is not a graphql-sse operation; answered with `status` and the message."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


class GraphQLStream:
    """The ASGI app on /graphql/stream."""

    def __init__(
        self,
        schema: BaseSchema,
        settings: Settings,
        documents: PersistedDocuments,
        connections: ConnectionCount,
    ) -> None:
        self.schema = schema
        self.documents = documents
        self.connections = connections
        self.max_tokens = settings.max_query_tokens
        self.max_response_bytes = settings.max_response_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive=receive)
        try:
            response = await self._respond(request)
        except StreamRequestError as error:
            body = {"errors": [{"message": str(error), "extensions": {"code": "BAD_REQUEST"}}]}
            response = JSONResponse(body, error.status, headers=error.headers)
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        if EVENT_STREAM not in request.headers.get("accept", ""):
            raise StreamRequestError(406, f"This path answers {EVENT_STREAM}: ask for it.")
        params = await _parameters(request)
        try:
            query = await self.documents.resolve(params.get("query"), params.get("extensions"))
        except (PersistedQueryNotFound, PersistedQueryNotAllowed) as error:
            refusal = ExecutionResult(data=None, errors=[persisted_query_error(error)])
            return self._stream(_once(refusal))
        except PersistedQueryRefused as error:
            raise StreamRequestError(400, str(error)) from error
        if not isinstance(query, str):
            raise StreamRequestError(400, "No GraphQL query found in the request.")
        observations.note_operation(params.get("operationName"), query)
        allowed = ALL_OPERATIONS
        if request.method == "GET":
            allowed = GET_OPERATIONS
            if self._is_mutation(query, params.get("operationName")):
                message = "Mutations are sent with POST."
                raise StreamRequestError(405, message, headers={"allow": "POST"})
        if self.connections.full():
            observations.note(refused=True)
            message = "The service holds as many connections as it can: try again later."
            headers = {"retry-after": str(RETRY_AFTER_SECONDS)}
            raise StreamRequestError(503, message, headers=headers)
        results = await self.schema.stream(
            query,
            variable_values=params.get("variables"),
            operation_name=params.get("operationName"),
            operation_extensions=params.get("extensions"),
            allowed_operation_types=allowed,
            context_value={"request": request},
        )
        return self._stream(results)

    def _is_mutation(self, query: str, operation_name: str | None) -> bool:
        try:
            document = parse(query, max_tokens=self.max_tokens)
        except GraphQLSyntaxError:
            return False  # the stream reports it as GraphQL reports it
        operation = get_operation_ast(document, operation_name)
        return operation is not None and operation.operation.value == "mutation"

    def _stream(self, results: AsyncIterator[Any]) -> EventSourceResponse:
        return EventSourceResponse(
            self._events(results),
            ping=PING_SECONDS,
            send_timeout=SEND_TIMEOUT_SECONDS,
            sep="\n",
            headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
        )

    async def _events(self, results: AsyncIterator[Any]) -> AsyncIterator[ServerSentEvent]:
        with self.connections.holding():
            # Some browsers show nothing of a stream until its first bytes.
            yield ServerSentEvent(comment="", sep="\n")
            async with aclosing(results):  # type: ignore[type-var]  # an async generator
                async for result in results:
                    if not isinstance(result, ExecutionResult):
                        # @defer and @stream's increments, which graphql-sse cannot carry.
                        error = GraphQLError("Incremental delivery is not supported here.")
                        result = ExecutionResult(data=None, errors=[error])
                    yield ServerSentEvent(data=self._payload(result), event="next", sep="\n")
            yield ServerSentEvent(data="", event="complete", sep="\n")

    def _payload(self, result: ExecutionResult) -> str:
        formatted = process_result(result)
        observations.note_results([formatted])
        payload = dump_json(formatted)
        if len(payload.encode()) > self.max_response_bytes:
            error = {
                "message": oversized(self.max_response_bytes),
                "extensions": {"code": "BAD_USER_INPUT"},
            }
            payload = dump_json({"data": None, "errors": [error]})
        return payload


async def _once(result: ExecutionResult) -> AsyncIterator[ExecutionResult]:
    yield result


async def _parameters(request: Request) -> dict[str, Any]:
    """The operation a request carries: a JSON POST's body, or a GET's query string."""
    params: Any
    if request.method == "POST":
        # Only JSON: a cross-site form (or text/plain) is sent without a CORS preflight.
        if not request.headers.get("content-type", "").startswith("application/json"):
            raise StreamRequestError(415, "Send the operation as application/json.")
        try:
            params = parse_json(await request.body())
        except json.JSONDecodeError as error:
            raise StreamRequestError(400, f"The body is not JSON: {error.msg}") from None
    else:
        params = dict[str, object](request.query_params)
        for key in ("variables", "extensions"):
            if key in params:
                try:
                    params[key] = parse_json(str(params[key]))
                except json.JSONDecodeError:
                    raise StreamRequestError(400, f"The {key} parameter is not JSON.") from None
    if not isinstance(params, dict):
        raise StreamRequestError(400, "The operation must be a JSON object.")
    if params.get("query") is not None and not isinstance(params["query"], str):
        raise StreamRequestError(400, "The operation's query has the wrong type.")
    if (mistyped := mistyped_field(params)) is not None:
        raise StreamRequestError(400, f"The operation's {mistyped} has the wrong type.")
    return params
