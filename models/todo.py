"""The stored todo."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

TITLE_MAX_LENGTH = 256
# Primary keys (and orders) are signed 32-bit integers in both databases, as GraphQL's Int.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
# A folded title is rarely longer than the title; compatibility characters such as ligatures can
# expand it, so the key has room for three times the title (768 characters, 3072 bytes of UTF-8 at
# most: MySQL's index limit).
SEARCH_KEY_MAX_LENGTH = 3 * TITLE_MAX_LENGTH


def parse_primary_key(text: str) -> int | None:
    """The primary key written in `text` (decimal ASCII digits), or None if it cannot be one."""
    # The length check comes first: it keeps absurdly long digit strings away from int().
    if not text.isascii() or not text.isdigit() or len(text) > len(str(INT_MAX)):
        return None
    pk = int(text)
    return pk if 0 < pk <= INT_MAX else None


class FoldedTextField(fields.CharField[str]):
    """Text compared byte for byte, with no padding: VARBINARY on MySQL, as SQLite compares TEXT.

    The folding is done by the service, so no collation may fold again, sort in its own way or pad
    (MariaDB's `utf8mb4_bin` is PAD SPACE: "milk\tbread" sorted before "milk"). UTF-8's byte order
    is code-point order, and a byte-wise LIKE finds exactly the code points asked for: so
    `titleContains` and the TITLE sort agree on SQLite and MySQL whatever the connection's
    collation.
    """

    class _db_mysql:
        def __init__(self, field: fields.CharField[str]) -> None:
            self.field = field

        @property
        def SQL_TYPE(self) -> str:
            return f"VARBINARY({4 * self.field.max_length})"  # 4 bytes per utf8mb4 character

    def to_python_value(self, value: object) -> str | None:
        # MySQL hands binary columns back as bytes: the UTF-8 the service stored.
        if isinstance(value, bytes | bytearray):
            return bytes(value).decode("utf-8")
        return None if value is None else str(value)


class Todo(Model):
    """A todo item."""

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=TITLE_MAX_LENGTH)
    completed = fields.BooleanField(default=False)
    order = fields.IntField(null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    search_key = FoldedTextField(max_length=SEARCH_KEY_MAX_LENGTH)

    class Meta:
        table = "todo"
        indexes = (
            # The TITLE sort; the other sorts. The default sort's indexes start with a virtual
            # column these models leave out (migrations 1_..._order_missing_index).
            Index(fields=("search_key",)),
            Index(fields=("created_at",)),
            Index(fields=("updated_at",)),
        )

    def __str__(self) -> str:
        return f"Todo {self.id}: {self.title}"
