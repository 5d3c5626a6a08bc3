"""How the service reaches its database: the Tortoise config (aerich's too) and a liveness probe."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tortoise import connections

import settings

APP_LABEL = "models"


def pooled(url: str) -> str:
    """A mysql:// URL with the pool size of settings.DATABASE_POOL_MAX, unless it has its own."""
    if not url.startswith("mysql://") or "maxsize=" in urlsplit(url).query:
        return url
    return f"{url}{'&' if '?' in url else '?'}maxsize={settings.DATABASE_POOL_MAX}"


def tortoise_config(url: str) -> dict[str, Any]:
    """The Tortoise (and aerich) configuration for a database URL."""
    return {
        "connections": {"default": pooled(url)},
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
