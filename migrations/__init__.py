"""Schema migrations (aerich): one set per database kind, `mysql/` and `sqlite/`."""

from __future__ import annotations

from typing import Any

from aerich import Command

from database import APP_LABEL


async def upgrade(config: dict[str, Any], location: str) -> list[str]:
    """Apply the migrations not yet applied to the database; returns their names."""
    async with Command(config, app=APP_LABEL, location=location) as command:
        await command.init()
        applied: list[str] = await command.upgrade(run_in_transaction=True)
    return applied
