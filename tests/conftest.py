"""Fixtures: the database under test (SQLite, and MySQL when one is configured) and a client."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import AsyncIterator, Iterator

# Settings are read once, at import: give the service its test settings before anything imports it.
os.environ["GRAPHIQL"] = "true"
os.environ["LOG_LEVEL"] = "WARNING"
os.environ.setdefault("DATABASE_URL", f"sqlite://{tempfile.gettempdir()}/todobackend-unused.db")

import httpx  # noqa: E402
import pytest  # noqa: E402
from tortoise.backends.base.executor import EXECUTOR_CACHE  # noqa: E402
from tortoise.context import TortoiseContext  # noqa: E402
from tortoise.exceptions import OperationalError  # noqa: E402

import migrations  # noqa: E402
from database import migrations_location, tortoise_config  # noqa: E402
from models import Todo  # noqa: E402
from tests.graphql import GraphQLClient  # noqa: E402

BACKENDS = ["sqlite", "mysql"]


def _database_url(backend: str, tmp_dir: str) -> str:
    if backend == "sqlite":
        return f"sqlite://{tmp_dir}/todobackend-test.sqlite3"
    url = os.environ.get("TEST_MYSQL_URL")
    if url:
        return url
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true needs the MySQL tests: set TEST_MYSQL_URL (scripts/test.sh does)")
    pytest.skip("no MySQL server: set TEST_MYSQL_URL (scripts/test.sh starts one)")


@pytest.fixture(scope="session")
def tmp_dir() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="todobackend-") as path:
        yield path


@pytest.fixture(scope="session", params=BACKENDS)
async def database(request: pytest.FixtureRequest, tmp_dir: str) -> AsyncIterator[str]:
    """A fresh database of one kind, its tables made by the migrations; yields its kind."""
    backend: str = request.param
    config = tortoise_config(_database_url(backend, tmp_dir))
    # Tortoise caches each table's INSERT statement per connection name, not per database kind;
    # the SQLite statements must not be reused on MySQL.
    EXECUTOR_CACHE.clear()
    async with TortoiseContext() as context:
        await context.init(config=config)
        with contextlib.suppress(OperationalError):  # there is no database yet
            await context.connections.get("default").db_delete()
        await context.connections.get("default").db_create()

    await migrations.upgrade(config, migrations_location(backend))
    # The global fallback lets every test task use the ORM, as RegisterTortoise does for the app.
    async with TortoiseContext() as context:
        await context.init(config=config, _enable_global_fallback=True)
        yield backend


@pytest.fixture
async def empty(database: str) -> str:
    """The database with no todos in it; tests that count or list start from here."""
    await Todo.all().delete()
    return database


@pytest.fixture
async def client(empty: str) -> AsyncIterator[GraphQLClient]:
    """A client of the app, in process, on an empty database."""
    from app import app

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield GraphQLClient(http)
