"""The book's REST API: its routes and how its errors are answered."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from rest.endpoints import TodoItem, TodoList
from rest.fields import Refused

routes: list[BaseRoute] = [
    Route("/todos", TodoList, name="todos"),
    Route("/todos/{id}", TodoItem, name="todo"),
]


async def refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, Refused)
    return error.response


exception_handlers = {Refused: refused}
