"""Apply or write migrations for the configured database.

    python -m migrations upgrade      apply the pending migrations (idempotent)
    python -m migrations heads        list the pending migrations
    python -m migrations new NAME     write a migration for the model changes (`make migrations`)
"""

from __future__ import annotations

import argparse
import asyncio

from pathlib import Path

from aerich import Command
from aerich.migrate import Migrate

from database import APP_LABEL, MIGRATIONS_LOCATION, TORTOISE_ORM


async def upgrade(command: Command) -> None:
    await command.init()
    applied = await command.upgrade(run_in_transaction=True)
    print("\n".join(f"applied {name}" for name in applied) or "no migrations to apply")


async def heads(command: Command) -> None:
    await command.init()
    print("\n".join(await command.heads()) or "no pending migrations")


async def new(command: Command, name: str) -> None:
    if not list(command_dir().glob("*.py")):
        # The first migration creates the tables from scratch.
        await command.init_db(safe=True)
        print(f"wrote the first migration in {command_dir()}")
        return
    await upgrade(command)
    written = await command.migrate(name, no_input=True)
    print(f"wrote {written}" if written else "no changes in the models")


def command_dir() -> Path:
    return Migrate.get_migration_dir(MIGRATIONS_LOCATION, APP_LABEL)


async def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m migrations", description=__doc__)
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("upgrade", help="apply the pending migrations")
    actions.add_parser("heads", help="list the pending migrations")
    new_parser = actions.add_parser("new", help="write a migration for the model changes")
    new_parser.add_argument("name")
    arguments = parser.parse_args()

    async with Command(TORTOISE_ORM, app=APP_LABEL, location=MIGRATIONS_LOCATION) as command:
        if arguments.action == "upgrade":
            await upgrade(command)
        elif arguments.action == "heads":
            await heads(command)
        else:
            await new(command, arguments.name)


if __name__ == "__main__":
    asyncio.run(main())
