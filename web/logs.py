"""Logging: plain lines in development; in production JSON lines, each with its request id."""

from __future__ import annotations

import contextvars
import json
import logging
import random
import re
import time
from datetime import UTC, datetime

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
access_logger = logging.getLogger("todobackend.access")

# A client's own X-Request-ID is kept when it looks like an id (so a proxy's ids line up).
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id.get(),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        try:
            return orjson.dumps(line).decode()
        except TypeError:  # a field orjson cannot write (an int past 64 bits, say)
            return json.dumps(line, ensure_ascii=False, default=str)


def configure(level: str, as_json: bool) -> None:
    """The root logger's format, for the service's own loggers and uvicorn's alike."""
    handler = logging.StreamHandler()
    if as_json:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # Neither format shows the caller, thread or process: finding them cost more than the rest
    # of each access line (the logging HOWTO's "Optimization").
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers = []
        uvicorn_logger.propagate = True
    if as_json:
        # One JSON access line per request comes from RequestIds instead, with its id.
        logging.getLogger("uvicorn.access").setLevel(logging.WARNING)


def new_request_id() -> str:
    """32 random hex digits, as a UUID4's: ids need to be unique, not secret, and the random
    module is reseeded in each worker (after a fork too) without a system call each time."""
    return f"{random.getrandbits(128):032x}"


class RequestIds:
    """Gives each request an id (the client's X-Request-ID, or a new one), echoed back in the
    response and attached to every log line the request causes; logs one access line."""

    def __init__(self, app: ASGIApp, log_access: bool) -> None:
        self.app = app
        self.log_access = log_access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = ""
        for name, value in scope["headers"]:  # the last, if repeated
            if name == b"x-request-id":
                given = value.decode("latin-1")
        current = given if REQUEST_ID.fullmatch(given) else new_request_id()
        token = request_id.set(current)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", current.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if self.log_access:
                access_logger.info(
                    "%s %s %s",
                    scope.get("method", "WEBSOCKET"),
                    scope["path"],
                    status,
                    extra={
                        "fields": {
                            "method": scope.get("method", "WEBSOCKET"),
                            "path": scope["path"],
                            "status": status,
                            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                        }
                    },
                )
            request_id.reset(token)
