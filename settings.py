"""The service's configuration: one frozen object, built once from the environment (and a `.env`
file, if present) and handed to `create_app`; nothing else reads the environment."""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.config import Config
from starlette.datastructures import CommaSeparatedStrings

LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
DATABASE_KINDS = ("sqlite", "mysql")
EMBEDDED_DATABASE = "sqlite://todobackend.sqlite3"
AUTH_MODES = ("none", "jwt")
# Where jwt mode takes the keys it checks tokens against: exactly one of them.
JWT_KEY_SETTINGS = ("jwt_public_key", "jwt_jwks_url", "jwt_secret")


class SettingError(SystemExit):
    """A setting with a value the service cannot use; stops the service with one line."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"todobackend: setting {name}: {problem}")


@dataclass(frozen=True)
class Settings:
    """Every setting, by the name of its environment variable in lower case (README: Settings)."""

    database_url: str = EMBEDDED_DATABASE
    database_pool_max: int = 4
    redis_url: str = ""
    event_retention_seconds: float = 86_400.0
    cors_allow_origins: tuple[str, ...] = ("*",)
    forwarded_allow_ips: tuple[str, ...] = ("127.0.0.1",)
    production: bool = False
    graphiql: bool | None = None  # None: served unless in production
    log_level: str = "INFO"
    migrate_wait_seconds: float = 60.0
    health_timeout_seconds: float = 2.0
    # Limits on one request.
    max_body_bytes: int = 1_000_000
    max_query_depth: int = 15
    max_query_tokens: int = 2_000
    max_query_fields: int = 300
    max_aliases: int = 30
    max_directives: int = 5
    max_query_nodes: int = 1_000
    max_response_bytes: int = 2_000_000
    request_timeout_seconds: float = 10.0
    max_batch_operations: int = 0
    graphql_fast_path: bool = True
    # Limits on WebSockets.
    ws_init_timeout_seconds: float = 10.0
    max_subscriptions_per_connection: int = 20
    max_websockets: int = 1_000
    # Identity (README: Users and their todos).
    auth_mode: str = "none"
    jwt_public_key: str = ""
    jwt_jwks_url: str = ""
    jwt_secret: str = ""
    jwt_issuer: str = ""
    jwt_audience: str = ""
    jwt_leeway_seconds: float = 5.0
    # Trusted documents (README: Persisted queries).
    persisted_documents: str = ""
    persisted_only: bool = False
    # Prometheus metrics on /metrics (README: Metrics).
    metrics: bool = False
    metrics_dir: str = ""  # where the worker processes share their figures ("": a temporary one)
    metrics_max_operations: int = 100

    def __post_init__(self) -> None:
        scheme = self.database_url.split("://", 1)[0]
        if "://" not in self.database_url or scheme not in DATABASE_KINDS:
            raise SettingError("DATABASE_URL", "expected a sqlite://... or mysql://... URL")
        if self.log_level not in LOG_LEVELS:
            raise SettingError("LOG_LEVEL", f"expected one of {', '.join(LOG_LEVELS)}")
        if self.graphiql is None:
            object.__setattr__(self, "graphiql", not self.production)
        elif self.graphiql and self.production:
            raise SettingError("GRAPHIQL", "GraphiQL cannot be served in production mode")
        for setting in dataclasses.fields(self):
            value = getattr(self, setting.name)
            if setting.name in _POSITIVE and not value > 0:
                raise SettingError(setting.name.upper(), "expected a positive number")
        for entry in self.forwarded_allow_ips:
            try:
                if entry.strip() != "*":
                    ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise SettingError("FORWARDED_ALLOW_IPS", f"{entry!r} is not an address") from None
        if self.max_batch_operations < 0:
            raise SettingError("MAX_BATCH_OPERATIONS", "expected 0 (no batching) or more")
        self._check_identity()
        if self.persisted_only and not self.persisted_documents:
            raise SettingError("PERSISTED_ONLY", "needs PERSISTED_DOCUMENTS, the documents to run")

    def _check_identity(self) -> None:
        if self.auth_mode not in AUTH_MODES:
            raise SettingError("AUTH_MODE", f"expected one of {', '.join(AUTH_MODES)}")
        if self.jwt_leeway_seconds < 0:
            raise SettingError("JWT_LEEWAY_SECONDS", "expected 0 or more")
        keys = [name.upper() for name in JWT_KEY_SETTINGS if getattr(self, name)]
        if self.auth_mode == "jwt" and len(keys) != 1:
            names = ", ".join(name.upper() for name in JWT_KEY_SETTINGS)
            found = f" (got {', '.join(keys)})" if keys else ""
            raise SettingError("AUTH_MODE", f"jwt needs exactly one of {names}{found}")
        if self.jwt_jwks_url and not self.jwt_jwks_url.startswith(("https://", "http://")):
            raise SettingError("JWT_JWKS_URL", "expected an http:// or https:// URL")

    @property
    def database_kind(self) -> str:
        """ "sqlite" or "mysql": which migrations and SQL the database takes."""
        return self.database_url.split("://", 1)[0]

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env"
    ) -> Settings:
        """The settings in `environ` (the process's environment) and `env_file`, which it wins
        over; a bad value stops the service with one line naming the setting."""
        environ = os.environ if environ is None else environ
        env_file = env_file if env_file is not None and Path(env_file).is_file() else None
        config = Config(env_file, environ=environ)
        values: dict[str, Any] = {"database_url": _database_url(config)}
        for setting in dataclasses.fields(cls):
            name = setting.name.upper()
            if setting.name != "database_url" and config(name, default=None) is not None:
                values[setting.name] = _read(config, name, str(setting.type))
        return cls(**values)


# Settings that must be above zero.
_POSITIVE = frozenset(
    {
        "database_pool_max", "event_retention_seconds", "health_timeout_seconds",
        "max_body_bytes", "max_query_depth", "max_query_tokens", "max_query_fields",
        "max_aliases", "max_directives", "max_query_nodes", "max_response_bytes",
        "request_timeout_seconds", "ws_init_timeout_seconds", "max_subscriptions_per_connection",
        "max_websockets", "metrics_max_operations",
    }
)  # fmt: skip

_CASTS: dict[str, Any] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "bool | None": bool,
    "tuple[str, ...]": CommaSeparatedStrings,
}


def _read(config: Config, name: str, annotation: str) -> Any:
    cast = _CASTS[annotation]
    try:
        value = config(name, cast=cast)
    except ValueError as error:
        raise SettingError(name, str(error)) from None
    if cast is CommaSeparatedStrings:
        return tuple(value)
    if name == "LOG_LEVEL":
        return str(value).upper()
    return value


def _mysql_url(config: Config) -> str | None:
    host = config("MYSQL_HOST", default="")
    if not host:
        return None
    try:
        port = config("MYSQL_PORT", cast=int, default=3306)
    except ValueError as error:
        raise SettingError("MYSQL_PORT", str(error)) from None
    user = quote(config("MYSQL_USER", default="todo"), safe="")
    password = quote(config("MYSQL_PASSWORD", default=""), safe="")
    database = quote(config("MYSQL_DATABASE", default="todobackend"), safe="")
    # utf8mb4 on the connection too, so emoji reach the utf8mb4 tables intact; a database that
    # does not answer is reported within seconds, not aiomysql's default minute.
    query = "charset=utf8mb4&connect_timeout=5"
    return f"mysql://{user}:{password}@{host}:{port}/{database}?{query}"


def _database_url(config: Config) -> str:
    url: str = config("DATABASE_URL", default="") or _mysql_url(config) or EMBEDDED_DATABASE
    return url
