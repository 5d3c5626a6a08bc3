"""Tortoise ORM models: how todos are stored."""

from models.todo import TITLE_MAX_LENGTH, Todo

__all__ = ["TITLE_MAX_LENGTH", "Todo"]
