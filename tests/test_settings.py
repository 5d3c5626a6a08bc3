"""Settings: read once from the environment; a bad value stops the service with one line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PRINT_URL = "import settings; print(settings.DATABASE_URL)"


def run_settings(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MYSQL_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True
    )


def test_embedded_default_is_a_sqlite_file() -> None:
    result = run_settings(PRINT_URL)
    assert result.stdout.strip() == "sqlite://todobackend.sqlite3"


def test_mysql_settings_build_an_aiomysql_url_with_escaped_password() -> None:
    result = run_settings(PRINT_URL, MYSQL_HOST="db", MYSQL_PASSWORD="p@ss/word", MYSQL_USER="todo")
    assert result.stdout.strip() == (
        "mysql://todo:p%40ss%2Fword@db:3306/todobackend?charset=utf8mb4&connect_timeout=5"
    )


def test_database_url_wins() -> None:
    result = run_settings(PRINT_URL, MYSQL_HOST="db", DATABASE_URL="sqlite://other.db")
    assert result.stdout.strip() == "sqlite://other.db"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LOG_LEVEL", "LOUD"),
        ("GRAPHIQL", "maybe"),
        ("MYSQL_PORT", "three"),
        ("DATABASE_URL", "postgres://x"),
        ("MAX_BODY_BYTES", "-1"),
    ],
)
def test_a_bad_value_stops_with_one_line_naming_the_setting(name: str, value: str) -> None:
    env = {name: value, "MYSQL_HOST": "db"} if name == "MYSQL_PORT" else {name: value}
    result = run_settings(PRINT_URL, **env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert name in lines[0]
