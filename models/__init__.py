"""Tortoise ORM models: how todos and their event log are stored."""

from models.event import HEAD_ID, EventLogHead, TodoEventRecord
from models.todo import (
    INT_MAX,
    INT_MIN,
    OWNER_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Todo,
    parse_primary_key,
)

__all__ = [
    "HEAD_ID",
    "INT_MAX",
    "INT_MIN",
    "OWNER_MAX_LENGTH",
    "TITLE_MAX_LENGTH",
    "EventLogHead",
    "Todo",
    "TodoEventRecord",
    "parse_primary_key",
]
