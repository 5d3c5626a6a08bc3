"""What the interfaces note of a request while it is measured (web/metrics.py, METRICS=true): its
operation's name, its errors' codes, whether it was refused; and the outcome they make. Noting
costs nothing when no measurement runs, so the interfaces note unconditionally."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any

# Error codes that mean the service refused to run something, rather than that it ran into the
# client's mistake (user_error) or its own failure (error).
REFUSED_CODES = frozenset(
    {"UNAUTHENTICATED", "PERSISTED_QUERY_NOT_ALLOWED", "PERSISTED_QUERY_NOT_FOUND", "TOO_SLOW"}
)
ERROR_CODES = frozenset({"INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT"})
REFUSED_STATUSES = frozenset({401, 403, 405, 406, 413, 415, 429})  # 503: a lost database


class Observation:
    """What the interfaces noted of the request being measured."""

    __slots__ = ("codes", "operation", "refused")

    def __init__(
        self, operation: str | None = None, codes: list[str] | None = None, refused: bool = False
    ) -> None:
        self.operation = operation
        self.codes = [] if codes is None else codes
        self.refused = refused  # refused before anything ran (at a limit of connections, say)


_observation: ContextVar[Observation | None] = ContextVar("metrics_observation", default=None)


def begin(observation: Observation) -> Token[Observation | None]:
    """What is noted from here on (in this context) goes to `observation`, until end(token)."""
    return _observation.set(observation)


def end(token: Token[Observation | None]) -> None:
    _observation.reset(token)


@contextmanager
def observing(observation: Observation) -> Iterator[Observation]:
    """What is noted inside the block goes to `observation`."""
    token = begin(observation)
    try:
        yield observation
    finally:
        end(token)


def note(operation: str | None = None, codes: Iterable[str] = (), refused: bool = False) -> None:
    """Tell the measurement of the current request its operation's name, its errors' codes, or
    that it was refused (nothing happens when metrics are off)."""
    observation = _observation.get()
    if observation is None:
        return
    if operation is not None:
        observation.operation = operation
    observation.codes.extend(codes)
    observation.refused = observation.refused or refused


# The first operation a document defines, and its name (when the request does not name one).
_OPERATION = re.compile(r"\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")


def note_operation(operation_name: object, query: object) -> None:
    """note() the operation's name (only worked out when a request is being measured)."""
    if _observation.get() is not None:
        note(operation=name_of(operation_name, query))


def note_results(results: Iterable[Any]) -> None:
    """note() the codes of the errors in GraphQL results (dicts, as formatted for a response)."""
    if _observation.get() is not None:
        note(codes=[code for result in results for code in error_codes(result.get("errors"))])


def name_of(operation_name: object, query: object) -> str | None:
    """The operation's name: the request's operationName, else the first one its document names
    (this is for a label only: a document with several operations names one in the request)."""
    if isinstance(operation_name, str):
        return operation_name
    return _first_name(query[:2000]) if isinstance(query, str) else None


@functools.lru_cache(maxsize=256)
def _first_name(start: str) -> str | None:
    """Remembered: most requests send one of a few documents (at most 256 of 2,000 characters)."""
    found = _OPERATION.search(start)
    return found[1] if found else None


def error_codes(errors: object) -> list[str]:
    """The `extensions.code` of each formatted GraphQL error ("GRAPHQL_ERROR" without one)."""
    if not isinstance(errors, list):
        return []
    codes = []
    for error in errors:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        code = extensions.get("code") if isinstance(extensions, dict) else None
        codes.append(code if isinstance(code, str) else "GRAPHQL_ERROR")
    return codes


def outcome(status: int, observation: Observation) -> str:
    """ok, user_error, refused or error, from the response's status and what was noted."""
    if status < 400 and not observation.codes and not observation.refused:
        return "ok"  # most requests, decided at once
    codes = set(observation.codes)
    if observation.refused or status in REFUSED_STATUSES or codes & REFUSED_CODES:
        return "refused"
    if status >= 500 or codes & ERROR_CODES:
        return "error"
    if status >= 400 or codes:
        return "user_error"
    return "ok"
