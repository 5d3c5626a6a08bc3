"""models/rawrows.py on a real MariaDB: the same rows as aiomysql reads, whatever their lengths
and NULLs, over several reads of the socket; the same errors; the transaction's connection within
one; and a connection it cannot leave in a known state is closed, not given back to the pool."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from tortoise.exceptions import OperationalError
from tortoise.transactions import in_transaction

from models import Todo, rawrows

# MySQL only: the rows are read as MySQL's protocol sends them.
pytestmark = pytest.mark.parametrize("database", ["mysql"], indirect=True)

STATEMENTS: tuple[tuple[str, list[Any]], ...] = (
    ("SELECT 1, NULL, '', 'é🍣', CAST(x'00ff' AS BINARY)", []),
    ("SELECT %s, %s, %s, %s, %s", ['it\'s \\ "q"', None, 7, True, "%"]),
    ("SELECT REPEAT('a', 250), REPEAT('b', 251), REPEAT('c', 65535), REPEAT('d', 65536)", []),
    ("SELECT REPEAT('e', 70000)", []),
    ("SELECT seq, IF(MOD(seq, 3), NULL, REPEAT('f', seq)) FROM seq_1_to_400", []),
    ("SELECT 1 FROM seq_1_to_10 WHERE seq > %s", [10]),
)


def as_bytes(value: Any) -> bytes | None:
    """aiomysql's value as the bytes MySQL sent (text protocol)."""
    if value is None or isinstance(value, bytes):
        return value
    return str(value).encode()


@pytest.mark.parametrize(("sql", "values"), STATEMENTS)
async def test_the_rows_are_aiomysqls(database: str, sql: str, values: list[Any]) -> None:
    db = Todo._meta.db
    _, expected = await db.execute_query(sql, values)
    rows = await rawrows.select(db, sql, values)
    assert rows == [[as_bytes(value) for value in row.values()] for row in expected]


async def test_errors_are_the_clients_and_the_connection_goes_on(database: str) -> None:
    db = Todo._meta.db
    with pytest.raises(OperationalError, match="1146"):  # no such table
        await rawrows.select(db, "SELECT * FROM no_such_table", [])
    with pytest.raises(OperationalError, match="1064"):  # a syntax error
        await rawrows.select(db, "SELEC 1", [])
    for _ in range(40):  # more than the pool's connections: each was left fit to use
        assert await rawrows.select(db, "SELECT %s", ["ok"]) == [[b"ok"]]


async def test_within_a_transaction_it_reads_the_transactions_rows(empty: str) -> None:
    if empty != "mysql":
        pytest.fail("the module's marker runs this on MySQL only")
    async with in_transaction() as connection:
        await Todo.create(title="uncommitted", search_key="uncommitted")
        sql = "SELECT `title` FROM `todo`"
        assert await rawrows.select(connection, sql, []) == [[b"uncommitted"]]
        assert await rawrows.select(Todo._meta.db, sql, []) == [[b"uncommitted"]]
    await Todo.all().delete()


async def test_a_cancelled_read_closes_its_connection(database: str) -> None:
    db = Todo._meta.db
    reading = asyncio.create_task(rawrows.select(db, "SELECT SLEEP(2)", []))
    await asyncio.sleep(0.3)
    reading.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reading
    # Had the connection gone back open, the next query on it would read the sleep's answer.
    for _ in range(40):
        assert await rawrows.select(db, "SELECT %s", [2]) == [[b"2"]]


async def test_what_is_no_select_closes_its_connection(database: str) -> None:
    db = Todo._meta.db
    with pytest.raises(OperationalError, match="no result set"):
        await rawrows.select(db, "DO 1", [])
    with pytest.raises(OperationalError, match="more than one result"):
        await rawrows.select(db, "SELECT 1; SELECT 2", [])
    for _ in range(40):
        assert await rawrows.select(db, "SELECT %s", [3]) == [[b"3"]]
