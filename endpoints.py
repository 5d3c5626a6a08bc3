"""The plain HTTP endpoints beside GraphQL: the service's root and its health."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

import database
import settings


async def root(request: Request) -> JSONResponse:
    """Where things are, as the book's API root listed its endpoints."""
    return JSONResponse(
        {"graphql": str(request.url_for("graphql")), "health": str(request.url_for("health"))}
    )


async def health(request: Request) -> JSONResponse:
    """200 when the database answers, 503 when it does not."""
    if await database.ping(settings.HEALTH_TIMEOUT_SECONDS):
        return JSONResponse({"status": "ok", "database": "ok"})
    return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
