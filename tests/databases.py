"""The test databases: which ones this run has, and making one fresh."""

from __future__ import annotations

import contextlib
import os
import random
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.context import TortoiseContext
from tortoise.exceptions import OperationalError

from models import Todo
from models.database import tortoise_config
from settings import Settings
from todos.search import search_key

BACKENDS = ["sqlite", "mysql"]


def database_url(backend: str, folder: str, name: str) -> str:
    """The URL of test database `name` of kind `backend`; skips (fails under CI) without MySQL."""
    if backend == "sqlite":
        return f"sqlite://{folder}/{name}.sqlite3"
    url = os.environ.get("TEST_MYSQL_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true needs the MySQL tests: set TEST_MYSQL_URL (scripts/test.sh does)")
        pytest.skip("no MySQL server: set TEST_MYSQL_URL (scripts/test.sh starts one)")
    # TEST_MYSQL_URL names the server and a database; each use gets its own database beside it.
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}_{name}"))


async def recreate(url: str) -> None:
    """Drop the database at `url` if it exists and create it empty."""
    # Tortoise caches each table's INSERT statement per connection name, not per database kind;
    # statements made for SQLite must not be reused on MySQL.
    EXECUTOR_CACHE.clear()
    async with TortoiseContext() as context:
        await context.init(config=tortoise_config(url, Settings.database_pool_max))
        connection = context.connections.get("default")
        with contextlib.suppress(OperationalError):  # there is no database yet
            await connection.db_delete()
        await connection.db_create()


# Titles that tie under folding, and contain LIKE's special characters.
TITLES = ("Café au lait", "cafe NOIR", "Milk 100%", "a_b", "Straße", "STRASSE", "Ω", "zz top")


async def seed_todos(rng: random.Random, count: int) -> None:
    """`count` todos with ties in every sort key, nulls in `order`, and several versions."""
    await Todo.all().delete()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for index in range(count):
        title = f"{rng.choice(TITLES)} {rng.randint(1, 3)}"
        todo = await Todo.create(
            title=title,
            search_key=search_key(title),
            completed=rng.random() < 0.4,
            order=rng.choice([None, None, 1, 2, 3, index]),
            version=rng.randint(1, 3),
        )
        created = start + timedelta(seconds=rng.randint(0, 3))
        updated = created + timedelta(microseconds=rng.randint(0, 2))
        await Todo.filter(id=todo.id).update(created_at=created, updated_at=updated)
