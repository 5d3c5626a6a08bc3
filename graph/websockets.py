"""WebSocket limits: a connection must introduce itself in time, and connections are capped."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler

import settings

# The close code graphql-transport-ws uses for "Connection initialisation timeout".
INIT_TIMEOUT_CLOSE_CODE = 4408
# "Try again later": the server is at its connection limit (sent before the handshake completes,
# so clients see it as an HTTP 403).
TRY_AGAIN_LATER_CLOSE_CODE = 1013


class LegacyHandler(BaseGraphQLWSHandler[Any, Any]):
    """The older graphql-ws protocol, with the connection_init timeout Strawberry gives only to
    graphql-transport-ws: a client that never says connection_init is closed, not kept forever."""

    async def handle(self) -> None:
        watchdog = asyncio.create_task(self._close_unless_initialised())
        try:
            await super().handle()
        finally:
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog

    async def _close_unless_initialised(self) -> None:
        await asyncio.sleep(settings.WS_INIT_TIMEOUT_SECONDS)
        if not self.connection_acknowledged:
            await self.websocket.close(
                code=INIT_TIMEOUT_CLOSE_CODE, reason="Connection initialisation timeout"
            )


class ConnectionCount:
    """How many WebSocket connections this process holds, against settings.MAX_WEBSOCKETS."""

    def __init__(self) -> None:
        self.open = 0

    def full(self) -> bool:
        return self.open >= settings.MAX_WEBSOCKETS

    @contextlib.contextmanager
    def holding(self) -> Any:
        self.open += 1
        try:
            yield
        finally:
            self.open -= 1
