"""Fan-out benchmark: many todoEvents subscribers on one process, a burst of mutations.

    .venv/bin/python bench/subscribers.py [--subscribers 200] [--mutations 100] [--quick]

Starts the service (one uvicorn worker, a fresh SQLite file), opens the subscriptions over
WebSocket (graphql-transport-ws, with the `websockets` client), waits until every one of them is
live, fires the mutations (16 in flight at a time), and prints whether every subscriber got every
event, in order, and how long after the last acknowledged commit the last event arrived (the goal:
within 1 s). It reports; it does not gate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets
from websockets.typing import Subprotocol

ROOT = Path(__file__).resolve().parent.parent
SUBSCRIBE = "subscription { todoEvents { kind todo { title } } }"
CREATE = "mutation($t: String!) { createTodo(input: {title: $t}) { __typename } }"
IN_FLIGHT = 16
GOAL_SECONDS = 1.0


class Subscriber:
    def __init__(self) -> None:
        self.titles: list[str] = []
        self.last_at = 0.0
        self.live = asyncio.Event()

    async def run(self, url: str, stop: asyncio.Event) -> None:
        protocol = Subprotocol("graphql-transport-ws")
        async with websockets.connect(url, subprotocols=[protocol]) as socket_:
            await socket_.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await socket_.recv())["type"] == "connection_ack"
            message = {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}
            await socket_.send(json.dumps(message))
            while not stop.is_set():
                try:
                    raw = await asyncio.wait_for(socket_.recv(), 0.5)
                except TimeoutError:
                    continue
                event = json.loads(raw)
                if event["type"] != "next":
                    raise RuntimeError(f"unexpected message: {event}")
                title = event["payload"]["data"]["todoEvents"]["todo"]["title"]
                if title.startswith("probe"):
                    self.live.set()
                else:
                    self.titles.append(title)
                    self.last_at = time.perf_counter()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def wait_until_up(base: str) -> None:
    async with httpx.AsyncClient(base_url=base) as http:
        for _ in range(300):
            try:
                if (await http.get("/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the service did not start")


async def measure(base: str, subscribers: int, mutations: int) -> None:
    ws_url = base.replace("http", "ws", 1) + "/graphql"
    stop = asyncio.Event()
    clients = [Subscriber() for _ in range(subscribers)]
    tasks = [asyncio.create_task(client.run(ws_url, stop)) for client in clients]
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:

        async def create(title: str) -> None:
            response = await http.post(
                "/graphql", json={"query": CREATE, "variables": {"t": title}}
            )
            assert response.json()["data"]["createTodo"]["__typename"] == "Todo"

        # A subscription is live once it has seen a change: probe until all have.
        deadline = time.monotonic() + 60
        while not all(client.live.is_set() for client in clients):
            if time.monotonic() > deadline:
                raise RuntimeError("not every subscription became live")
            await create("probe")
            await asyncio.sleep(0.2)

        titles = [f"todo {n:03}" for n in range(mutations)]
        gate = asyncio.Semaphore(IN_FLIGHT)

        async def gated(title: str) -> None:
            async with gate:
                await create(title)

        started = time.perf_counter()
        await asyncio.gather(*(gated(title) for title in titles))
        last_commit = time.perf_counter()
        # Give stragglers up to 10 s, far past the goal, to tell slow from lost.
        deadline = time.monotonic() + 10
        # Polling 200 counters every 10 ms: that is the resolution of the lag printed below.
        while any(len(c.titles) < mutations for c in clients) and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    stop.set()
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
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite://{folder}/bench.sqlite3",
            "LOG_LEVEL": "WARNING",
            "GRAPHIQL": "false",
        }
        subprocess.run(
            [sys.executable, "-m", "migrations", "upgrade"], env=env, cwd=ROOT, check=True
        )
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "app:main",
                "--port",
                str(port),
                "--no-access-log",
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            asyncio.run(wait_until_up(base))
            asyncio.run(measure(base, arguments.subscribers, arguments.mutations))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
