"""How the service reaches its database: the Tortoise config (aerich's too) and a liveness probe."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tortoise import connections
from tortoise.backends.base.config_generator import expand_db_url

import settings

APP_LABEL = "models"


def pooled(url: str) -> str:
    """A mysql:// URL with the pool size of settings.DATABASE_POOL_MAX, unless it has its own."""
    if not url.startswith("mysql://") or "maxsize=" in urlsplit(url).query:
        return url
    return f"{url}{'&' if '?' in url else '?'}maxsize={settings.DATABASE_POOL_MAX}"


# Every MySQL session reads committed data: no gap locks (fewer waits and deadlocks between
# writers), and a plain read in a transaction sees the latest commits, which the bulk changes'
# last check relies on (todos/commands.py).
MYSQL_SESSION_SETUP = "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"


def connection_config(url: str) -> str | dict[str, Any]:
    if not url.startswith("mysql://"):
        return url
    config = expand_db_url(pooled(url))
    config["credentials"]["init_command"] = MYSQL_SESSION_SETUP
    return config


def tortoise_config(url: str) -> dict[str, Any]:
    """The Tortoise (and aerich) configuration for a database URL."""
    return {
        "connections": {"default": connection_config(url)},
        "apps": {
            APP_LABEL: {"models": ["models", "aerich.models"], "default_connection": "default"}
        },
        # Aware datetimes, so the API's DateTime values carry their UTC offset.
        "use_tz": True,
        "timezone": "UTC",
    }


def migrations_location(kind: str) -> str:
    """aerich writes SQL for one kind of database, so each kind keeps its own migrations."""
    return str(Path(__file__).parent / "migrations" / kind)


TORTOISE_ORM = tortoise_config(settings.DATABASE_URL)
MIGRATIONS_LOCATION = migrations_location(settings.DATABASE_KIND)


async def ping(seconds: float) -> bool:
    """True when the database answers a trivial query within `seconds`."""
    try:
        async with asyncio.timeout(seconds):
            await connections.get("default").execute_query("SELECT 1")
    except Exception:  # any failure means "unreachable"; /health reports, it does not raise
        return False
    return True
