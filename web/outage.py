"""A database that cannot be reached, or that keeps refusing a change for contention, answers
503 with Retry-After (a client may try again), never a 500; other failures a bare 500."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from models.database import DATABASE_ERRORS, is_outage
from todos.errors import Busy

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 1
UNAVAILABLE = "The service cannot reach its database just now: nothing was changed; try again."


def unavailable(detail: str = UNAVAILABLE) -> JSONResponse:
    return JSONResponse(
        {"detail": detail}, status_code=503, headers={"retry-after": str(RETRY_AFTER_SECONDS)}
    )


async def failure(request: Request, error: Exception) -> Response:
    """The answer to an exception no endpoint handled (REST and the plain endpoints)."""
    if isinstance(error, Busy):
        return unavailable(str(error))
    if is_outage(error):
        logger.warning("the database cannot be reached: %s", error)
        return unavailable()
    logger.error("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
    return JSONResponse({"detail": "Internal server error."}, status_code=500)


async def too_large(request: Request, error: Exception) -> Response:
    """413, as GraphQL clients read errors (REST clients read the status)."""
    assert isinstance(error, HTTPException)
    message = f"The request body is larger than {request.app.state.settings.max_body_bytes} bytes."
    return JSONResponse({"errors": [{"message": message}]}, status_code=error.status_code)


# For create_app: the database's failures and the body limit, answered here.
EXCEPTION_HANDLERS: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
    Busy: failure,
    **dict.fromkeys(DATABASE_ERRORS, failure),
    413: too_large,
}
