"""The ceiling: plain Starlette endpoints doing what the service does for each bench request, with
nothing in between. Same driver (aiomysql, pooled as Tortoise pools it), the same SQL text the
service sends (captured from MariaDB's general log), the same JSON bytes in the response.

Run as the service runs (`uvicorn bench.ceiling:app`, from the repository root, with its
DATABASE_URL=mysql://...). Each route takes the POST body of /graphql and reads its variables."""

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

import aiomysql  # type: ignore[import-untyped]
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tortoise.backends.base.config_generator import expand_db_url

from models import database
from models.pool import FairPool
from settings import Settings
from todos import written
from todos.search import search_key
from todos.sql import DIALECTS, ROW_JSON

COLUMNS = DIALECTS["mysql"].columns()  # what the service's update locks, column for column
ROW = DIALECTS["mysql"].row_columns(keyed=False)  # a page's rows: a JSON object a row
LIST_FIELDS = ("id", "title", "completed", "order", "version")
# Each node as MariaDB writes it for the service (todos/written.py); the rows too, for the cursor.
NODE = written.node_sql(
    written.NodeShape(tuple((f, written.Member(f)) for f in LIST_FIELDS), "Todo", rows=True)
)
# Whose todos it serves: nobody's (AUTH_MODE=none, the service's default), or CEILING_OWNER's.
OWNER = os.environ.get("CEILING_OWNER", "")
LIST_SQL = (  # "{where}" is replaced, not formatted: NODE has braces of its own
    f"SELECT {NODE} `node`,{ROW} FROM `todo`"
    "{where} ORDER BY `order_missing` ASC,`order` ASC,`created_at` ASC,`id` ASC LIMIT %s"
)
# The keyset condition for the default sort (order nulls last, created_at, id) after a cursor.
AFTER_SQL = (
    "(`order_missing`>0 OR (`order_missing`=0 AND (`order`>=%s AND (`order`>%s OR "
    "(`created_at`>=%s AND (`created_at`>%s OR `id`>%s))))))"
)
STATS_SQL = (
    "SELECT `completed` `completed`,COUNT(`id`) `n` FROM `todo` WHERE `owner`=%s "
    "GROUP BY `completed`"
)
INSERT_SQL = (
    "INSERT INTO `todo` (`title`,`completed`,`order`,`version`,`created_at`,`updated_at`,"
    "`search_key`,`owner`) VALUES (%s,%s,%s,%s,%s,%s,%s,%s)"
)
UPDATE_SQL = "UPDATE `todo` SET `completed`=%s,`version`=`version`+1,`updated_at`=%s WHERE `id`=%s"
# The todo locked first, then changed: the service's update (the event log's triggers write the
# event in the same statement, in the database, for the ceiling as for the service).
LOCK_SQL = f"SELECT {COLUMNS} FROM `todo` WHERE `id`=%s AND `owner`=%s LIMIT 1 FOR UPDATE"
DEFAULT_SORT = [["order", "asc"], ["created_at", "asc"]]
MAX_PAGE_SIZE = 100


def _json(data: object) -> Response:
    """The service's encoding (graph/http.py): orjson's, compact, UTF-8."""
    return Response(orjson.dumps(data), media_type="application/json")


def _error(message: str) -> Response:
    return _json({"data": None, "errors": [{"message": message}]})


def global_id(pk: int) -> str:
    return base64.b64encode(f"Todo:{pk}".encode()).decode()


def _pk(global_id: str) -> int | None:
    try:
        type_name, _, node_id = base64.b64decode(global_id).decode().partition(":")
    except (ValueError, UnicodeError, binascii.Error):
        return None
    return int(node_id) if type_name == "Todo" and node_id.isdigit() else None


def fingerprint(completed: bool | None) -> str:
    """What a cursor is bound to: the owner, the filter (completed, no search) and the sort."""
    shape = [OWNER, completed, "", DEFAULT_SORT]
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:16]


