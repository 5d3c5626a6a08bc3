"""What every answer of the fuzz is checked for: no 5xx, no leak of internals, no unmasked or
unexpected error, and no mutation carried out that had to be refused."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx

GENERIC_MESSAGE = "Internal server error."

# What must never reach a client. A match that is an echo of what the client sent is no leak.
LEAKS = {
    "traceback": re.compile(r"Traceback \(most recent call last\)|File \"[^\"]*\", line \d+"),
    # (Linear: no nested repetition, as bodies of a megabyte are searched.)
    "file path": re.compile(r"[/\\][\w.-]+\.pyc?\b|site-packages|\.venv\b"),
    "SQL": re.compile(
        r"\b(?:SELECT|INSERT|UPDATE|DELETE|FROM|INTO|JOIN|WHERE)\b[^\n]{0,80}?[`\"' (]todo\b"
    ),
    "driver": re.compile(r"aiomysql|pymysql|sqlite3?|tortoise|pypika|mysql|mariadb", re.I),
    "database error": re.compile(
        r"no such table|database is locked|(?:Operational|Integrity|Programming|Database)Error"
    ),
    "Python exception": re.compile(
        r"\b(?:Type|Value|Key|Attribute|Index|Name|Runtime|Recursion|Overflow|Assertion)Error\b"
        r"|\bNoneType\b|object has no attribute|\bInvalidOperationTypeError\b"
    ),
}


def problems_in(label: str, status: int, body: bytes, sent: str) -> list[str]:
    """What is wrong with one answer: a 5xx, a leak, an unmasked or any unexpected error.

    With the database up, nothing a client sends may be unexpected: a masked
    INTERNAL_SERVER_ERROR means an exception the service did not handle (and logged as a bug).
    """
    found = []
    if status >= 500:
        found.append(f"{label}: status {status}")
    text = body.decode("utf-8", "replace")
    for kind, pattern in LEAKS.items():
        for match in pattern.finditer(text):
            if match.group(0).lower() not in sent.lower():
                found.append(f"{label}: leaks {kind}: {match.group(0)!r}")
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        return found
    for error in _errors(payload):
        extensions = error.get("extensions") or {}
        if not isinstance(extensions, dict):
            found.append(f"{label}: extensions is not an object: {error!r}")
            continue
        if extensions.get("code") == "INTERNAL_SERVER_ERROR":
            if error.get("message") != GENERIC_MESSAGE:
                found.append(f"{label}: unmasked internal error: {error.get('message')!r}")
            else:
                found.append(f"{label}: unexpected error (masked): {error.get('path')}")
        for key in ("exception", "stacktrace", "traceback"):
            if key in {str(k).lower() for k in extensions}:
                found.append(f"{label}: extensions.{key} present")
    return found


def _errors(payload: Any) -> Iterator[dict[str, Any]]:
    """The GraphQL errors in an HTTP body or a WebSocket message, however they are nested."""
    if isinstance(payload, list):
        for item in payload:
            yield from _errors(item)
    elif isinstance(payload, dict):
        errors = payload.get("errors")
        if isinstance(errors, list):
            yield from (error for error in errors if isinstance(error, dict))
        if isinstance(payload.get("payload"), dict | list):  # WebSocket messages
            inner = payload["payload"]
            if isinstance(inner, dict) and "message" in inner and "errors" not in inner:
                yield inner  # graphql-ws's "error" payload is one error
            else:
                yield from _errors(inner)


def data_of(body: bytes) -> Any:
    """The `data` of a GraphQL answer, or None when there is none (or no GraphQL answer)."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return payload.get("data") if isinstance(payload, dict) else None


MUTATION_FIELDS = {"createTodo", "updateTodo", "deleteTodo", "setTodosCompleted", "deleteTodos"}


def changed(response: httpx.Response) -> bool:
    """Whether the answer reports a mutation carried out (the fuzz sends no aliases for them)."""
    data = data_of(response.content)
    return isinstance(data, dict) and any(data.get(name) for name in MUTATION_FIELDS)
