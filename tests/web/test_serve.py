"""web/serve.py and web/dealer.py: with several workers, the parent accepts and deals the
connections to the workers in turn, and goes on when one of them dies."""

from __future__ import annotations

import collections
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.servers import _free_port

ROOT = Path(__file__).parents[2]
WORKERS = 2
CONNECTIONS = 48


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`python -m web.serve` serving tests/web/workers.py's app with two workers, and its port."""
    port = _free_port()
    command = [sys.executable, "-m", "web.serve", "tests.web.workers:app", "--port", str(port),
               "--workers", str(WORKERS), "--lifespan", "off"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT)
    try:
        wait_for_workers(port, WORKERS)
        yield server, port
    finally:
        server.terminate()
        server.wait(timeout=15)


@pytest.fixture
def port(served: tuple[subprocess.Popen[bytes], int]) -> int:
    return served[1]


def test_a_burst_is_dealt_to_the_workers_in_turn(port: int) -> None:
    served = collections.Counter(pids_of_a_burst(port))
    # uvicorn alone: one shared socket, now and then one worker took 40 of 48; a socket a worker
    # (SO_REUSEPORT): split by the kernel's hash, 28 to 20 or so.
    assert sorted(served.values()) == [CONNECTIONS // WORKERS] * WORKERS, served
    assert listeners(port) == 1  # the parent's: the workers listen on nothing


def test_a_worker_that_dies_is_passed_over_and_its_successor_dealt_to(port: int) -> None:
    first, second = sorted(set(pids_of_a_burst(port)))
    os.kill(int(first), signal.SIGKILL)
    while Path(f"/proc/{first}").exists():
        # Until uvicorn has reaped it: its threads all gone, its end of the dealer's socket closed.
        # (Connections dealt to a worker as it dies are lost, as with any process that dies.)
        time.sleep(0.01)
    # Every connection from now on is answered: none is handed to the dead worker.
    answered = [pid for _ in range(10) for pid in pids_of_a_burst(port, connections=4)]
    assert first not in answered
    (successor,) = wait_for_workers(port, WORKERS) - {second}  # uvicorn started another
    assert successor != first
    served = collections.Counter(pids_of_a_burst(port))
    assert served == {second: CONNECTIONS // 2, successor: CONNECTIONS // 2}, served


def wait_for_workers(port: int, count: int) -> set[str]:
    """The workers' process ids, once `count` of them answer."""
    deadline = time.monotonic() + 30
    while True:
        pids = set(pids_of_a_burst(port, connections=8)) if _up(port) else set()
        if len(pids) == count:
            return pids
        assert time.monotonic() < deadline, f"{count} workers did not answer: {pids}"
        time.sleep(0.2)


def pids_of_a_burst(port: int, connections: int = CONNECTIONS) -> list[str]:
    """The process that answered each of a burst of connections, all opened before any asks."""
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(connections)]
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


def test_when_told_to_stop_it_refuses_new_clients_and_finishes_the_requests_in_flight(
    served: tuple[subprocess.Popen[bytes], int],
) -> None:
    server, port = served
    in_flight = socket.create_connection(("127.0.0.1", port))
    in_flight.sendall(b"GET /slow HTTP/1.1\r\nHost: test\r\n\r\n")  # answered after 3 s
    time.sleep(0.3)
    server.terminate()  # uvicorn's parent looks at its signals twice a second
    refused_by = time.monotonic() + 2
    while not _refused(port):
        assert time.monotonic() < refused_by, "new clients are still let in"
        time.sleep(0.05)
    assert _body(in_flight).isdigit()  # the worker's process id, after the refusals
    assert server.wait(timeout=15) == 0


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False
