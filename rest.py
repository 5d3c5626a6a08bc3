"""The book's REST API (/todos), over the same data and rules as GraphQL."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
