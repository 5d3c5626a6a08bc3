"""aiomysql's connection pool, handing its connections out in the order they were asked for.

aiomysql gives a released connection to whichever coroutine asks next and wakes a waiter with a
task of its own, so a request arriving while others wait takes the connection they waited for:
with a few connections some requests waited for seconds. That is why the pool used to hold 32
connections a worker, and with two workers that many MariaDB threads ran at once on a small
host, each query waiting its turn for a CPU (MariaDB's slow log: 11-row selects of 100-170 ms).

Here a first-come-first-served semaphore of the pool's size comes first: past it, a free
connection, or room to open one, is always there, and nothing waits in aiomysql's pool. A
released connection wakes aiomysql's waiters only when there are any (when the pool is closing).
tests/models/test_pool.py holds it to its order and to aiomysql's handling of connections.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiomysql  # type: ignore[import-untyped]


class FairPool(aiomysql.Pool):  # type: ignore[misc]  # aiomysql has no type hints
    _turns: asyncio.Semaphore | None = None

    @classmethod
    def adopt(cls, pool: aiomysql.Pool) -> FairPool:
        """`pool` (aiomysql's, as Tortoise made it, with nothing of it in use) as a FairPool."""
        pool.__class__ = cls
        fair: FairPool = pool
        return fair

    def _gate(self) -> asyncio.Semaphore:
        if self._turns is None:  # made in the pool's event loop, on first use
            self._turns = asyncio.Semaphore(self.maxsize)
        return self._turns

    async def _acquire(self) -> Any:
        turns = self._gate()
        await turns.acquire()
        try:
            return await super()._acquire()
        except BaseException:
            turns.release()
            raise

    def release(self, conn: Any) -> asyncio.Future[None]:
        """aiomysql's release(), its turn given to the next waiter."""
        try:
            return self._release(conn)
        finally:
            self._gate().release()

    def _release(self, conn: Any) -> asyncio.Future[None]:
        done: asyncio.Future[None] = self._loop.create_future()
        done.set_result(None)
        if conn in self._terminated:
            assert conn.closed, conn
            self._terminated.remove(conn)
            return done
        assert conn in self._used, (conn, self._used)
        self._used.remove(conn)
        if conn.closed:
            return done
        if conn.get_transaction_status() or self._closing:
            conn.close()  # a transaction left open is not given to anyone else
        else:
            self._free.append(conn)
        if self._cond._waiters:  # wait_closed(), waiting for every connection back
            return self._loop.create_task(self._wakeup())  # type: ignore[no-any-return]
        return done
