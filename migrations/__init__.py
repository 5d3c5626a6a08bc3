"""Schema migrations (aerich): one set per database kind, `mysql/` and `sqlite/`."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from aerich import Command
from tortoise.exceptions import DBConnectionError

from models.database import APP_LABEL

logger = logging.getLogger(__name__)
RETRY_SECONDS = 1.0


async def upgrade(config: dict[str, Any], location: str, wait_seconds: float = 0) -> list[str]:
    """Apply the migrations not yet applied to the database; returns their names.

    A database that cannot be reached yet (still starting) is tried again for `wait_seconds`.
    """
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            async with Command(config, app=APP_LABEL, location=location) as command:
                await command.init()
                applied: list[str] = await command.upgrade(run_in_transaction=True)
            return applied
        except DBConnectionError:
            if time.monotonic() >= deadline:
                raise
            logger.warning("the database cannot be reached yet; trying again")
            await asyncio.sleep(RETRY_SECONDS)
