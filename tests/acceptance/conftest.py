"""A running service to drive over HTTP: ACCEPTANCE_URL's, or a uvicorn started here per database.

Started here, each server runs as `make run` does: the migrations are applied, then uvicorn serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.client import AsyncClientSession
from gql.transport.httpx import HTTPXAsyncTransport

from tests.databases import BACKENDS, database_url, recreate

STARTUP_SECONDS = 30
# How uvicorn serves the app, everywhere (Makefile, Dockerfile, bench): the factory, and no
# forwarded headers of uvicorn's own (web/forwarded.py decides which proxies count).
APP = ("--factory", "app:main", "--no-proxy-headers")
GRACEFUL_SHUTDOWN_SECONDS = 5  # as `make run` and the image start uvicorn
_DELETE_ALL = GraphQLRequest("mutation { deleteTodos { affectedCount } }")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_up(url: str, server: subprocess.Popen[bytes], healthy: bool) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            if httpx.get(f"{url}/health").status_code == 200 or not healthy:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server was not up within {STARTUP_SECONDS} s")


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]


@contextlib.contextmanager
def running_server(
    env: dict[str, str], migrate: bool = True, healthy: bool = True, workers: int = 1
) -> Iterator[Server]:
    """A uvicorn serving the app with `env`, started as `make run` does (migrations first), with
    `workers` processes on one port, as the release image runs it."""
    env = {**os.environ, "LOG_LEVEL": "WARNING", **env}
    if migrate:
        subprocess.run([sys.executable, "-m", "migrations", "upgrade"], env=env, check=True)
    port = str(_free_port())
    command = [sys.executable, "-m", "uvicorn", *APP, "--host", "127.0.0.1", "--port", port]
    command += ["--timeout-graceful-shutdown", str(GRACEFUL_SHUTDOWN_SECONDS)]
    if workers > 1:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, healthy)
        yield Server(url, server)
    finally:
        server.terminate()
        server.wait(timeout=10)


# ACCEPTANCE_URL names one deployed service, tested once; otherwise one server per database.
DEPLOYED = "deployed"
SERVICES = [DEPLOYED] if os.environ.get("ACCEPTANCE_URL") else BACKENDS


@pytest.fixture(scope="session", params=SERVICES)
def service_url(request: pytest.FixtureRequest, tmp_dir: str) -> Iterator[str]:
    """The base URL of a running service."""
    if request.param == DEPLOYED:
        # One replica for the whole run: changes made through two replicas may interleave.
        yield _replicas()[0]
        return
    database = database_url(request.param, tmp_dir, "acceptance")
    asyncio.run(recreate(database))
    with running_server({"DATABASE_URL": database}) as server:
        yield server.url


class LocalRedis:
    """A private redis-server that a test may stop and start again."""

    def __init__(self, folder: str) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", self.folder]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture(scope="session")
def local_redis(tmp_dir: str) -> Iterator[LocalRedis]:
    if shutil.which("redis-server") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true needs redis-server for the multi-process tests")
        pytest.skip("no redis-server (scripts/test.sh installs it as root)")
    redis = LocalRedis(tmp_dir)
    redis.start()
    yield redis
    redis.stop()


def _replicas() -> list[str]:
    """The URL of each replica behind ACCEPTANCE_URL (Compose's DNS names them all)."""
    url = urlsplit(os.environ["ACCEPTANCE_URL"])
    host, port = url.hostname or "localhost", url.port or 80
    addresses = sorted({info[4][0] for info in socket.getaddrinfo(host, port, socket.AF_INET)})
    return [f"{url.scheme}://{address}:{port}" for address in addresses]


@pytest.fixture(scope="session")
def replica_urls(tmp_dir: str, request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """Two service processes on one database, carrying events through one Redis: the replicas
    behind ACCEPTANCE_URL (ACCEPTANCE_REPLICAS says how many to expect), or two started here."""
    if os.environ.get("ACCEPTANCE_URL"):
        expected = int(os.environ.get("ACCEPTANCE_REPLICAS", "1"))
        if expected < 2:
            pytest.skip("ACCEPTANCE_REPLICAS does not announce two replicas")
        replicas = _replicas()
        assert len(replicas) == expected, f"expected {expected} replicas, found {replicas}"
        yield replicas[:2]
        return
    local_redis: LocalRedis = request.getfixturevalue("local_redis")
    backend = "mysql" if os.environ.get("TEST_MYSQL_URL") else "sqlite"
    database = database_url(backend, tmp_dir, "replicas")
    asyncio.run(recreate(database))
    env = {"DATABASE_URL": database, "REDIS_URL": local_redis.url}
    with running_server(env) as first, running_server(env) as second:
        yield [first.url, second.url]


@pytest.fixture
async def session(service_url: str) -> AsyncIterator[AsyncClientSession]:
    """A gql session on the service, which starts with no todos."""
    transport = HTTPXAsyncTransport(url=f"{service_url}/graphql", timeout=30)
    async with Client(transport=transport) as gql_session:
        await gql_session.execute(_DELETE_ALL)
        yield gql_session


@pytest.fixture
def http(service_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=service_url) as client:
        yield client
