"""Tortoise ORM models: how todos are stored."""

from models.todo import INT_MAX, INT_MIN, TITLE_MAX_LENGTH, Todo, parse_primary_key

__all__ = ["INT_MAX", "INT_MIN", "TITLE_MAX_LENGTH", "Todo", "parse_primary_key"]
