"""A todo as a list reads it: its row's columns, converted as the ORM converts them. Building the
ORM's model for each row cost more than the rest of a page of 100 (test_pagesql.py holds the two
to the same values, page by page, on both databases). A row may also carry the node the database
wrote of it (todos/written.py); its columns are then read only if something asks for them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

UTC_OFFSET = "+00:00"


class TodoRow:
    """One row of a page: what the API shows of a todo, and its folded title when the sort is by
    title (its cursors hold it)."""

    COLUMNS = frozenset(
        ("completed", "created_at", "id", "order", "search_key", "title", "updated_at", "version")
    )
    __slots__ = (*sorted(COLUMNS), "_packed", "written")
    _packed: tuple[bytes, bytes | None] | None

    @classmethod
    def unpacked(cls, packed: bytes | str, key: bytes | None = None) -> TodoRow:
        """MySQL's row: the columns in one JSON object (sql.Dialect.row_columns), and the folded
        title when the page selects it (`key`, the VARBINARY column's bytes)."""
        columns = orjson.loads(packed)
        # MariaDB writes a DATETIME as naive text; read as UTC in one step (replace() costs more).
        columns["created_at"] += UTC_OFFSET
        columns["updated_at"] += UTC_OFFSET
        if key is not None:
            columns["search_key"] = key
        return cls(columns, keyed=key is not None)

    @classmethod
    def written_as(
        cls, node: bytes, packed: bytes | None = None, key: bytes | None = None
    ) -> TodoRow:
        """A row read as the node the database wrote (`node`), with its columns as `unpacked`
        takes them (`packed`, `key`) to unpack when first read; None when the page needs none."""
        row = cls.__new__(cls)
        row.written = node
        row._packed = None if packed is None else (packed, key)
        return row

    def __getattr__(self, name: str) -> Any:
        # Reached only for a slot not set yet: a written row's columns, unpacked on first use.
        packed = None if name not in TodoRow.COLUMNS else self._packed
        if packed is None:
            raise AttributeError(name)
        self._packed = None
        unpacked = TodoRow.unpacked(*packed)
        for column in TodoRow.COLUMNS:
            setattr(self, column, getattr(unpacked, column))
        return getattr(self, name)

    def __init__(self, row: Mapping[str, Any], keyed: bool = False) -> None:
        self.written: bytes | None = None
        self.id: int = row["id"]
        self.title: str = row["title"]
        self.completed = bool(row["completed"])  # MySQL's TINYINT, SQLite's INTEGER
        self.order: int | None = row["order"]
        self.version: int = row["version"]
        self.created_at = aware(row["created_at"])
        self.updated_at = aware(row["updated_at"])
        key = row["search_key"] if keyed else None  # selected for the TITLE sort alone
        # MySQL hands the VARBINARY column back as the UTF-8 bytes the service stored.
        self.search_key: str | None = key.decode() if isinstance(key, bytes | bytearray) else key


def aware(value: datetime | str) -> datetime:
    """A stored time in UTC, as Tortoise (use_tz, UTC) reads it: MySQL's naive DATETIME, or
    SQLite's ISO 8601 text."""
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    if parsed.tzinfo is UTC:
        return parsed
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
