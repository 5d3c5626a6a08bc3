"""The plain HTTP endpoints beside the APIs: the service's root and its health."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from models import database
from todos.relay import RedisRelay


async def root(request: Request) -> JSONResponse:
    """Where things are, as the book's API root listed its endpoints (behind a trusted proxy,
    at the proxy's address)."""
    return JSONResponse(
        {
            "graphql": str(request.url_for("graphql")),
            "health": str(request.url_for("health")),
            "todos": str(request.url_for("todos")),  # the book's REST API
        }
    )


def _events_health(relay: RedisRelay | None) -> str:
    if relay is None:
        return "local"  # no Redis: the other processes see the log by polling it
    return "ok" if relay.healthy else "degraded"


async def health(request: Request) -> JSONResponse:
    """200 when the database answers, 503 when it does not; says how events travel."""
    state = request.app.state
    events = _events_health(getattr(state, "relay", None))
    if await database.ping(state.settings.health_timeout_seconds):
        return JSONResponse({"status": "ok", "database": "ok", "events": events})
    return JSONResponse(
        {"status": "unavailable", "database": "unreachable", "events": events}, status_code=503
    )
