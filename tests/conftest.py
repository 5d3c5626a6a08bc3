"""Fixtures: the database under test (SQLite, and MySQL when one is configured) and a client."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Iterator

# Settings are read once, at import: give the service its test settings before anything imports it.
os.environ["GRAPHIQL"] = "true"
os.environ["LOG_LEVEL"] = "WARNING"
os.environ.setdefault("DATABASE_URL", f"sqlite://{tempfile.gettempdir()}/todobackend-unused.db")

import httpx
import pytest
from tortoise.context import TortoiseContext

import migrations
from database import migrations_location, tortoise_config
from models import Todo
from tests.databases import BACKENDS, database_url, recreate
from tests.graphql import GraphQLClient
from todos import events


@pytest.fixture(scope="session")
def tmp_dir() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="todobackend-") as path:
        yield path


@pytest.fixture(scope="session", params=BACKENDS)
async def database(request: pytest.FixtureRequest, tmp_dir: str) -> AsyncIterator[str]:
    """A fresh database of one kind, its tables made by the migrations; yields its kind."""
    backend: str = request.param
    url = database_url(backend, tmp_dir, "unit")
    await recreate(url)
    config = tortoise_config(url)
    await migrations.upgrade(config, migrations_location(backend))
    # The global fallback lets every test task use the ORM, as RegisterTortoise does for the app.
    async with TortoiseContext() as context:
        await context.init(config=config, _enable_global_fallback=True)
        # A hub of this database's log, following it as the app's lifespan makes it do.
        events.hub = events.EventHub()
        async with events.running(events.hub, retention_seconds=3600):
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
