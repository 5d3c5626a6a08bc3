"""Apply or write migrations for the configured database.

python -m migrations upgrade      apply the pending migrations (idempotent)
python -m migrations heads        list the pending migrations
python -m migrations new NAME     write a migration for the model changes (`make migrations`)
"""

from __future__ import annotations

import argparse
import asyncio

from aerich import Command
from aerich.migrate import Migrate

import migrations
import settings
from database import APP_LABEL, MIGRATIONS_LOCATION, TORTOISE_ORM


async def heads() -> None:
    async with Command(TORTOISE_ORM, app=APP_LABEL, location=MIGRATIONS_LOCATION) as command:
        await command.init()
        print("\n".join(await command.heads()) or "no pending migrations")


async def new(name: str) -> None:
    folder = Migrate.get_migration_dir(MIGRATIONS_LOCATION, APP_LABEL)
    command = Command(TORTOISE_ORM, app=APP_LABEL, location=MIGRATIONS_LOCATION)
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


async def upgrade() -> None:
    applied = await migrations.upgrade(
        TORTOISE_ORM, MIGRATIONS_LOCATION, wait_seconds=settings.MIGRATE_WAIT_SECONDS
    )
    print("\n".join(f"applied {name}" for name in applied) or "no migrations to apply")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m migrations", description=__doc__)
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("upgrade", help="apply the pending migrations")
    actions.add_parser("heads", help="list the pending migrations")
    actions.add_parser("new", help="write a migration for the model changes").add_argument("name")
    arguments = parser.parse_args()
    if arguments.action == "upgrade":
        asyncio.run(upgrade())
    elif arguments.action == "heads":
        asyncio.run(heads())
    else:
        asyncio.run(new(arguments.name))


if __name__ == "__main__":
    main()
