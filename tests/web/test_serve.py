"""web/serve.py: with several workers, each listens on a socket of its own, and a burst of new
connections is spread over them (uvicorn's one shared socket gave most of a burst to one)."""

from __future__ import annotations

import collections
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.servers import _free_port

ROOT = Path(__file__).parents[2]
WORKERS = 2
CONNECTIONS = 48


def pids_of_a_burst(port: int) -> list[str]:
    """The process that answered each of a burst of connections, all opened before any asks."""
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(CONNECTIONS)]
    try:
        for sock in sockets:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
        return [_body(sock) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def listeners(port: int) -> int:
    """How many sockets listen on `port` (Linux's table of TCP sockets, state 0A: LISTEN)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            count += int(local.rsplit(":", 1)[1], 16) == port and state == "0A"
    return count


def test_each_worker_listens_and_a_burst_is_spread_over_them() -> None:
    port = _free_port()
    command = [sys.executable, "-m", "web.serve", "tests.web.workers:app", "--port", str(port),
               "--workers", str(WORKERS), "--lifespan", "off"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while len(set(pids_of_a_burst(port) if _up(port) else [])) < WORKERS:
            assert time.monotonic() < deadline, "the workers did not all start"
            time.sleep(0.2)
        time.sleep(0.5)  # the connections of the bursts before closed on both sides
        served = collections.Counter(pids_of_a_burst(port))
        # uvicorn alone: one socket, accepted from by whichever worker wakes first.
        assert listeners(port) == WORKERS
    finally:
        server.terminate()
        server.wait(timeout=15)
    # Each worker took a fair part (uvicorn alone: now and then one took 40 of 48).
    assert len(served) == WORKERS
    assert min(served.values()) >= CONNECTIONS // 4, served


def _body(sock: socket.socket) -> str:
    answer = b""
    while b"\r\n\r\n" not in answer or not answer.split(b"\r\n\r\n", 1)[1]:
        received = sock.recv(1000)
        assert received, f"the connection closed after {answer!r}"
        answer += received
    return answer.split(b"\r\n\r\n", 1)[1].decode()


def _up(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
    except httpx.TransportError:
        return False
    return True
