"""A running service to drive over HTTP: ACCEPTANCE_URL's, or a uvicorn started here per database.

Started here (tests/servers.py), each server runs as `make run` does: the migrations are applied,
then uvicorn serves.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.client import AsyncClientSession
from gql.transport.httpx import HTTPXAsyncTransport

from tests.databases import BACKENDS, database_url, recreate
from tests.servers import (
    APP,
    GRACEFUL_SHUTDOWN_SECONDS,
    STARTUP_SECONDS,
    LocalRedis,
    Server,
    _free_port,
    _wait_until_up,
    running_server,
)
from tests.tokens import SECRET

# Re-exported: the acceptance tests import these from here.
__all__ = [
    "APP",
    "GRACEFUL_SHUTDOWN_SECONDS",
    "STARTUP_SECONDS",
    "LocalRedis",
    "Server",
    "_free_port",
    "_wait_until_up",
    "running_server",
]

# AUTH_MODE=jwt, with tokens signed by tests/tokens.py's secret, and no leeway on their expiry.
JWT_MODE = {"AUTH_MODE": "jwt", "JWT_SECRET": SECRET, "JWT_LEEWAY_SECONDS": "0"}

_DELETE_ALL = GraphQLRequest("mutation { deleteTodos { affectedCount } }")


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


@dataclass(frozen=True)
class JwtStack:
    """A service in AUTH_MODE=jwt, and one in AUTH_MODE=none on the same database."""

    jwt_url: str
    none_url: str  # the same database, served in AUTH_MODE=none


@pytest.fixture(scope="session", params=BACKENDS)
def jwt_stack(request: pytest.FixtureRequest, tmp_dir: str) -> Iterator[JwtStack]:
    database = database_url(request.param, tmp_dir, "identity")
    asyncio.run(recreate(database))
    with (
        running_server({"DATABASE_URL": database, **JWT_MODE}) as jwt_server,
        running_server({"DATABASE_URL": database}, migrate=False) as none_server,
    ):
        yield JwtStack(jwt_server.url, none_server.url)
