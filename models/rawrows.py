"""A SELECT's rows as MariaDB sends them (MySQL's text protocol): each column's bytes, or None for
NULL, for the statement the service runs most (a page of todos, todos/listing.py).

aiomysql reads a result packet by packet, each with two awaits and an object, and decodes every
column; that was most of a page's time in the service. Here the packets are parsed in one loop
from whatever bytes have arrived. The statement still goes through aiomysql's connection, from
the client's pool or the transaction's: only the reading of its rows is done here. This module and
models/pool.py hold every use of aiomysql's internals; tests/models/test_rawrows.py holds this one
to aiomysql's own rows and errors, and fails when the internals it relies on change.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from pymysql.constants import COMMAND, CR, SERVER_STATUS  # type: ignore[import-untyped]
from pymysql.err import (  # type: ignore[import-untyped]
    InternalError,
    OperationalError,
    raise_mysql_exception,
)
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.mysql.client import translate_exceptions

Row = list[bytes | None]
READ_SIZE = 1 << 16  # a page of 100 todos is about 20 KB
LONGEST_PACKET = 0xFFFFFF  # a longer payload continues in the next packet (not read here)
NULL, TWO_BYTES, THREE_BYTES, EIGHT_BYTES, EOF, ERROR = 0xFB, 0xFC, 0xFD, 0xFE, 0xFE, 0xFF


async def select(client: BaseDBAsyncClient, sql: str, values: Sequence[Any]) -> list[Row]:
    """The rows of `sql` (a SELECT, %s for each of `values`) on the client's connection, the
    transaction's within one; errors raised as the client's own queries raise them."""
    rows: list[Row] = await _select(client, sql, values)
    return rows


@translate_exceptions
async def _select(client: BaseDBAsyncClient, sql: str, values: Sequence[Any]) -> list[Row]:
    async with client.acquire_connection() as connection:
        # aiomysql's own escaping, as its cursors do it.
        statement = sql % tuple(connection.escape(value) for value in values)
        connection._result = None
        await connection._execute_command(COMMAND.COM_QUERY, statement)
        try:
            return await _read_rows(connection)
        except asyncio.CancelledError:
            connection._close_on_cancel()  # the rest of the answer would be read as the next one's
            raise


async def _read_rows(connection: Any) -> list[Row]:
    """The result of the query just sent: a header, the column definitions (skipped), an EOF,
    the rows, an EOF. An error packet raises pymysql's error, as aiomysql does."""
    reader = connection._reader
    data = b""
    at = 0
    sequence = connection._next_seq_id
    columns = -1  # not known until the header is read
    definitions = 0  # column definitions still to skip (then their EOF)
    rows: list[Row] = []
    while True:
        end = len(data)
        while end - at >= 4:
            length = data[at] | data[at + 1] << 8 | data[at + 2] << 16
            start = at + 4
            if end - start < length:
                break
            if data[at + 3] != sequence:
                _broken(connection, f"packet {data[at + 3]} where {sequence} was due")
            sequence = (sequence + 1) & 0xFF
            at = start + length
            if length == LONGEST_PACKET:
                _broken(connection, "a row longer than one packet")
            first = data[start]
            if first == ERROR:
                connection._next_seq_id = sequence
                raise_mysql_exception(data[start:at])
            if definitions < 0:  # the rows
                if first == EOF and length < 9:
                    status = data[start + 3] | data[start + 4] << 8
                    if status & SERVER_STATUS.SERVER_MORE_RESULTS_EXISTS or at != end:
                        _broken(connection, "more than one result")
                    connection._next_seq_id = sequence
                    connection.server_status = status
                    return rows
                try:
                    rows.append(_row(data, start, at, columns))
                except (IndexError, _Malformed):
                    _broken(connection, "a row that is not its columns")
            elif columns < 0:  # the header: how many columns
                if first in (0, NULL):  # an OK packet (no rows), or a request to send a file
                    _broken(connection, "no result set")
                columns = _integer(data, start)
                definitions = columns + 1
            else:
                definitions -= 1
                if definitions == 0:  # the EOF after the definitions
                    if first != EOF:
                        _broken(connection, "no EOF after the column definitions")
                    definitions = -1
        if at:
            data = data[at:]
            at = 0
        try:
            chunk = await reader.read(READ_SIZE)
        except OSError as error:
            connection.close()
            message = f"Lost connection to MySQL server during query ({error})"
            raise OperationalError(CR.CR_SERVER_LOST, message) from error
        if not chunk:
            connection.close()
            raise OperationalError(
                CR.CR_SERVER_LOST, "Lost connection to MySQL server during query"
            )
        data += chunk


def _row(data: bytes, at: int, end: int, columns: int) -> Row:
    """A row's values: length-encoded strings, NULL as a byte of its own."""
    row: Row = []
    for _ in range(columns):
        first = data[at]
        if first < NULL:
            at += 1
            row.append(data[at : at + first])
            at += first
            continue
        if first == NULL:
            row.append(None)
            at += 1
            continue
        size = 2 if first == TWO_BYTES else 3 if first == THREE_BYTES else 8
        length = int.from_bytes(data[at + 1 : at + 1 + size], "little")
        at += 1 + size
        row.append(data[at : at + length])
        at += length
    if at != end:
        raise _Malformed
    return row


class _Malformed(Exception):
    """A row's values do not fill its packet."""


def _integer(data: bytes, at: int) -> int:
    """A length-encoded integer (the header's count of columns)."""
    first = data[at]
    if first < NULL:
        return first
    size = 2 if first == TWO_BYTES else 3 if first == THREE_BYTES else 8
    return int.from_bytes(data[at + 1 : at + 1 + size], "little")


def _broken(connection: Any, what: str) -> None:
    """The answer is not what a SELECT's is: the connection's state is unknown, so it closes."""
    connection.close()
    raise InternalError(f"Unexpected answer from the MySQL server: {what}")
