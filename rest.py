"""The book's REST API (/todos), over the same data and rules as GraphQL.

Each handler reads the request, calls one rule of todos.commands (or reads through todos.listing)
and answers with its outcome: the rules validate titles, bump versions and publish the todoEvents,
exactly as for the GraphQL mutations. This module checks only what GraphQL's types check: the shape
of the JSON (a title is a string, completed a boolean, order a 32-bit integer or null).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from jsonbody import parse_json
from models import INT_MAX, INT_MIN, Todo, parse_primary_key
from todos import commands, listing
from todos.errors import Busy, Invalid, NotFound, VersionConflict

T = TypeVar("T")
Handler = Callable[[Request], Awaitable[Response]]

NOT_FOUND = {"detail": "Not found."}
# The original API's messages (Django REST framework's) for fields of the wrong JSON type.
REQUIRED = "This field is required."
NOT_NULL = "This field may not be null."
# A host, optionally with a port, as X-Forwarded-Host may name it; anything else is ignored.
_HOST = re.compile(r"(?:[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


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


async def _fields(request: Request, full: bool) -> dict[str, Any]:
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


def _pk(request: Request) -> int:
    pk = parse_primary_key(request.path_params["id"])
    if pk is None:
        raise Refused(NOT_FOUND, 404)
    return pk


def _succeeded(outcome: T | Invalid | NotFound | VersionConflict) -> T:
    """A rule's result, or the error response its refusal translates to."""
    if isinstance(outcome, Invalid):
        raise Refused({outcome.field: [outcome.message]})
    if isinstance(outcome, NotFound):
        raise Refused(NOT_FOUND, 404)
    if isinstance(outcome, VersionConflict):  # only with an expected version, which REST never has
        raise Refused({"detail": outcome.message}, 409)
    return outcome


def _first(header: str | None) -> str:
    return (header or "").partition(",")[0].strip()


def absolute_url(request: Request, name: str, **path_params: Any) -> str:
    """Route `name`'s URL as the client addressed the service: behind a proxy, with the scheme and
    host of X-Forwarded-Proto and X-Forwarded-Host (their first values)."""
    url = request.url_for(name, **path_params)
    scheme = _first(request.headers.get("x-forwarded-proto")).lower()
    if scheme in ("http", "https"):
        url = url.replace(scheme=scheme)
    host = _first(request.headers.get("x-forwarded-host"))
    if _HOST.fullmatch(host):
        url = url.replace(netloc=host)
    return str(url)


def _representation(todos_url: str, todo: Todo) -> dict[str, object]:
    url = f"{todos_url}/{todo.id}"  # the "todo" route below
    return {"url": url, "title": todo.title, "completed": todo.completed, "order": todo.order}


def _todo_response(request: Request, todo: Todo, status_code: int = 200) -> JSONResponse:
    body = _representation(absolute_url(request, "todos"), todo)
    headers = {"location": str(body["url"])} if status_code == 201 else None
    return JSONResponse(body, status_code, headers=headers)


async def list_todos(request: Request) -> Response:
    todos_url = absolute_url(request, "todos")
    todos = await listing.every(listing.TodoFilter())
    return JSONResponse([_representation(todos_url, todo) for todo in todos])


async def create_todo(request: Request) -> Response:
    created = await commands.create(**await _fields(request, full=True))
    return _todo_response(request, _succeeded(created), 201)


async def delete_todos(request: Request) -> Response:
    await commands.delete_matching(listing.TodoFilter())
    return Response(status_code=204)


async def get_todo(request: Request) -> Response:
    todo = await Todo.get_or_none(id=_pk(request))
    if todo is None:
        raise Refused(NOT_FOUND, 404)
    return _todo_response(request, todo)


async def _update(request: Request, full: bool) -> Response:
    pk = _pk(request)
    changes = commands.TodoChanges(**await _fields(request, full))
    return _todo_response(request, _succeeded(await commands.update(pk, changes)))


async def replace_todo(request: Request) -> Response:
    return await _update(request, full=True)


async def patch_todo(request: Request) -> Response:
    return await _update(request, full=False)


async def delete_todo(request: Request) -> Response:
    _succeeded(await commands.delete(_pk(request)))
    return Response(status_code=204)


def _route(path: str, name: str, **handlers: Handler) -> Route:
    """One route for a path, its handlers by method (HEAD as GET); others are answered 405."""

    async def endpoint(request: Request) -> Response:
        handler = handlers["GET" if request.method == "HEAD" else request.method]
        try:
            return await handler(request)
        except Refused as refused:
            return refused.response
        except Busy as busy:  # contention outlasted the retries: nothing changed, try again
            return JSONResponse({"detail": str(busy)}, 503, headers={"Retry-After": "1"})

    return Route(path, endpoint, methods=list(handlers), name=name)


routes: list[BaseRoute] = [
    _route("/todos", "todos", GET=list_todos, POST=create_todo, DELETE=delete_todos),
    _route(
        "/todos/{id}",
        "todo",
        GET=get_todo,
        PUT=replace_todo,
        PATCH=patch_todo,
        DELETE=delete_todo,
    ),
]
