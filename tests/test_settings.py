"""Settings: one frozen object, built from the environment (and .env) once; a bad value stops the
service with one line naming the setting; the README's table names every setting, and only those."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest

from settings import Settings

README = Path(__file__).parent.parent / "README.md"


def from_environment(**environ: str) -> Settings:
    return Settings.from_environment(environ, env_file=None)


def test_the_embedded_default_is_a_sqlite_file() -> None:
    assert from_environment().database_url == "sqlite://todobackend.sqlite3"
    assert from_environment().database_kind == "sqlite"


def test_mysql_settings_build_an_aiomysql_url_with_an_escaped_password() -> None:
    settings = from_environment(MYSQL_HOST="db", MYSQL_PASSWORD="p@ss/word", MYSQL_USER="todo")
    assert settings.database_url == (
        "mysql://todo:p%40ss%2Fword@db:3306/todobackend?charset=utf8mb4&connect_timeout=5"
    )
    assert settings.database_kind == "mysql"


def test_database_url_wins() -> None:
    assert from_environment(MYSQL_HOST="db", DATABASE_URL="sqlite://o.db").database_url == (
        "sqlite://o.db"
    )


def test_values_are_read_and_typed() -> None:
    settings = from_environment(
        PRODUCTION="true", MAX_ALIASES="7", CORS_ALLOW_ORIGINS="https://a, https://b",
        LOG_LEVEL="debug", EVENT_RETENTION_SECONDS="60.5",
    )  # fmt: skip
    assert settings.production is True
    assert settings.graphiql is False  # not in production, unless asked, and then refused
    assert settings.max_aliases == 7
    assert settings.cors_allow_origins == ("https://a", "https://b")
    assert settings.log_level == "DEBUG"
    assert settings.event_retention_seconds == 60.5


def test_an_env_file_is_read_and_the_environment_wins_over_it(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("MAX_ALIASES=9\nMAX_DIRECTIVES=3\n")
    settings = Settings.from_environment({"MAX_ALIASES": "11"}, env_file=env_file)
    assert (settings.max_aliases, settings.max_directives) == (11, 3)


def test_settings_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().production = True  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LOG_LEVEL", "LOUD"),
        ("GRAPHIQL", "maybe"),
        ("MYSQL_PORT", "three"),
        ("DATABASE_URL", "postgres://x"),
        ("MAX_BODY_BYTES", "-1"),
        ("FORWARDED_ALLOW_IPS", "10.0.0.0/99"),
    ],
)
def test_a_bad_value_stops_the_service_with_one_line_naming_the_setting(
    name: str, value: str
) -> None:
    env = {name: value, "MYSQL_HOST": "db"} if name == "MYSQL_PORT" else {name: value}
    code = f"from settings import Settings; Settings.from_environment({env!r}, env_file=None)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert name in lines[0]


def test_the_readme_table_names_every_setting_and_only_those() -> None:
    section = README.read_text().split("## Settings", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([A-Z_]+)`", section, flags=re.MULTILINE))
    # MYSQL_* compose DATABASE_URL; HOST and PORT are make's, for `make run`.
    extra = {"MYSQL_HOST", "MYSQL_PORT", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE", "HOST"}
    settings = {setting.name.upper() for setting in dataclasses.fields(Settings)}
    assert documented - extra == settings
