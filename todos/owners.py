"""Whose todos the current request sees and changes: every rule reads it here, so that every door
(GraphQL, REST, events) is scoped the same way.

The HTTP shell sets it for each request (web/auth.py) and each WebSocket connection
(graph/http.py) in a context variable, not as a parameter: the GraphQL fast path calls resolvers
with nothing but their parent, and a resolver that took the request would lose it. Without a
user (AUTH_MODE=none, the default) it is NOBODY, the one shared list of the book; the todos of
users are never NOBODY's, so neither mode can see the other's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from models import OWNER_MAX_LENGTH

NOBODY = ""

_owner: ContextVar[str] = ContextVar("todo_owner", default=NOBODY)
# When the owner's right to act ends (their token's expiry), for what outlives one request.
_until: ContextVar[float | None] = ContextVar("todo_owner_until", default=None)


def current() -> str:
    """The owner of the todos this request may see: a user's `sub`, or NOBODY."""
    return _owner.get()


def is_valid(owner: str) -> bool:
    """Whether `owner` can own todos: a user's name, stored as it is (NOBODY is not one)."""
    return 0 < len(owner) <= OWNER_MAX_LENGTH and owner.isprintable()


@contextmanager
def acting_as(owner: str, until: float | None = None) -> Iterator[None]:
    """The rules run for `owner` inside the block (what outlives its token, until `until`)."""
    token, until_token = _owner.set(owner), _until.set(until)
    try:
        yield
    finally:
        _owner.reset(token)
        _until.reset(until_token)


def act_as(owner: str, until: float | None = None) -> None:
    """The rules run for `owner` from here on in this task, and in the tasks it starts (one
    WebSocket connection's operations), until the time `until` (seconds since the epoch)."""
    _owner.set(owner)
    _until.set(until)


def acting_until() -> float | None:
    """When the current owner's right to act ends (None: it does not)."""
    return _until.get()
