"""The book's REST API (/todos), over the same data and rules as GraphQL.

Each method reads the request, calls one rule of todos.commands (or reads through todos.listing)
and answers with its outcome: the rules validate titles, bump versions and publish the todoEvents,
exactly as for the GraphQL mutations. Refusals are raised (rest.fields.Refused) and answered by
the package's exception handlers.
"""

from __future__ import annotations

from typing import TypeVar

from starlette.endpoints import HTTPEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from models import Todo, parse_primary_key
from rest.fields import NOT_FOUND, Refused, todo_fields
from todos import commands, listing
from todos.errors import Invalid, NotFound, VersionConflict
from todos.rows import TodoRow

T = TypeVar("T")


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


def todos_url(request: Request) -> str:
    """The list's URL as the client addressed the service (behind a trusted proxy, the proxy's:
    web/forwarded.py)."""
    return str(request.url_for("todos"))


def _representation(todos_url: str, todo: Todo | TodoRow) -> dict[str, object]:
    url = f"{todos_url}/{todo.id}"  # the "todo" route
    return {"url": url, "title": todo.title, "completed": todo.completed, "order": todo.order}


def _todo_response(request: Request, todo: Todo, status_code: int = 200) -> JSONResponse:
    body = _representation(todos_url(request), todo)
    headers = {"location": str(body["url"])} if status_code == 201 else None
    return JSONResponse(body, status_code, headers=headers)


class TodoList(HTTPEndpoint):
    """/todos: every todo, a new one, none."""

    async def get(self, request: Request) -> Response:
        url = todos_url(request)
        todos = await listing.every(listing.TodoFilter())
        return JSONResponse([_representation(url, todo) for todo in todos])

    async def post(self, request: Request) -> Response:
        created = await commands.create(**await todo_fields(request, full=True))
        return _todo_response(request, _succeeded(created), 201)

    async def delete(self, request: Request) -> Response:
        await commands.delete_matching(listing.TodoFilter())
        return Response(status_code=204)


class TodoItem(HTTPEndpoint):
    """/todos/<id>: one todo, replaced whole (PUT) or in part (PATCH), or deleted."""

    async def get(self, request: Request) -> Response:
        todo = await listing.get(_pk(request))
        if todo is None:
            raise Refused(NOT_FOUND, 404)
        return _todo_response(request, todo)

    async def put(self, request: Request) -> Response:
        return await self._update(request, full=True)

    async def patch(self, request: Request) -> Response:
        return await self._update(request, full=False)

    async def delete(self, request: Request) -> Response:
        _succeeded(await commands.delete(_pk(request)))
        return Response(status_code=204)

    async def _update(self, request: Request, full: bool) -> Response:
        pk = _pk(request)
        changes = commands.TodoChanges(**await todo_fields(request, full))
        return _todo_response(request, _succeeded(await commands.update(pk, changes)))
