"""Expected failures: returned as values by the commands, raised only for bad read arguments."""

from __future__ import annotations

from dataclasses import dataclass

from models import Todo


class BadInput(Exception):
    """An argument a client can fix (a bad page size or cursor); GraphQL's BAD_USER_INPUT."""


@dataclass(frozen=True)
class Invalid:
    """An input value was refused; nothing was changed."""

    field: str
    message: str


@dataclass(frozen=True)
class NotFound:
    """No todo has this ID; nothing was changed."""

    message: str = "No todo has this ID."


@dataclass(frozen=True)
class VersionConflict:
    """The todo changed since the expected version; nothing was changed."""

    current: Todo

    @property
    def message(self) -> str:
        return f"The todo is at version {self.current.version}; it changed since."
