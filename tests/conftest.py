"""Fixtures: the database under test (SQLite, and MySQL when one is configured) and clients of
apps built in process, with the settings a test needs."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest
from tortoise.context import TortoiseContext

import migrations
from app import create_app
from models import Todo
from models.database import migrations_location, tortoise_config
from settings import Settings
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
    config = tortoise_config(url, Settings.database_pool_max)
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


AppClient = Callable[..., AbstractAsyncContextManager[GraphQLClient]]


@pytest.fixture
def app_client(empty: str) -> AppClient:
    """Opens a client of an app built with the given settings (the test database's URL and
    quiet logs unless said otherwise), in process, on an empty database."""

    @asynccontextmanager
    async def open_client(**settings: Any) -> AsyncIterator[GraphQLClient]:
        # The database fixture's ORM context serves the app: ASGITransport runs no lifespan.
        app = create_app(Settings(**{"log_level": "WARNING", **settings}))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield GraphQLClient(http)

    return open_client


@pytest.fixture
async def client(app_client: AppClient) -> AsyncIterator[GraphQLClient]:
    """A client of the app with the default settings (GraphiQL on)."""
    async with app_client() as graphql_client:
        yield graphql_client
