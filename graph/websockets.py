"""WebSocket limits: a connection must introduce itself in time, and connections are capped."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from websockets.exceptions import ConnectionClosed, InvalidState

from graph.errors import persisted_query_error
from graph.persisted import (
    PersistedDocuments,
    PersistedQueryNotAllowed,
    PersistedQueryNotFound,
    PersistedQueryRefused,
)
from todos import owners
from web import observations

logger = logging.getLogger(__name__)

# graphql-transport-ws's close codes, used for both protocols.
INVALID_MESSAGE_CLOSE_CODE = 4400
# graphql-transport-ws's "Forbidden": a token refused at connection_init, or expired since.
FORBIDDEN_CLOSE_CODE = 4403
# The close code graphql-transport-ws uses for "Connection initialisation timeout".
INIT_TIMEOUT_CLOSE_CODE = 4408
# "Try again later": the server is at its connection limit (sent before the handshake completes,
# so clients see it as an HTTP 403).
TRY_AGAIN_LATER_CLOSE_CODE = 1013


def _went_away(error: BaseException) -> bool:
    """Whether sending failed because the client had gone: a disconnect, or a socket closing
    under the send (uvicorn's websockets implementation raises InvalidState then)."""
    return isinstance(error, WebSocketDisconnected | InvalidState | ConnectionClosed)


def token_expired() -> bool:
    """Whether the token the connection was opened with has expired (jwt mode)."""
    until = owners.acting_until()
    return until is not None and time.time() > until


# The types of an operation's optional fields (WebSocket payloads, graph/sse.py's requests).
OPERATION_FIELDS = (("variables", dict), ("operationName", str), ("extensions", dict))


def mistyped_field(operation: dict[str, Any]) -> str | None:
    """The first optional field of an operation given with the wrong type (None: none is)."""
    for key, kind in OPERATION_FIELDS:
        if operation.get(key) is not None and not isinstance(operation[key], kind):
            return key
    return None


def message_problem(message: object, start: str) -> str | None:
    """What is wrong with a client's protocol message (None: nothing), checked before Strawberry
    reads it, which assumes well-formed messages. `start` names the message that carries an
    operation: "subscribe" (graphql-transport-ws) or "start" (graphql-ws)."""
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return "A message must be an object with a string type."
    if message["type"] in (start, "stop", "complete") and not isinstance(message.get("id"), str):
        return "The message's id must be a string."
    if message["type"] == start:
        payload = message.get("payload")
        if not isinstance(payload, dict):
            return "The payload must be an object with a string query."
        persisted = (
            isinstance(payload.get("extensions"), dict)
            and "persistedQuery" in payload["extensions"]
        )
        if not isinstance(payload.get("query"), str) and not persisted:
            return "The payload must be an object with a string query."
        if (key := mistyped_field(payload)) is not None:
            return f"The payload's {key} has the wrong type."
    return None


async def persisted_problem(documents: PersistedDocuments, payload: dict[str, Any]) -> Any:
    """The error an operation's document is refused with (a persisted query's hash unknown, or
    PERSISTED_ONLY's refusal), or None once its query is the document to run."""
    try:
        payload["query"] = await documents.resolve(payload.get("query"), payload.get("extensions"))
    except (PersistedQueryNotFound, PersistedQueryNotAllowed) as error:
        return persisted_query_error(error).formatted
    except PersistedQueryRefused as error:
        return {"message": str(error), "extensions": {"code": "BAD_REQUEST"}}
    return None


def measured(view: Any, payload: dict[str, Any]) -> Any:
    """The measurement of one WebSocket operation, when METRICS=true (graph/http.py's view)."""
    if view.metrics is None:
        return contextlib.nullcontext(observations.Observation())
    name = observations.name_of(payload.get("operationName"), payload.get("query"))
    return view.metrics.operation("websocket", name)


async def refused_by_documents(handler: Any, message: dict[str, Any], as_list: bool) -> bool:
    """Answers an operation whose document is refused (an unknown hash, PERSISTED_ONLY) with an
    error message, measured as refused; False when the document runs. `as_list`: the protocol's
    error payload is a list of errors (graphql-transport-ws), not one (graphql-ws)."""
    refused = await persisted_problem(handler.view.documents, message["payload"])
    if refused is None:
        return False
    with measured(handler.view, message["payload"]) as observation:
        observation.refused = True
        payload = [refused] if as_list else refused
        await handler.send_message({"id": message["id"], "type": "error", "payload": payload})
    return True


def note_sent(message: Any) -> None:
    """note() the error codes in an operation's message to its client."""
    payload = message.get("payload")
    if message.get("type") == "error":
        observations.note_results([{"errors": payload if isinstance(payload, list) else [payload]}])
    elif message.get("type") in ("next", "data") and isinstance(payload, dict):
        observations.note_results([payload])


class TransportHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    """graphql-transport-ws, refusing malformed messages (4400) instead of failing on them."""

    async def handle_message(self, message: Any) -> None:
        problem = message_problem(message, start="subscribe")
        if problem is not None:
            await self.handle_invalid_message(problem)
            return
        if message["type"] == "subscribe" and token_expired():
            await self.websocket.close(code=FORBIDDEN_CLOSE_CODE, reason="The token has expired.")
            return
        if message["type"] == "subscribe" and await refused_by_documents(self, message, True):
            return
        await super().handle_message(message)

    async def run_operation(self, operation: Any) -> None:
        payload = {"operationName": operation.operation_name, "query": operation.query}
        with measured(self.view, payload):
            await super().run_operation(operation)

    async def send_message(self, message: Any) -> None:
        note_sent(message)
        await super().send_message(message)

    async def handle_task_exception(self, error: Exception) -> None:
        # A subscriber that drops its socket while being sent an event is normal, not an error.
        if _went_away(error):
            logger.debug("a subscriber went away mid-send: %r", error)
            return
        await super().handle_task_exception(error)


class LegacyHandler(BaseGraphQLWSHandler[Any, Any]):
    """The older graphql-ws protocol, with the connection_init timeout Strawberry gives only to
    graphql-transport-ws (a client that never says connection_init is closed, not kept forever),
    refusing malformed messages (4400) instead of failing on them."""

    async def handle_message(self, message: Any) -> None:
        problem = message_problem(message, start="start")
        if problem is not None:
            await self.websocket.close(code=INVALID_MESSAGE_CLOSE_CODE, reason=problem)
            return
        if message["type"] == "start" and token_expired():
            await self.websocket.close(code=FORBIDDEN_CLOSE_CODE, reason="The token has expired.")
            return
        if message["type"] == "start" and await refused_by_documents(self, message, False):
            return
        await super().handle_message(message)

    async def send_message(self, message: Any) -> None:
        note_sent(message)
        await super().send_message(message)

    async def handle_async_results(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        payload = {"operationName": operation_name, "query": query}
        try:
            with measured(self.view, payload):
                await super().handle_async_results(operation_id, query, operation_name, variables)
        except Exception as error:
            # As for graphql-transport-ws: a subscriber gone mid-send is normal, not an error.
            if not _went_away(error):
                raise
            logger.debug("a subscriber went away mid-send: %r", error)

    async def handle(self) -> None:
        watchdog = asyncio.create_task(self._close_unless_initialised())
        try:
            await super().handle()
        finally:
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog

    async def _close_unless_initialised(self) -> None:
        # The view's connection_init timeout, which Strawberry applies to graphql-transport-ws.
        await asyncio.sleep(self.view.connection_init_wait_timeout.total_seconds())
        if not self.connection_acknowledged:
            await self.websocket.close(
                code=INIT_TIMEOUT_CLOSE_CODE, reason="Connection initialisation timeout"
            )


class ConnectionCount:
    """How many WebSocket connections this process holds, against a cap (MAX_WEBSOCKETS)."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.open = 0

    def full(self) -> bool:
        return self.open >= self.cap

    @contextlib.contextmanager
    def holding(self) -> Any:
        self.open += 1
        try:
            yield
        finally:
            self.open -= 1
