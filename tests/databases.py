"""The test databases: which ones this run has, and making one fresh."""

from __future__ import annotations

import contextlib
import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.context import TortoiseContext
from tortoise.exceptions import OperationalError

from database import tortoise_config

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
        await context.init(config=tortoise_config(url))
        connection = context.connections.get("default")
        with contextlib.suppress(OperationalError):  # there is no database yet
            await connection.db_delete()
        await connection.db_create()
