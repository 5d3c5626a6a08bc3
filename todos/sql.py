"""What differs between the databases' SQL, and the WHERE conditions of a filter, written once for
every statement that filters (pages, counts, bulk changes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.filters import escape_like

from todos import owners

if TYPE_CHECKING:  # listing imports this module: the filter type is needed for checking only
    from todos.listing import TodoFilter


# What a page reads of a todo (todos/rows.py): what the API shows of it.
ROW_COLUMNS = ("id", "title", "completed", "order", "version", "created_at", "updated_at")
ROW_JSON = "row"  # on MySQL, the columns as one JSON object (Dialect.row_columns)
# A todo's stored columns, as its model reads them (not the virtual `order_missing`).
TODO_COLUMNS = (
    "created_at", "updated_at", "search_key", "completed", "version", "id", "order", "title",
    "owner",
)  # fmt: skip


@dataclass(frozen=True)
class Dialect:
    name: str
    quote: str
    placeholder: str
    # The search key contains a pattern, compared byte for byte: the key is VARBINARY on MySQL
    # (no CAST to the connection's collation, where every emoji equals every other) and TEXT with
    # SQLite's binary collation. Both escape LIKE's wildcards with a backslash (MySQL by default).
    contains: str

    def name_of(self, identifier: str) -> str:
        return f"{self.quote}{identifier}{self.quote}"

    def columns(self, names: tuple[str, ...] = TODO_COLUMNS) -> str:
        return ",".join(self.name_of(name) for name in names)

    def row_columns(self, keyed: bool) -> str:
        """What a page selects (todos/rows.py reads it), the folded title too when `keyed`. On
        MySQL, one JSON object a row: aiomysql decodes each column of each row in Python, which
        took a third of a page's time; MariaDB writes the object, json.loads reads it in C."""
        key = f",{self.name_of('search_key')}" if keyed else ""
        if self.name != "mysql":
            return self.columns(ROW_COLUMNS) + key
        members = ",".join(f"'{name}',{self.name_of(name)}" for name in ROW_COLUMNS)
        return f"JSON_OBJECT({members}) {self.name_of(ROW_JSON)}" + key

    def placeholders(self, count: int) -> str:
        return ",".join([self.placeholder] * count)


DIALECTS = {
    "mysql": Dialect("mysql", "`", "%s", "`search_key` LIKE %s"),
    "sqlite": Dialect("sqlite", '"', "?", "\"search_key\" LIKE ? ESCAPE '\\'"),
}


def dialect_of(connection: BaseDBAsyncClient) -> Dialect:
    return DIALECTS[connection.capabilities.dialect]


def like_pattern(search: str) -> str:
    """A LIKE pattern matching keys that contain `search` exactly, `%` and `_` included."""
    return f"%{escape_like(search)}%"


def filter_conditions(d: Dialect, todo_filter: TodoFilter) -> tuple[list[str], list[Any]]:
    """The conditions rows matching `todo_filter` meet, with their values (BadInput for a filter
    that cannot match any text): always the current owner's todos alone (todos/owners.py)."""
    conditions: list[str] = [f"{d.name_of('owner')}={d.placeholder}"]
    values: list[Any] = [owners.current()]
    if todo_filter.completed is not None:
        conditions.append(f"{d.name_of('completed')}={d.placeholder}")
        values.append(todo_filter.completed)
    search = todo_filter.search_text()
    if search is not None:
        conditions.append(d.contains)
        values.append(like_pattern(search))
    return conditions, values


def where(conditions: list[str]) -> str:
    return f" WHERE {' AND '.join(conditions)}" if conditions else ""
