"""Nodes the database writes: on MySQL a page can carry each todo as the JSON object a GraphQL
response shows of it, written by MariaDB in the statement that reads the page. The service then
splices those bytes into its answer instead of decoding each row, building its object and
encoding it again, which was most of a long page's time (graph/fast/ asks for it through
graph/written.py when a document selects only what is written here).

The bytes are the ones the service writes itself (orjson's, from the values Strawberry's
serializers give): tests/graph/fast/test_written.py holds them to the plain path's, byte for byte,
with awkward titles and times."""

from __future__ import annotations

import contextlib
import enum
import functools
import re
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

import orjson


class Member(enum.Enum):
    """What a written node can show of a todo."""

    ID = "id"  # the global ID: base64 of "<type name>:<primary key>"
    TITLE = "title"
    COMPLETED = "completed"
    ORDER = "order"
    VERSION = "version"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    TYPENAME = "__typename"

    __hash__ = object.__hash__  # unique members: by identity, in C (shapes key caches)


# A response key, as GraphQL's grammar has names: nothing to escape in SQL or JSON.
KEY = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")


@dataclass(frozen=True)
class NodeShape:
    """The members of a written node under their response keys, in the response's order."""

    members: tuple[tuple[str, Member], ...]
    type_name: str  # the GraphQL type's: global IDs and __typename
    rows: bool  # the page's rows are needed too (cursors are made of their columns)

    def __post_init__(self) -> None:
        if not self.members:
            raise ValueError("a node shows at least one member")
        for key, _ in self.members:
            if not KEY.fullmatch(key):
                raise ValueError(f"not a GraphQL name: {key!r}")
        if not KEY.fullmatch(self.type_name):
            raise ValueError(f"not a GraphQL name: {self.type_name!r}")


# The shape the fast path is reading a page for, set around the list's resolver.
requested: ContextVar[NodeShape | None] = ContextVar("written_nodes", default=None)


@contextlib.contextmanager
def requesting(shape: NodeShape) -> Iterator[None]:
    """Pages read within ask the database for nodes of `shape` (where it can write them)."""
    token = requested.set(shape)
    try:
        yield
    finally:
        requested.reset(token)


# DATETIME(6) columns hold UTC; Python's isoformat() leaves out a zero fraction of a second.
# (Percent signs doubled: the statements are formatted with their values, aiomysql's way.)
_TIME = (
    "CONCAT('\"',DATE_FORMAT({column},IF(MICROSECOND({column}),"
    "'%%Y-%%m-%%dT%%H:%%i:%%s.%%f','%%Y-%%m-%%dT%%H:%%i:%%s')),'+00:00\"')"
)


def _value(member: Member, type_name: str) -> str:
    """MySQL's expression for a member's JSON text."""
    if member is Member.ID:
        return f"CONCAT('\"',TO_BASE64(CONCAT('{type_name}:',`id`)),'\"')"
    if member is Member.TITLE:
        return "JSON_QUOTE(`title`)"
    if member is Member.COMPLETED:
        return "IF(`completed`,'true','false')"
    if member is Member.ORDER:
        return "IFNULL(`order`,'null')"
    if member is Member.VERSION:
        return "`version`"
    if member in (Member.CREATED_AT, Member.UPDATED_AT):
        return _TIME.format(column=f"`{member.value}`")
    return f"'\"{type_name}\"'"


@functools.lru_cache(maxsize=256)
def node_sql(shape: NodeShape) -> str:
    """MySQL's expression for the node's JSON, as bytes (no decoding on the way in)."""
    parts = []
    for index, (key, member) in enumerate(shape.members):
        parts.append(f"'{'{' if index == 0 else ','}\"{key}\":'")
        parts.append(_value(member, shape.type_name))
    parts.append("'}'")
    return f"CAST(CONCAT({','.join(parts)}) AS BINARY)"


def as_written(node: bytes) -> bytes:
    """A node's bytes as the service writes them: MariaDB escapes a control character with upper
    case hex digits (\\u001F), orjson with lower case; such rare titles are written again."""
    if b"\\u00" in node:
        return orjson.dumps(orjson.loads(node))
    return node
