"""Fan-out benchmark: many todoEvents subscribers on one process, a burst of mutations.

    .venv/bin/python bench/subscribers.py [--subscribers 200] [--mutations 100] [--quick]

The service (one uvicorn worker, a fresh SQLite file) gets the subscriptions (graphql-transport-ws),
then the mutations (16 in flight); printed: whether every subscriber got every event, and how long
after the last acknowledged commit the last one came (goal: 1 s). No gate."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets
from websockets.typing import Subprotocol

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # started as `python bench/subscribers.py`
    sys.path.insert(0, str(ROOT))

from tests.servers import running_server  # noqa: E402

SUBSCRIBE = "subscription { todoEvents { kind todo { title } } }"
CREATE = "mutation($t: String!) { createTodo(input: {title: $t}) { __typename } }"
IN_FLIGHT = 16
GOAL_SECONDS = 1.0


class Subscriber:
    """One subscription, which notes the titles it is told of and when the last came."""

    def __init__(self) -> None:
        self.titles: list[str] = []
        self.last_at = 0.0
        self.live = asyncio.Event()

    async def run(self, url: str) -> None:
        protocol = Subprotocol("graphql-transport-ws")
        async with websockets.connect(url, subprotocols=[protocol]) as socket:
            await socket.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await socket.recv())["type"] == "connection_ack"
            message = {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}
            await socket.send(json.dumps(message))
            async for raw in socket:  # until cancelled
                event = json.loads(raw)
                if event["type"] != "next":
                    raise RuntimeError(f"unexpected message: {event}")
                title = event["payload"]["data"]["todoEvents"]["todo"]["title"]
                if title.startswith("probe"):
                    self.live.set()
                else:
                    self.titles.append(title)
                    self.last_at = time.perf_counter()


async def measure(base: str, subscribers: int, mutations: int) -> None:
    """Subscribes, fires the burst, waits for the events and prints what came."""
    clients = [Subscriber() for _ in range(subscribers)]
    ws_url = base.replace("http", "ws", 1) + "/graphql"
    tasks = [asyncio.create_task(client.run(ws_url)) for client in clients]
    gate = asyncio.Semaphore(IN_FLIGHT)
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:

        async def create(title: str) -> None:
            async with gate:
                body = {"query": CREATE, "variables": {"t": title}}
                response = await http.post("/graphql", json=body)
            assert response.json()["data"]["createTodo"]["__typename"] == "Todo"

        # A subscription is live once it has seen a change: probe until all have.
        deadline = time.monotonic() + 60
        while not all(client.live.is_set() for client in clients):
            if time.monotonic() > deadline:
                raise RuntimeError("not every subscription became live")
            await create("probe")
            await asyncio.sleep(0.2)
        titles = [f"todo {n:03}" for n in range(mutations)]
        started = time.perf_counter()
        await asyncio.gather(*(create(title) for title in titles))
        last_commit = time.perf_counter()
        # Stragglers get up to 10 s, far past the goal, to tell slow from lost; polled every
        # 10 ms, the resolution of the lag printed below.
        deadline = time.monotonic() + 10
        while any(len(c.titles) < mutations for c in clients) and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    complete = sum(1 for c in clients if sorted(c.titles) == titles)
    lag = max(c.last_at for c in clients) - last_commit
    print(f"subscribers: {subscribers}, mutations: {mutations} ({IN_FLIGHT} in flight)")
    print(f"burst took {last_commit - started:.3f} s")
    print(f"subscribers that got every event: {complete}/{subscribers}")
    print(f"last event after the last acknowledged commit: {lag * 1000:.0f} ms")
    verdict = "met" if complete == subscribers and lag <= GOAL_SECONDS else "NOT met"
    print(f"goal (all events, last within {GOAL_SECONDS:.0f} s): {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--mutations", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="20 subscribers, 10 mutations")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.subscribers, arguments.mutations = 20, 10
    with tempfile.TemporaryDirectory() as folder:
        env = {"DATABASE_URL": f"sqlite://{folder}/bench.sqlite3", "GRAPHIQL": "false"}
        with running_server(env, options=("--no-access-log",), cwd=ROOT) as server:
            asyncio.run(measure(server.url, arguments.subscribers, arguments.mutations))


if __name__ == "__main__":
    main()
