"""Bench data: deterministic todos written with multi-row INSERTs, every column filled as the
service fills it (search_key is the folded title, version 1, UTC DATETIME(6) timestamps)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

import pymysql  # type: ignore[import-untyped]
from pymysql.converters import escape_string  # type: ignore[import-untyped]

from todos.search import search_key

# One statement carries this many rows (about 200 KB, far below max_allowed_packet).
ROWS_PER_INSERT = 1000
START_NAIVE = datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None)
TITLES = (
    "Walk the dog",
    "Buy milk and ÉCLAIRS",
    "Café au lait with Zoë",
    "Write the quarterly report",
    "Call the plumber about the sink",
    "Read chapter {i} of the book",
    "Renew the passport 🛂",
    "Water the plants",
)


def todo_row(i: int, *, null_orders: bool) -> tuple[Any, ...]:
    """Todo number `i` (1-based, also its id): (id, title, search_key, completed, order, version,
    created_at, updated_at). The default sort (order, created_at, id) puts the todos in id order;
    with `null_orders` every 20th has no order and sorts after the others."""
    title = f"{TITLES[i % len(TITLES)].format(i=i)} #{i}"
    # Naive UTC, as the service stores aware UTC datetimes in DATETIME(6).
    stamp = START_NAIVE + timedelta(seconds=i, microseconds=(i * 7919) % 1_000_000)
    order = None if null_orders and i % 20 == 0 else i
    completed = i % 3 == 0 if null_orders else i % 10 == 5
    return (i, title, search_key(title), completed, order, 1, stamp, stamp)


def _sql_row(row: tuple[Any, ...]) -> str:
    """One row as a VALUES tuple; strings escaped as the driver escapes them."""
    pk, title, key, completed, order, version, created, updated = row
    return (
        f"({pk},'{escape_string(title)}','{escape_string(key)}',{int(completed)},"
        f"{'NULL' if order is None else order},{version},"
        f"'{created.isoformat(' ', 'microseconds')}','{updated.isoformat(' ', 'microseconds')}')"
    )


def rows(count: int, *, null_orders: bool) -> Iterator[tuple[Any, ...]]:
    for i in range(1, count + 1):
        yield todo_row(i, null_orders=null_orders)


INSERT = (
    "INSERT INTO `todo` (`id`, `title`, `search_key`, `completed`, `order`, `version`, "
    "`created_at`, `updated_at`) VALUES "
)


def seed(url_parts: dict[str, Any], count: int, *, null_orders: bool) -> None:
    """Empty the todo table of the database and fill it with `count` todos, in one transaction."""
    connection = pymysql.connect(charset="utf8mb4", autocommit=False, **url_parts)
    try:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE TABLE `todo`")
            batch: list[str] = []
            for row in rows(count, null_orders=null_orders):
                batch.append(_sql_row(row))
                if len(batch) == ROWS_PER_INSERT:
                    cursor.execute(INSERT + ",".join(batch))
                    batch.clear()
            if batch:
                cursor.execute(INSERT + ",".join(batch))
            cursor.execute(f"ALTER TABLE `todo` AUTO_INCREMENT = {count + 1}")
        connection.commit()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE TABLE `todo`")
            cursor.fetchall()
    finally:
        connection.close()


def seed_url(url: str, count: int, *, null_orders: bool) -> None:
    """seed() for the database of a mysql:// URL (as scripts/mysql-server.sh url prints it)."""
    parts = urlsplit(url)
    seed(
        {
            "host": parts.hostname,
            "port": parts.port or 3306,
            "user": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "database": parts.path.lstrip("/"),
        },
        count,
        null_orders=null_orders,
    )
