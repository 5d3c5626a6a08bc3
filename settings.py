"""The service's configuration, read once from the environment (and a `.env` file, if present)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from starlette.config import Config
from starlette.datastructures import CommaSeparatedStrings

# A `.env` file is optional; the environment wins over it.
config = Config(".env" if Path(".env").is_file() else None)

LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
DATABASE_SCHEMES = {"sqlite": "sqlite", "mysql": "mysql"}


class SettingError(SystemExit):
    """A setting with a value the service cannot use; stops the service with one line."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"todobackend: setting {name}: {problem}")


T = TypeVar("T")


def _read(name: str, cast: type[T], default: Any) -> T:
    try:
        value: T = config(name, cast=cast, default=default)
        return value
    except ValueError as error:
        raise SettingError(name, str(error)) from None


def _mysql_url() -> str | None:
    host = _read("MYSQL_HOST", str, "")
    if not host:
        return None
    port = _read("MYSQL_PORT", int, 3306)
    user = quote(_read("MYSQL_USER", str, "todo"), safe="")
    password = quote(_read("MYSQL_PASSWORD", str, ""), safe="")
    database = quote(_read("MYSQL_DATABASE", str, "todobackend"), safe="")
    # utf8mb4 on the connection too, so emoji reach the utf8mb4 tables intact; a database that
    # does not answer is reported within seconds, not aiomysql's default minute.
    query = "charset=utf8mb4&connect_timeout=5"
    return f"mysql://{user}:{password}@{host}:{port}/{database}?{query}"


def _database_url() -> str:
    url = _read("DATABASE_URL", str, "") or _mysql_url() or "sqlite://todobackend.sqlite3"
    scheme = url.split("://", 1)[0]
    if "://" not in url or scheme not in DATABASE_SCHEMES:
        raise SettingError("DATABASE_URL", "expected a sqlite://... or mysql://... URL")
    return url


def _log_level() -> str:
    level = _read("LOG_LEVEL", str, "INFO").upper()
    if level not in LOG_LEVELS:
        raise SettingError("LOG_LEVEL", f"expected one of {', '.join(LOG_LEVELS)}")
    return level


def _positive(name: str, cast: type[T], default: T) -> T:
    value = _read(name, cast, default)
    if not value > 0:  # type: ignore[operator]
        raise SettingError(name, "expected a positive number")
    return value


def _graphiql(production: bool) -> bool:
    graphiql = _read("GRAPHIQL", bool, not production)
    if graphiql and production:
        raise SettingError("GRAPHIQL", "GraphiQL cannot be served in production mode")
    return graphiql


DATABASE_URL: str = _database_url()
DATABASE_KIND: str = DATABASE_SCHEMES[DATABASE_URL.split("://", 1)[0]]
CORS_ALLOW_ORIGINS: list[str] = list(
    _read("CORS_ALLOW_ORIGINS", CommaSeparatedStrings, CommaSeparatedStrings("*"))
)
# Production: no introspection, no "Did you mean" suggestions, no GraphiQL, JSON log lines.
PRODUCTION: bool = _read("PRODUCTION", bool, False)
GRAPHIQL: bool = _graphiql(PRODUCTION)
LOG_LEVEL: str = _log_level()
REDIS_URL: str = _read("REDIS_URL", str, "")
# How long the event log keeps events: todoEvents(after:) resumes from any event this recent.
EVENT_RETENTION_SECONDS: float = _positive("EVENT_RETENTION_SECONDS", float, 86_400.0)
# How long `python -m migrations upgrade` waits for a database that is still starting.
MIGRATE_WAIT_SECONDS: float = _read("MIGRATE_WAIT_SECONDS", float, 60.0)
HEALTH_TIMEOUT_SECONDS: float = _positive("HEALTH_TIMEOUT_SECONDS", float, 2.0)
# MySQL connections per worker process (unless DATABASE_URL sets maxsize). aiomysql's pool lets a
# newcomer take a freed connection before a waiting request, so a pool smaller than the requests
# in flight starves some of them for seconds: keep it above a worker's usual concurrency.
DATABASE_POOL_MAX: int = _positive("DATABASE_POOL_MAX", int, 32)

# Limits on one request.
MAX_BODY_BYTES: int = _positive("MAX_BODY_BYTES", int, 1_000_000)
MAX_QUERY_DEPTH: int = _positive("MAX_QUERY_DEPTH", int, 15)
MAX_QUERY_TOKENS: int = _positive("MAX_QUERY_TOKENS", int, 2_000)
MAX_QUERY_FIELDS: int = _positive("MAX_QUERY_FIELDS", int, 300)
MAX_ALIASES: int = _positive("MAX_ALIASES", int, 30)
MAX_DIRECTIVES: int = _positive("MAX_DIRECTIVES", int, 5)
REQUEST_TIMEOUT_SECONDS: float = _positive("REQUEST_TIMEOUT_SECONDS", float, 10.0)
MAX_BATCH_OPERATIONS: int = _read("MAX_BATCH_OPERATIONS", int, 0)  # 0: no batching

# Documents seen before run from a compiled plan (graph/fast.py); false: graphql-core runs all.
GRAPHQL_FAST_PATH: bool = _read("GRAPHQL_FAST_PATH", bool, True)

# Limits on WebSockets (subscriptions).
WS_INIT_TIMEOUT_SECONDS: float = _positive("WS_INIT_TIMEOUT_SECONDS", float, 10.0)
MAX_SUBSCRIPTIONS_PER_CONNECTION: int = _positive("MAX_SUBSCRIPTIONS_PER_CONNECTION", int, 20)
MAX_WEBSOCKETS: int = _positive("MAX_WEBSOCKETS", int, 1_000)
