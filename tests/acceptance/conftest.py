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
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.client import AsyncClientSession
from gql.transport.httpx import HTTPXAsyncTransport

from tests.acceptance.node import node_ready  # noqa: F401  (a fixture, for the tests that run Node)
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
from tests.tokens import SECRET, bearer, token

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


# ACCEPTANCE_URL names one deployed service, tested once; otherwise one server per database, in
# each mode: AUTH_MODE=none, and AUTH_MODE=jwt ("+jwt"), where the tests act as one user.
DEPLOYED = "deployed"
SERVICES = (
    [DEPLOYED]
    if os.environ.get("ACCEPTANCE_URL")
    else [*BACKENDS, *(f"{backend}+jwt" for backend in BACKENDS)]
)
# The user the acceptance tests act as in jwt mode (their token lasts longer than any run).
ACCEPTANCE_USER = "acceptance"
TOKEN_SECONDS = 4 * 3600


@dataclass(frozen=True)
class Service:
    """A running service, and the headers every request to it carries: in AUTH_MODE=jwt the
    acceptance user's bearer token (sent over WebSockets in connection_init), none otherwise."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def graphql_ws(self) -> str:
        return self.url.replace("http", "ws", 1) + "/graphql"


@pytest.fixture(scope="session", params=SERVICES)
def service(request: pytest.FixtureRequest, tmp_dir: str) -> Iterator[Service]:
    if request.param == DEPLOYED:
        # One replica for the whole run: changes made through two replicas may interleave.
        jwt_mode = os.environ.get("ACCEPTANCE_AUTH_MODE") == "jwt"
        yield Service(replica_urls()[0], _acceptance_headers() if jwt_mode else {})
        return
    backend, _, mode = request.param.partition("+")
    database = database_url(backend, tmp_dir, f"acceptance_{mode or 'none'}")
    asyncio.run(recreate(database))
    env = {"DATABASE_URL": database, **(JWT_MODE if mode == "jwt" else {})}
    with running_server(env) as server:
        yield Service(server.url, _acceptance_headers() if mode == "jwt" else {})


def _acceptance_headers() -> dict[str, str]:
    return bearer(token(ACCEPTANCE_USER, lifetime=TOKEN_SECONDS))


@pytest.fixture(scope="session")
def service_url(service: Service) -> str:
    """The base URL of a running service (see `service` for the headers its requests need)."""
    return service.url


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


def replica_urls() -> list[str]:
    """The URL of each replica behind ACCEPTANCE_URL (Compose's DNS names them all)."""
    url = urlsplit(os.environ["ACCEPTANCE_URL"])
    host, port = url.hostname or "localhost", url.port or 80
    addresses = sorted({info[4][0] for info in socket.getaddrinfo(host, port, socket.AF_INET)})
    return [f"{url.scheme}://{address}:{port}" for address in addresses]


@pytest.fixture(scope="session")
def replicas(tmp_dir: str, request: pytest.FixtureRequest) -> Iterator[list[Service]]:
    """Two service processes on one database, carrying events through one Redis: the replicas
    behind ACCEPTANCE_URL (ACCEPTANCE_REPLICAS says how many to expect), or two started here."""
    if os.environ.get("ACCEPTANCE_URL"):
        expected = int(os.environ.get("ACCEPTANCE_REPLICAS", "1"))
        if expected < 2:
            pytest.skip("ACCEPTANCE_REPLICAS does not announce two replicas")
        urls = replica_urls()
        assert len(urls) == expected, f"expected {expected} replicas, found {urls}"
        jwt_mode = os.environ.get("ACCEPTANCE_AUTH_MODE") == "jwt"
        yield [Service(url, _acceptance_headers() if jwt_mode else {}) for url in urls[:2]]
        return
    local_redis: LocalRedis = request.getfixturevalue("local_redis")
    backend = "mysql" if os.environ.get("TEST_MYSQL_URL") else "sqlite"
    database = database_url(backend, tmp_dir, "replicas")
    asyncio.run(recreate(database))
    env = {"DATABASE_URL": database, "REDIS_URL": local_redis.url}
    with running_server(env) as first, running_server(env) as second:
        yield [Service(first.url), Service(second.url)]


@pytest.fixture
async def session(service: Service) -> AsyncIterator[AsyncClientSession]:
    """A gql session on the service, which starts with no todos."""
    transport = HTTPXAsyncTransport(
        url=f"{service.url}/graphql", headers=service.headers, timeout=30
    )
    async with Client(transport=transport) as gql_session:
        await gql_session.execute(_DELETE_ALL)
        yield gql_session


@pytest.fixture
def http(service: Service) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=service.url, headers=service.headers) as client:
        yield client


@dataclass(frozen=True)
class JwtStack:
    """A service in AUTH_MODE=jwt, and (started here) one in AUTH_MODE=none on its database."""

    jwt_url: str
    none_url: str | None  # None for the deployed stack (`make release AUTH=jwt`)


@pytest.fixture(
    scope="session", params=[DEPLOYED] if os.environ.get("ACCEPTANCE_URL") else BACKENDS
)
def jwt_stack(request: pytest.FixtureRequest, tmp_dir: str) -> Iterator[JwtStack]:
    if request.param == DEPLOYED:
        if os.environ.get("ACCEPTANCE_AUTH_MODE") != "jwt":
            pytest.skip("the deployed stack runs in AUTH_MODE=none (make release AUTH=jwt: jwt)")
        yield JwtStack(replica_urls()[0], None)
        return
    database = database_url(request.param, tmp_dir, "identity")
    asyncio.run(recreate(database))
    with (
        running_server({"DATABASE_URL": database, **JWT_MODE}) as jwt_server,
        running_server({"DATABASE_URL": database}, migrate=False) as none_server,
    ):
        yield JwtStack(jwt_server.url, none_server.url)
