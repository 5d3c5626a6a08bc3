"""The MySQL backend Tortoise uses (the engine models/database.py names): Tortoise's own, its
aiomysql pool handing connections out in turn (models/pool.py)."""

from __future__ import annotations

from tortoise.backends.mysql.client import MySQLClient as TortoisesMySQLClient

from models.pool import FairPool


class MySQLClient(TortoisesMySQLClient):
    async def create_connection(self, with_db: bool) -> None:
        await super().create_connection(with_db)
        if self._pool is not None and not isinstance(self._pool, FairPool):
            self._pool = FairPool.adopt(self._pool)


client_class = MySQLClient
