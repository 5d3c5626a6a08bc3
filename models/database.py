"""How the service reaches its database: the Tortoise config (aerich's too) and a liveness probe."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pymysql.err import InterfaceError  # type: ignore[import-untyped]
from tortoise import connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.exceptions import DBConnectionError, OperationalError

APP_LABEL = "models"
MIGRATIONS = Path(__file__).parent.parent / "migrations"
MYSQL_ENGINE = "models.backend"  # Tortoise's, its pool fair (models/pool.py)


def pooled(url: str, pool_max: int) -> str:
    """A mysql:// URL with a pool of `pool_max` connections, unless it has its own."""
    if not url.startswith("mysql://") or "maxsize=" in urlsplit(url).query:
        return url
    return f"{url}{'&' if '?' in url else '?'}maxsize={pool_max}"


# Every MySQL session reads committed data: no gap locks (fewer waits and deadlocks between
# writers), and a plain read in a transaction sees the latest commits, which the bulk changes'
# last check relies on (todos/commands.py).
MYSQL_SESSION_SETUP = "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"


def connection_config(url: str, pool_max: int) -> str | dict[str, Any]:
    if not url.startswith("mysql://"):
        return url
    config = expand_db_url(pooled(url, pool_max))
    config["engine"] = MYSQL_ENGINE
    config["credentials"]["init_command"] = MYSQL_SESSION_SETUP
    return config


def tortoise_config(url: str, pool_max: int) -> dict[str, Any]:
    """The Tortoise (and aerich) configuration for a database URL."""
    return {
        "connections": {"default": connection_config(url, pool_max)},
        "apps": {
            APP_LABEL: {"models": ["models", "aerich.models"], "default_connection": "default"}
        },
        # Aware datetimes, so the API's DateTime values carry their UTC offset.
        "use_tz": True,
        "timezone": "UTC",
    }


def migrations_location(kind: str) -> str:
    """aerich writes SQL for one kind of database, so each kind keeps its own migrations."""
    return str(MIGRATIONS / kind)


async def ping(seconds: float) -> bool:
    """True when the database answers a trivial query within `seconds`."""
    try:
        async with asyncio.timeout(seconds):
            await connections.get("default").execute_query("SELECT 1")
    except Exception:  # any failure means "unreachable"; /health reports, it does not raise
        return False
    return True


def pool_usage() -> tuple[int, int]:
    """The MySQL pool's connections in use and idle; SQLite's one connection, (0, 1)."""
    try:
        pool = getattr(connections.get("default"), "_pool", None)  # aiomysql's, once opened
    except Exception:  # no ORM context yet, or any more
        return 0, 0
    if pool is None or not hasattr(pool, "freesize"):
        return 0, 1
    return pool.size - pool.freesize, pool.freesize


# MySQL's (and MariaDB's) client and server codes for a connection that is not there: cannot
# connect, gone away, lost, the server shutting down, the connection killed.
_OUTAGE_CODES = frozenset({1053, 1927, 2002, 2003, 2006, 2013, 2055, 4031})


# What a lost database raises through Tortoise and aiomysql (is_outage tells which mean that).
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    DBConnectionError,
    OperationalError,
    InterfaceError,
    ConnectionError,
)


def is_outage(error: BaseException) -> bool:
    """Whether `error` says the database cannot be reached (down, restarting, unreachable),
    rather than that a statement failed."""
    if isinstance(error, DBConnectionError | ConnectionError | TimeoutError):
        return True
    cause = error.args[0] if isinstance(error, OperationalError) and error.args else error
    code = getattr(cause, "args", (None,))[0] if getattr(cause, "args", None) else None
    if code in _OUTAGE_CODES:
        return True
    # aiomysql on a connection it has closed: InterfaceError(0, 'Not connected').
    return isinstance(cause, InterfaceError) and "Not connected" in str(cause)
