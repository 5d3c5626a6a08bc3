"""The ceiling: plain Starlette endpoints doing what the service does for each bench request, with
nothing in between. Same driver (aiomysql, pooled as Tortoise pools it), the same SQL text the
service sends (captured from MariaDB's general log), the same JSON bytes in the response.

Run as the service runs: `uvicorn bench.ceiling:app --workers N --no-access-log --log-level warning`
from the repository root, with the service's DATABASE_URL (mysql://...). Each route takes the
same POST body as /graphql (the GraphQL document and its variables) and reads only the variables.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import aiomysql  # type: ignore[import-untyped]
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from models import database
from todos.search import search_key

# What the service selects for a list page and for one todo, column for column.
COLUMNS = "`created_at`,`updated_at`,`search_key`,`completed`,`version`,`id`,`order`,`title`"
LIST_SQL = (
    f"SELECT {COLUMNS} FROM `todo`"
    "{where} ORDER BY `order_missing` ASC,`order` ASC,`created_at` ASC,`id` ASC LIMIT %s"
)
# The keyset condition for the default sort (order nulls last, created_at, id) after a cursor.
AFTER_SQL = (
    "(`order_missing`>0 OR (`order_missing`=0 AND (`order`>=%s AND (`order`>%s OR "
    "(`created_at`>=%s AND (`created_at`>%s OR `id`>%s))))))"
)
STATS_SQL = "SELECT `completed` `completed`,COUNT(`id`) `n` FROM `todo` GROUP BY `completed`"
INSERT_SQL = (
    "INSERT INTO `todo` (`title`,`completed`,`order`,`version`,`created_at`,`updated_at`,"
    "`search_key`) VALUES (%s,%s,%s,%s,%s,%s,%s)"
)
UPDATE_SQL = "UPDATE `todo` SET `completed`=%s,`version`=`version`+1,`updated_at`=%s WHERE `id`=%s"
# The todo locked first, then changed: the service's update (the event log's triggers write the
# event in the same statement, in the database, for the ceiling as for the service).
LOCK_SQL = f"SELECT {COLUMNS} FROM `todo` WHERE `id`=%s LIMIT 1 FOR UPDATE"
DEFAULT_SORT = [["order", "asc"], ["created_at", "asc"]]
MAX_PAGE_SIZE = 100


def _json(data: object, status_code: int = 200) -> Response:
    # Strawberry's encoding: compact separators, ASCII escapes.
    return Response(
        json.dumps(data, separators=(",", ":")), status_code, media_type="application/json"
    )


def _error(message: str) -> Response:
    return _json({"data": None, "errors": [{"message": message}]})


def _global_id(pk: int) -> str:
    return base64.b64encode(f"Todo:{pk}".encode()).decode()


def _pk(global_id: str) -> int | None:
    try:
        type_name, _, node_id = base64.b64decode(global_id).decode().partition(":")
    except (ValueError, UnicodeError, binascii.Error):
        return None
    return int(node_id) if type_name == "Todo" and node_id.isdigit() else None


def _fingerprint(completed: bool | None) -> str:
    shape = [completed, "", DEFAULT_SORT]
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:16]


def _cursor(fingerprint: str, order: int | None, created_at: datetime, pk: int) -> str:
    created = created_at.replace(tzinfo=UTC).isoformat()
    payload = json.dumps({"f": fingerprint, "k": [order, created, pk]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode()


def _decode_cursor(cursor: str, fingerprint: str) -> tuple[int, datetime, int] | None:
    """The keyset of a cursor after an ordered todo (the bench pages only through those)."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
        order, created, pk = payload["k"]
        if payload["f"] != fingerprint:
            return None
        # Naive UTC, as the driver writes it into the SQL.
        created_at = datetime.fromisoformat(created).astimezone(UTC).replace(tzinfo=None)
    except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
        return None
    if not isinstance(pk, int) or not isinstance(order, int):
        return None
    return order, created_at, pk


