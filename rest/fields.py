"""The REST API's request bodies: JSON objects only, each field of the JSON type the original API
took (a title a string, completed a boolean, order a 32-bit integer or null); the rules
(todos.commands) then decide what is valid."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from models import INT_MAX, INT_MIN
from web.jsonbody import parse_json

NOT_FOUND = {"detail": "Not found."}
# The original API's messages (Django REST framework's) for fields of the wrong JSON type.
REQUIRED = "This field is required."
NOT_NULL = "This field may not be null."


class Refused(Exception):
    """Stops a handler: the request is answered with this error instead."""

    def __init__(self, body: Mapping[str, object], status_code: int = 400) -> None:
        super().__init__(body)
        self.response = JSONResponse(body, status_code)


class _WrongType(Exception):
    """A JSON value of the wrong type for its field; the message says what was expected."""


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise _WrongType(NOT_NULL if value is None else "Not a valid string.")
    return value


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise _WrongType(NOT_NULL if value is None else "Must be a valid boolean.")
    return value


def _integer_or_null(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise _WrongType("A valid integer is required.")
    if not INT_MIN <= value <= INT_MAX:
        raise _WrongType(f"Ensure this value is between {INT_MIN} and {INT_MAX}.")
    return value


_FIELDS: dict[str, Callable[[object], object]] = {
    "title": _string,
    "completed": _boolean,
    "order": _integer_or_null,
}


def _is_json(content_type: str) -> bool:
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


async def _json_object(request: Request) -> dict[str, object]:
    # JSON only: a cross-site form (urlencoded, multipart, text/plain) needs no CORS preflight.
    content_type = request.headers.get("content-type", "")
    if not _is_json(content_type):
        message = f'Unsupported media type "{content_type}" in request; send application/json.'
        raise Refused({"detail": message}, 415)
    try:
        body = parse_json(await request.body())
    except ValueError:
        raise Refused({"detail": "JSON parse error: the body is not UTF-8 JSON."}) from None
    if not isinstance(body, dict):
        raise Refused({"detail": "Expected a JSON object."})
    return body


async def todo_fields(request: Request, full: bool) -> dict[str, Any]:
    """The todo fields of the request's JSON object, checked for type; others (`url`) ignored.

    `full` (a create, a PUT) requires the title and gives the fields left out their defaults;
    otherwise (a PATCH) only the fields sent are returned.
    """
    body = await _json_object(request)
    fields: dict[str, Any] = {"completed": False, "order": None} if full else {}
    errors: dict[str, list[str]] = {}
    for name, check in _FIELDS.items():
        if name in body:
            try:
                fields[name] = check(body[name])
            except _WrongType as wrong:
                errors[name] = [str(wrong)]
    if full and "title" not in body:
        errors["title"] = [REQUIRED]
    if errors:
        raise Refused(errors)
    return fields
