"""Expected failures: returned as values by the commands, raised only for bad read arguments."""

from __future__ import annotations

from dataclasses import dataclass

from models import Todo


class BadInput(Exception):
    """An argument a client can fix (a bad page size or cursor); GraphQL's BAD_USER_INPUT."""


class CursorExpired(Exception):
    """An event cursor older than the log's retention, or unknown to it; CURSOR_EXPIRED."""

    def __init__(self) -> None:
        super().__init__(
            "This cursor is too old or unknown: refetch the list and subscribe without one."
        )


class Busy(Exception):
    """The database kept refusing a change for contention (deadlocks, lock waits) after every
    retry; nothing was changed, and the client may try again (SERVICE_UNAVAILABLE)."""

    def __init__(self) -> None:
        super().__init__("The service is busy: nothing was changed; try again.")


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
