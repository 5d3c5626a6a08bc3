"""What the clients and subscribers saw: acknowledged changes, refusals, events, violations."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any


def global_id(pk: str | int) -> str:
    """The GraphQL ID of the todo REST names `pk` (the README documents the encoding)."""
    return base64.b64encode(f"Todo:{pk}".encode()).decode()


@dataclass(frozen=True)
class State:
    """A todo's fields as an answer or an event gave them (version None: REST does not say)."""

    id: str
    title: str
    completed: bool
    order: int | None
    version: int | None = None

    @classmethod
    def from_graphql(cls, data: dict[str, Any]) -> State:
        return cls(data["id"], data["title"], data["completed"], data["order"], data["version"])

    def fields(self) -> tuple[str, bool, int | None]:
        return self.title, self.completed, self.order


@dataclass(frozen=True)
class Filter:
    completed: bool | None = None
    title_contains: str | None = None

    def matches(self, todo: State) -> bool:
        # Needles are ASCII words, for which the contract's folding is plain case folding.
        if self.completed is not None and todo.completed != self.completed:
            return False
        return (
            self.title_contains is None or self.title_contains.casefold() in todo.title.casefold()
        )


@dataclass
class Ack:
    """An acknowledged change: what it wrote (states) or deleted (ids), sent and answered when."""

    operation: str
    sent: float
    answered: float
    written: list[State] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    # Bulk changes: the filter, and for setTodosCompleted the value set.
    bulk: Filter | None = None
    completed: bool | None = None
    # REST's DELETE /todos names nothing: what it deleted is read from the stream.
    deletes_all: bool = False
    # Filled in by the check: the positions in the stream of the events it caused, and whether
    # another answer could as well have caused them (REST updates to the same values, which
    # answer no version, racing on one todo: their order in the stream is not knowable).
    positions: list[int] = field(default_factory=list)
    interchangeable: bool = False


@dataclass(frozen=True)
class Event:
    kind: str
    id: str
    version: int
    todo: State | None
    cursor: str

    @classmethod
    def from_graphql(cls, data: dict[str, Any]) -> Event:
        todo = None if data["todo"] is None else State.from_graphql(data["todo"])
        return cls(data["kind"], data["id"], data["version"], todo, data["cursor"])


@dataclass
class History:
    acks: list[Ack] = field(default_factory=list)
    refused: dict[str, int] = field(default_factory=dict)  # operation: count
    violations: list[str] = field(default_factory=list)
    requests: int = 0

    def refusal(self, operation: str) -> None:
        self.refused[operation] = self.refused.get(operation, 0) + 1

    def violation(self, text: str) -> None:
        self.violations.append(text)
