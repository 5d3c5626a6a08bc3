"""Writing in a transaction, retried when the database refuses it for contention alone."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import OperationalError
from tortoise.transactions import in_transaction

from todos import events
from todos.errors import Busy

logger = logging.getLogger(__name__)

T = TypeVar("T")

ATTEMPTS = 8
# MySQL's deadlock (1213) and lock wait timeout (1205): the transaction was rolled back (or its
# statement was) and running it again is safe.
RETRYABLE_MYSQL_ERRORS = frozenset({1205, 1213})


class Retry(Exception):
    """Raised inside a transaction to roll it back and run it again (it saw the data move)."""


def _is_contention(error: OperationalError) -> bool:
    cause = error.args[0] if error.args else None
    code = getattr(cause, "args", (None,))[0] if cause is not None else None
    if code in RETRYABLE_MYSQL_ERRORS:
        return True
    return "database is locked" in str(error)  # SQLite, with another process writing


@asynccontextmanager
async def in_one_transaction() -> AsyncIterator[BaseDBAsyncClient]:
    """Tortoise's in_transaction(), made safe when BEGIN fails (a lost database): Tortoise 1.1.9
    then keeps what it acquired, a pooled MySQL connection or SQLite's one lock, for ever; a few
    such failures would leave every later request waiting."""
    context = in_transaction()
    try:
        connection = await context.__aenter__()
    except BaseException as error:
        if hasattr(context, "token"):  # acquired: its exit releases, after a rollback that fails
            with contextlib.suppress(Exception):
                await context.__aexit__(type(error), error, error.__traceback__)
        raise
    try:
        yield connection
    except BaseException as error:
        await context.__aexit__(type(error), error, error.__traceback__)
        raise
    await context.__aexit__(None, None, None)


async def write(work: Callable[[BaseDBAsyncClient], Awaitable[T]], transaction: bool = True) -> T:
    """`work`'s result, run in a transaction that commits (or, for a single statement, without
    one); run again (a bounded number of times, after a short random pause) when the database
    refuses it for contention."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            if transaction:
                async with in_one_transaction() as connection:
                    result = await work(connection)
            else:
                result = await work(connections.get("default"))
        except Retry:
            pass
        except OperationalError as error:
            if not _is_contention(error):
                raise
            logger.info("write: %s (attempt %d of %d)", error, attempt, ATTEMPTS)
        else:
            events.hub.committed()
            return result
        await asyncio.sleep(random.uniform(0, 0.002 * 2**attempt))
    raise Busy()
