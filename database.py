"""How the service reaches its database: the Tortoise config (also aerich's) and a liveness probe."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tortoise import connections

import settings

APP_LABEL = "models"

TORTOISE_ORM: dict[str, Any] = {
    "connections": {"default": settings.DATABASE_URL},
    "apps": {
        APP_LABEL: {
            "models": ["models", "aerich.models"],
            "default_connection": "default",
        }
    },
    # Aware datetimes, so the API's DateTime values carry their UTC offset.
    "use_tz": True,
    "timezone": "UTC",
}

# aerich writes SQL for one kind of database, so each kind keeps its own set of migrations.
MIGRATIONS_ROOT = Path(__file__).parent / "migrations"
MIGRATIONS_LOCATION = str(MIGRATIONS_ROOT / settings.DATABASE_KIND)


async def ping(timeout: float) -> bool:
    """True when the database answers a trivial query within `timeout` seconds."""
    try:
        connection = connections.get("default")
        await asyncio.wait_for(connection.execute_query("SELECT 1"), timeout)
    except Exception:  # any failure means "unreachable"; /health reports, it does not raise
        return False
    return True
