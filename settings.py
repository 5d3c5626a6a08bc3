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
    # utf8mb4 on the connection too, so emoji reach the utf8mb4 tables intact.
    return f"mysql://{user}:{password}@{host}:{port}/{database}?charset=utf8mb4"


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


def _positive_int(name: str, default: int) -> int:
    value = _read(name, int, default)
    if value <= 0:
        raise SettingError(name, "expected a positive whole number")
    return value


DATABASE_URL: str = _database_url()
DATABASE_KIND: str = DATABASE_SCHEMES[DATABASE_URL.split("://", 1)[0]]
CORS_ALLOW_ORIGINS: list[str] = list(
    _read("CORS_ALLOW_ORIGINS", CommaSeparatedStrings, CommaSeparatedStrings("*"))
)
GRAPHIQL: bool = _read("GRAPHIQL", bool, True)
LOG_LEVEL: str = _log_level()
MAX_BODY_BYTES: int = _positive_int("MAX_BODY_BYTES", 1_000_000)
REDIS_URL: str = _read("REDIS_URL", str, "")
HEALTH_TIMEOUT_SECONDS: float = _read("HEALTH_TIMEOUT_SECONDS", float, 2.0)
