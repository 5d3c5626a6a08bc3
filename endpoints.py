"""The plain HTTP endpoints beside GraphQL: the service's root and its health."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

import database
import rest
import settings
from redis_relay import RedisRelay


async def root(request: Request) -> JSONResponse:
    """Where things are, as the book's API root listed its endpoints."""
    return JSONResponse(
        {
            "graphql": str(request.url_for("graphql")),
            "health": str(request.url_for("health")),
            # The book's REST API, as its client saw it (behind a proxy, the proxy's address).
            "todos": rest.absolute_url(request, "todos"),
        }
    )


def _events_health(relay: RedisRelay | None) -> str:
    if relay is None:
        return "local"  # one process: events never leave it
    return "ok" if relay.healthy else "degraded"


async def health(request: Request) -> JSONResponse:
    """200 when the database answers, 503 when it does not; says how events travel."""
    relay = getattr(request.app.state, "relay", None)
    events = _events_health(relay)
    if await database.ping(settings.HEALTH_TIMEOUT_SECONDS):
        return JSONResponse({"status": "ok", "database": "ok", "events": events})
    return JSONResponse(
        {"status": "unavailable", "database": "unreachable", "events": events}, status_code=503
    )
