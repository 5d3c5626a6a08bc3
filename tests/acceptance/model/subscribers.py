"""The model test's subscribers: todoEvents over both WebSocket protocols, one of them dropping
its socket at random points and resuming from the last cursor it saw."""

from __future__ import annotations

import asyncio
import json
import random

import websockets
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportError
from gql.transport.websockets import WebsocketsTransport

from tests.acceptance.model.records import Event, History

SUBSCRIBE = """subscription Events($after: String) {
  todoEvents(after: $after) { kind id version cursor todo { id title completed order version } }
}"""
PROTOCOLS = (
    WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL,  # graphql-transport-ws
    WebsocketsTransport.APOLLO_SUBPROTOCOL,  # the older graphql-ws
)


class Subscriber:
    """Collects every event it receives; `resuming` ones reconnect now and then with `after`."""

    def __init__(
        self,
        url: str,
        protocol: str,
        history: History,
        rng: random.Random | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.url = url.replace("http", "ws", 1) + "/graphql"
        self.init_payload = headers or {}  # the user's token, in connection_init (jwt mode)
        self.protocol = protocol
        self.history = history
        self.rng = rng  # set: drop the socket at random points and resume
        self.events: list[Event] = []
        self.arrived = asyncio.Condition()
        self.resumes = 0
        # Set: the next connection stays, as a client's does once its network does.
        self.settled = False
        self.name = f"{protocol}{' resuming' if rng else ''}"

    async def run(self, after: str | None = None) -> None:
        while True:
            budget = None if self.rng is None or self.settled else self.rng.randint(1, 60)
            try:
                await self._listen(after, budget)
            except (TransportError, OSError) as error:
                self.history.violation(f"subscriber {self.name}: {error!r}")
                return
            except Exception as error:
                self.history.violation(f"subscriber {self.name} (a bug of the test?): {error!r}")
                raise
            if self.rng is None:
                return
            # Resume after the last event seen; none yet: from where this subscriber began.
            after = self.events[-1].cursor if self.events else after
            self.resumes += 1

    async def _listen(self, after: str | None, budget: int | None) -> None:
        if budget is not None:
            return await self._listen_then_drop(after, budget)
        transport = WebsocketsTransport(
            url=self.url, subprotocols=[self.protocol], init_payload=self.init_payload
        )
        request = GraphQLRequest(SUBSCRIBE, variable_values={"after": after})
        async with Client(transport=transport) as session:
            async for result in session.subscribe(request):
                await self._arrived(result["todoEvents"])

    async def _listen_then_drop(self, after: str | None, budget: int) -> None:
        """Both protocols by hand, so that the socket can drop mid-stream the way a network
        does (gql, ending a subscription early, can hang in its close)."""
        legacy = self.protocol == WebsocketsTransport.APOLLO_SUBPROTOCOL
        protocols = [websockets.Subprotocol(self.protocol)]
        # A close handshake would wait for the events in flight: give up on it almost at once,
        # as a dropped network does.
        async with websockets.connect(
            self.url, subprotocols=protocols, close_timeout=0.1
        ) as socket:
            await socket.send(json.dumps({"type": "connection_init", "payload": self.init_payload}))
            while json.loads(await socket.recv())["type"] != "connection_ack":
                pass
            payload = {"query": SUBSCRIBE, "variables": {"after": after}}
            message = {"id": "1", "type": "start" if legacy else "subscribe", "payload": payload}
            await socket.send(json.dumps(message))
            async for text in socket:
                message = json.loads(text)
                if message["type"] in ("ka", "ping", "pong"):
                    continue
                if message["type"] not in ("data", "next") or message["payload"].get("errors"):
                    raise TransportError(f"subscription answered {message}")
                await self._arrived(message["payload"]["data"]["todoEvents"])
                budget -= 1
                if budget == 0:
                    return  # the socket drops here, mid-stream
        raise TransportError(f"the service closed the socket ({socket.close_code})")

    def settle(self) -> None:
        """Resume once more and stay: dropping a socket every few events, it catches up more slowly
        than a busy service writes events, and the test must see it reach the end."""
        self.settled = True

    async def _arrived(self, data: dict[str, object]) -> None:
        async with self.arrived:
            self.events.append(Event.from_graphql(data))
            self.arrived.notify_all()

    async def until_seen(self, todo_id: str, kind: str, seconds: float) -> bool:
        checked = 0

        def arrived() -> bool:
            nonlocal checked
            new, checked = self.events[checked:], len(self.events)
            return any(e.id == todo_id and e.kind == kind for e in new)

        async def seen() -> None:
            async with self.arrived:
                await self.arrived.wait_for(arrived)

        try:
            await asyncio.wait_for(seen(), seconds)
        except TimeoutError:
            return False
        return True
