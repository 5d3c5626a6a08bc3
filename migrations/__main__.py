"""Apply or write migrations for the configured database.

python -m migrations upgrade      apply the pending migrations (idempotent)
python -m migrations heads        list the pending migrations
python -m migrations new NAME     write a migration for the model changes (`make migrations`)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any
from urllib.parse import urlsplit

from aerich import Command
from aerich.migrate import Migrate
from tortoise.exceptions import DBConnectionError

import migrations
from models.database import APP_LABEL, migrations_location, tortoise_config
from settings import Settings


async def heads(config: dict[str, Any], location: str) -> None:
    async with Command(config, app=APP_LABEL, location=location) as command:
        await command.init()
        print("\n".join(await command.heads()) or "no pending migrations")


async def new(config: dict[str, Any], location: str, name: str) -> None:
    folder = Migrate.get_migration_dir(location, APP_LABEL)
    command = Command(config, app=APP_LABEL, location=location)
    try:
        if not list(folder.glob("*.py")):
            # The first migration creates the tables, on an empty database of this kind.
            await command.init_db(safe=True)
            print(f"wrote the first migration in {folder}")
            return
        # Offline: the change is worked out from the models and the state the last migration file
        # records, so no database of this kind is needed to write it.
        await command.init(offline=True)
        written = await command.migrate(name, no_input=True, offline=True)
        print(f"wrote {folder / written}" if written else "no changes in the models")
    finally:
        await command.aclose()


async def upgrade(settings: Settings, config: dict[str, Any], location: str) -> None:
    applied = await migrations.upgrade(config, location, wait_seconds=settings.migrate_wait_seconds)
    print("\n".join(f"applied {name}" for name in applied) or "no migrations to apply")


def unreachable(settings: Settings) -> str:
    """One line naming the database that could not be reached, and the setting that names it."""
    if settings.database_kind == "sqlite":
        return f"cannot open the SQLite database {settings.database_url} (DATABASE_URL)"
    url = urlsplit(settings.database_url)
    setting = "DATABASE_URL or MYSQL_HOST and MYSQL_PORT"
    return (
        f"cannot reach MySQL at {url.hostname}:{url.port or 3306} within "
        f"{settings.migrate_wait_seconds:g} s (MIGRATE_WAIT_SECONDS); check {setting}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m migrations", description=__doc__)
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("upgrade", help="apply the pending migrations")
    actions.add_parser("heads", help="list the pending migrations")
    actions.add_parser("new", help="write a migration for the model changes").add_argument("name")
    arguments = parser.parse_args()
    settings = Settings.from_environment()
    config = tortoise_config(settings.database_url, settings.database_pool_max)
    location = migrations_location(settings.database_kind)
    try:
        if arguments.action == "upgrade":
            asyncio.run(upgrade(settings, config, location))
        elif arguments.action == "heads":
            asyncio.run(heads(config, location))
        else:
            asyncio.run(new(config, location, arguments.name))
    except DBConnectionError:
        sys.exit(f"todobackend: {unreachable(settings)}")


if __name__ == "__main__":
    main()
