"""The fast path's tests: both paths of one app, side by side."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from graph.fast.path import FastPath
from graph.http import GraphQLView
from graph.schema import build_schema, limits
from settings import Settings
from tests.graph.documents import Request


class Paths:
    """Sends one request through the app by either path; notes whether the fast path answered."""

    def __init__(self, http: httpx.AsyncClient, view: GraphQLView, fast_path: FastPath) -> None:
        self.http = http
        self.view = view
        self.fast_path = fast_path
        self.answered: list[bool] = []
        original = fast_path.execute

        async def recording(*arguments: Any) -> Any:
            result = await original(*arguments)
            self.answered.append(result is not None)
            return result

        fast_path.execute = recording  # type: ignore[method-assign,assignment]

    async def send(self, request: Request, fast: bool) -> tuple[int, bytes]:
        status, _, content = await self.answer(request, fast)
        return status, content

    async def answer(
        self, request: Request, fast: bool, accept: str = "application/json"
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """The status, headers (as sent) and body of the answer by either path."""
        self.view.fast_path = self.fast_path if fast else None
        headers = {"content-type": "application/json", "accept": accept}
        response = await self.http.post("/graphql", content=request.body(), headers=headers)
        return response.status_code, response.headers.raw, response.content

    async def compare(self, request: Request, before: Any = None) -> bool:
        """Compares both paths' answers to `request`, each after `before()` when given; returns
        whether the fast path answered."""
        if before is not None:
            await before()
        self.answered.clear()
        fast = await self.send(request, fast=True)
        answered = bool(self.answered) and self.answered[-1]
        if before is not None:
            await before()
        plain = await self.send(request, fast=False)
        assert fast == plain, f"{request.query}\n{request.variables}"
        if plain[0] == 200 and b'"errors"' not in plain[1]:
            assert answered, f"the fast path left this to the plain path: {request.query}"
        return answered


@pytest.fixture
async def paths(empty: str) -> AsyncIterator[Paths]:
    settings = Settings(log_level="WARNING")
    schema = build_schema(settings)
    graphql = GraphQLView(schema, settings, fast_path=None)
    transport = httpx.ASGITransport(app=graphql)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield Paths(http, graphql, FastPath(schema, limits(settings), hide_suggestions=False))
