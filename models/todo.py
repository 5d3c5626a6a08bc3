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
# A user's `sub` (the JWT's subject), as many characters as an index can hold beside the sorts'.
OWNER_MAX_LENGTH = 255


def parse_primary_key(text: str) -> int | None:
    """The primary key written in `text` (decimal ASCII digits), or None if it cannot be one."""
    # The length check comes first: it keeps absurdly long digit strings away from int().
    if not text.isascii() or not text.isdigit() or len(text) > len(str(INT_MAX)):
        return None
    pk = int(text)
    return pk if 0 < pk <= INT_MAX else None


class BytewiseTextField(fields.CharField[str]):
    """Text compared byte for byte, with no padding: VARBINARY on MySQL, as SQLite compares TEXT.

    For the folded title, the folding is done by the service, so no collation may fold again, sort
    in its own way or pad (MariaDB's `utf8mb4_bin` is PAD SPACE: "milk\tbread" sorted before
    "milk"); for the owner, no user may be another with a space added, or in other letter case.
    UTF-8's byte order is code-point order, and a byte-wise LIKE finds exactly the code points
    asked for: so
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
    search_key = BytewiseTextField(max_length=SEARCH_KEY_MAX_LENGTH)
    # Whose todo it is: a user's `sub` in AUTH_MODE=jwt, "" (nobody's) in AUTH_MODE=none.
    owner = BytewiseTextField(max_length=OWNER_MAX_LENGTH, default="")

    class Meta:
        table = "todo"
        indexes = (
            # The TITLE sort, and each owner's list in the other sorts. The default sort's
            # indexes hold a virtual column these models leave out (migrations 1_..._order_missing
            # _index, 3_..._owner). The search key alone fills MySQL's 3,072 bytes of index: its
            # index serves a large list (AUTH_MODE=none's) in order, and a user's few todos are
            # sorted from their (owner, created_at) entries.
            Index(fields=("search_key",)),
            Index(fields=("owner", "created_at")),
            Index(fields=("owner", "updated_at")),
        )

    def __str__(self) -> str:
        return f"Todo {self.id}: {self.title}"
