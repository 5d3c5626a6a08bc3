"""models/pool.py on a real MariaDB: connections handed out in the order they were asked for, the
pool's size never exceeded, and aiomysql's handling of what comes back (a transaction left open
closes, a failed connect gives its turn back, closing waits for every connection)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import aiomysql  # type: ignore[import-untyped]
import pytest

from models.pool import FairPool

SIZE = 2


def arguments(database: str) -> dict[str, Any]:
    url = urlsplit(os.environ["TEST_MYSQL_URL"])
    return dict(host=url.hostname, port=url.port, user=url.username, password=url.password,
                autocommit=True, minsize=1, maxsize=SIZE)  # fmt: skip


@pytest.fixture
async def pool(database: str) -> AsyncIterator[FairPool]:
    if database != "mysql":
        pytest.fail("the module's marker runs this on MySQL only")
    fair = FairPool.adopt(await aiomysql.create_pool(**arguments(database)))
    yield fair
    fair.close()
    await fair.wait_closed()


# MySQL only: the pool is aiomysql's.
pytestmark = pytest.mark.parametrize("database", ["mysql"], indirect=True)


async def test_connections_go_in_the_order_they_were_asked_for(pool: FairPool) -> None:
    served: list[int] = []
    held = [await pool.acquire() for _ in range(SIZE)]

    async def ask(number: int) -> None:
        connection = await pool.acquire()
        served.append(number)
        await asyncio.sleep(0.01)
        pool.release(connection)

    waiting = [asyncio.create_task(ask(number)) for number in range(20)]
    await asyncio.sleep(0.05)  # all twenty are waiting now
    for connection in held:
        pool.release(connection)
    # While they take turns, newcomers keep asking: none goes before those who waited.
    late = [asyncio.create_task(ask(100 + number)) for number in range(10)]
    await asyncio.gather(*waiting, *late)
    assert served[:20] == list(range(20))
    assert sorted(served[20:]) == served[20:]
    assert pool.size <= SIZE


async def test_a_transaction_left_open_is_closed_not_given_out(pool: FairPool) -> None:
    connection = await pool.acquire()
    await connection.begin()
    pool.release(connection)
    assert connection.closed
    again = await pool.acquire()  # its turn came back: a new connection
    assert again is not connection
    assert not again.closed
    pool.release(again)


async def test_a_failed_connect_gives_its_turn_back(database: str) -> None:
    broken = FairPool.adopt(
        await aiomysql.create_pool(**(arguments(database) | {"minsize": 0, "port": 1}))
    )
    for _ in range(SIZE + 1):  # one more than its turns: none was kept by a failure
        with pytest.raises(Exception, match="Can't connect"):
            await asyncio.wait_for(broken.acquire(), 10)
    broken.close()
    await broken.wait_closed()


async def test_closing_waits_for_every_connection(pool: FairPool) -> None:
    connection = await pool.acquire()
    pool.close()
    closed = asyncio.create_task(pool.wait_closed())
    await asyncio.sleep(0.05)
    assert not closed.done()
    pool.release(connection)  # wakes wait_closed(), the one thing waiting in aiomysql's pool
    await asyncio.wait_for(closed, 5)
    assert connection.closed