def _todo(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    todo: dict[str, Any] = {}
    for field in fields:
        if field == "id":
            todo["id"] = _global_id(row["id"])
        elif field == "completed":
            todo["completed"] = bool(row["completed"])
        else:
            todo[field] = row[field]
    return todo


async def _variables(request: Request) -> dict[str, Any]:
    body = json.loads(await request.body())
    variables: dict[str, Any] = body.get("variables") or {}
    return variables


def _pool(request: Request) -> Any:
    return request.app.state.pool


LIST_FIELDS = ("id", "title", "completed", "order", "version")


async def todos(request: Request) -> Response:
    """todos(first, after, filter: {completed}) { nodes {...} pageInfo {...} }"""
    variables = await _variables(request)
    first = variables.get("first")
    size = min(50 if first is None else first, MAX_PAGE_SIZE)
    completed = variables.get("completed")
    fingerprint = _fingerprint(completed)
    conditions: list[str] = []
    parameters: list[Any] = []
    if completed is not None:
        conditions.append("`completed`=%s")
        parameters.append(completed)
    after = variables.get("after")
    if after is not None:
        decoded = _decode_cursor(after, fingerprint)
        if decoded is None:
            return _error("Invalid cursor.")
        order, created_at, pk = decoded
        conditions.append(AFTER_SQL)
        parameters += [order, order, created_at, created_at, pk]
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    async with (
        _pool(request).acquire() as connection,
        connection.cursor(aiomysql.DictCursor) as cursor,
    ):
        await cursor.execute(LIST_SQL.format(where=where), [*parameters, size + 1])
        rows = await cursor.fetchall()
    more = len(rows) > size
    rows = rows[:size]
    end = rows[-1] if rows else None
    end_cursor = _cursor(fingerprint, end["order"], end["created_at"], end["id"]) if end else None
    nodes = [_todo(row, LIST_FIELDS) for row in rows]
    page_info = {"hasNextPage": more, "endCursor": end_cursor}
    return _json({"data": {"todos": {"nodes": nodes, "pageInfo": page_info}}})


async def stats(request: Request) -> Response:
    """todoStats { total completed active }"""
    await _variables(request)
    async with _pool(request).acquire() as connection, connection.cursor() as cursor:
        await cursor.execute(STATS_SQL)
        groups = await cursor.fetchall()
    total = sum(n for _, n in groups)
    completed = sum(n for done, n in groups if done)
    return _json(
        {
            "data": {
                "todoStats": {"total": total, "completed": completed, "active": total - completed}
            }
        }
    )


async def create(request: Request) -> Response:
    """createTodo(input: {title, order}) { __typename ... on Todo {...} }"""
    variables = await _variables(request)
    title = str(variables["title"]).strip()
    if not title or len(title) > 256:
        return _error("Invalid title.")
    order = variables.get("order")
    created_at = datetime.now(UTC).replace(tzinfo=None)
    async with _pool(request).acquire() as connection, connection.cursor() as cursor:
        values = [title, False, order, 1, created_at, created_at, search_key(title)]
        await cursor.execute(INSERT_SQL, values)
        pk = cursor.lastrowid
    todo = {"__typename": "Todo", "id": _global_id(pk), "title": title, "completed": False}
    todo |= {"order": order, "version": 1}
    return _json({"data": {"createTodo": todo}})


async def update(request: Request) -> Response:
    """updateTodo(id, input: {completed}) { __typename ... on Todo { id completed version } }"""
    variables = await _variables(request)
    pk = _pk(variables["id"])
    if pk is None:
        return _error("Not found.")
    async with _pool(request).acquire() as connection:
        await connection.begin()
        try:
            async with connection.cursor(aiomysql.DictCursor) as cursor:
                await cursor.execute(LOCK_SQL, [pk])
                row = await cursor.fetchone()
                if row is not None:
                    now = datetime.now(UTC).replace(tzinfo=None)
                    await cursor.execute(UPDATE_SQL, [variables["completed"], now, pk])
                    row |= {"completed": variables["completed"], "version": row["version"] + 1}
            await connection.commit()
        except BaseException:
            await connection.rollback()
            raise
    if row is None:
        return _error("Not found.")
    todo = {"__typename": "Todo"} | _todo(row, ("id", "completed", "version"))
    return _json({"data": {"updateTodo": todo}})


async def health(request: Request) -> Response:
    async with _pool(request).acquire() as connection, connection.cursor() as cursor:
        await cursor.execute("SELECT 1")
    return _json({"status": "ok"})


def _connect_arguments(url: str) -> dict[str, Any]:
    """aiomysql pool arguments from a mysql:// URL, pooled as the service pools (1 to
    DATABASE_POOL_MAX connections, autocommit, utf8mb4, STRICT_TRANS_TABLES)."""
    parts = urlsplit(database.pooled(url))
    if parts.scheme != "mysql":
        raise SystemExit(f"ceiling: DATABASE_URL must be mysql://..., not {url!r}")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 3306,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "db": parts.path.lstrip("/"),
        "charset": query.get("charset", "utf8mb4"),
        "autocommit": True,
        "minsize": int(query.get("minsize", 1)),
        "maxsize": int(query["maxsize"]),
        "sql_mode": "STRICT_TRANS_TABLES",
        "init_command": database.MYSQL_SESSION_SETUP,
    }


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    pool = await aiomysql.create_pool(**_connect_arguments(os.environ["DATABASE_URL"]))
    app.state.pool = pool
    try:
        yield
    finally:
        pool.close()
        await pool.wait_closed()


app = Starlette(
    routes=[
        Route("/health", health),
        Route("/todos", todos, methods=["POST"]),
        Route("/stats", stats, methods=["POST"]),
        Route("/create", create, methods=["POST"]),
        Route("/update", update, methods=["POST"]),
    ],
    lifespan=lifespan,
)