def cursor(fingerprint: str, order: int | None, created_at: datetime, pk: int) -> str:
    """The service's cursor after a todo of that sort key."""
    created = created_at.replace(tzinfo=UTC).isoformat()
    payload = json.dumps({"f": fingerprint, "k": [order, created, pk]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode()


def _decode_cursor(text: str, expected: str) -> tuple[int, datetime, int] | None:
    """The keyset of a cursor after an ordered todo (the bench pages only through those)."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(text.encode("ascii")))
        order, created, pk = payload["k"]
        # Naive UTC, as the driver writes it into the SQL.
        created_at = datetime.fromisoformat(created).astimezone(UTC).replace(tzinfo=None)
        ok = payload["f"] == expected and isinstance(pk, int) and isinstance(order, int)
    except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
        return None
    return (order, created_at, pk) if ok else None


def _todo(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    todo = {field: row[field] for field in fields}  # in this order, as the service answers
    if "id" in todo:
        todo["id"] = global_id(row["id"])
    if "completed" in todo:
        todo["completed"] = bool(row["completed"])
    return todo


async def _variables(request: Request) -> dict[str, Any]:
    return dict(json.loads(await request.body()).get("variables") or {})


async def todos(request: Request) -> Response:
    """todos(first, after, filter: {completed}) { nodes {...} pageInfo {...} }"""
    variables = await _variables(request)
    first = variables.get("first")
    size = min(50 if first is None else first, MAX_PAGE_SIZE)
    completed = variables.get("completed")
    bound_to = fingerprint(completed)
    conditions: list[str] = ["`owner`=%s"]
    parameters: list[Any] = [OWNER]
    if completed is not None:
        conditions.append("`completed`=%s")
        parameters.append(completed)
    after = variables.get("after")
    if after is not None:
        decoded = _decode_cursor(after, bound_to)
        if decoded is None:
            return _error("Invalid cursor.")
        order, created_at, pk = decoded
        conditions.append(AFTER_SQL)
        parameters += [order, order, created_at, created_at, pk]
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    async with (
        request.app.state.pool.acquire() as connection,
        connection.cursor(aiomysql.DictCursor) as sql,
    ):
        await sql.execute(LIST_SQL.replace("{where}", where), [*parameters, size + 1])
        rows = await sql.fetchall()
    more, rows = len(rows) > size, rows[:size]
    end = orjson.loads(rows[-1][ROW_JSON]) if rows else None
    end_at = datetime.fromisoformat(end["created_at"]) if end else None
    end_cursor = cursor(bound_to, end["order"], end_at, end["id"]) if end and end_at else None
    nodes = [orjson.Fragment(written.as_written(row["node"])) for row in rows]
    page_info = {"hasNextPage": more, "endCursor": end_cursor}
    return _json({"data": {"todos": {"nodes": nodes, "pageInfo": page_info}}})


async def stats(request: Request) -> Response:
    """todoStats { total completed active }"""
    await _variables(request)
    async with request.app.state.pool.acquire() as connection, connection.cursor() as sql:
        await sql.execute(STATS_SQL, [OWNER])
        groups = await sql.fetchall()
    total, completed = sum(n for _, n in groups), sum(n for done, n in groups if done)
    counts = {"total": total, "completed": completed, "active": total - completed}
    return _json({"data": {"todoStats": counts}})


async def create(request: Request) -> Response:
    """createTodo(input: {title, order}) { __typename ... on Todo {...} }"""
    variables = await _variables(request)
    title = str(variables["title"]).strip()
    if not title or len(title) > 256:
        return _error("Invalid title.")
    order = variables.get("order")
    created_at = datetime.now(UTC).replace(tzinfo=None)
    async with request.app.state.pool.acquire() as connection, connection.cursor() as sql:
        values = [title, False, order, 1, created_at, created_at, search_key(title), OWNER]
        await sql.execute(INSERT_SQL, values)
        pk = sql.lastrowid
    todo = {"id": global_id(pk), "title": title, "completed": False, "order": order, "version": 1}
    return _json({"data": {"createTodo": {"__typename": "Todo"} | todo}})


async def update(request: Request) -> Response:
    """updateTodo(id, input: {completed}) { __typename ... on Todo { id completed version } }"""
    variables = await _variables(request)
    pk = _pk(variables["id"])
    if pk is None:
        return _error("Not found.")
    async with request.app.state.pool.acquire() as connection:
        await connection.begin()
        try:
            async with connection.cursor(aiomysql.DictCursor) as sql:
                await sql.execute(LOCK_SQL, [pk, OWNER])
                row = await sql.fetchone()
                if row is not None:
                    now = datetime.now(UTC).replace(tzinfo=None)
                    await sql.execute(UPDATE_SQL, [variables["completed"], now, pk])
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
    async with request.app.state.pool.acquire() as connection, connection.cursor() as sql:
        await sql.execute("SELECT 1")
    return _json({"status": "ok"})


def _connect_arguments(settings: Settings) -> dict[str, Any]:
    """aiomysql pool arguments for the service's database, pooled as the service pools."""
    url = settings.database_url
    config = expand_db_url(database.pooled(url, settings.database_pool_max))
    if config["engine"] != "tortoise.backends.mysql":
        raise SystemExit(f"ceiling: DATABASE_URL must be mysql://..., not {url!r}")
    given = config["credentials"]
    return dict(
        host=given["host"], port=int(given["port"]), db=given["database"], user=given["user"],
        password=given["password"], charset=given.get("charset", "utf8mb4"), autocommit=True,
        sql_mode="STRICT_TRANS_TABLES", minsize=int(given.get("minsize", 1)),
        maxsize=int(given["maxsize"]), init_command=database.MYSQL_SESSION_SETUP,
    )  # fmt: skip


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    # DATABASE_URL and DATABASE_POOL_MAX, read as the service reads them.
    settings = Settings.from_environment()
    async with aiomysql.create_pool(**_connect_arguments(settings)) as pool:
        app.state.pool = FairPool.adopt(pool)  # as the service's (models/pool.py)
        yield


ROUTES = [
    Route(f"/{route.__name__}", route, methods=["POST"]) for route in (todos, stats, create, update)
]
app = Starlette(routes=[Route("/health", health), *ROUTES], lifespan=lifespan)
