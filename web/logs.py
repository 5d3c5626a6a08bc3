"""Logging: plain lines in development; in production JSON lines, each with its request id."""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import os
import random
import re
import time
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web import observations

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
access_logger = logging.getLogger("todobackend.access")
ACCESS_LOGGER = access_logger.name

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
        return as_text(line)


def as_text(line: dict[str, object]) -> str:
    try:
        return orjson.dumps(line).decode()
    except TypeError:  # a field orjson cannot write (an int past 64 bits, say)
        return json.dumps(line, ensure_ascii=False, default=str)


class AccessLines:
    """Writes each request's access line as JsonFormatter writes a record, straight to the file
    behind the root handler's stream, one write() a line (whole, so the workers' lines never
    interleave): making a LogRecord and passing it through the handlers, the stream's encoding
    and its flushing cost several times the line itself, on every request. The access logger's
    level still decides."""

    def __init__(self) -> None:
        self.handler: logging.StreamHandler[Any] | None = None  # set by configure()
        self.fd: int | None = None  # the handler's file, when it has one
        self._second = -1
        self._prefix = ""

    def to(self, handler: logging.StreamHandler[Any] | None) -> None:
        self.handler = handler
        self.fd = None
        if handler is not None:
            handler.flush()  # nothing of the stream's own is left to follow the lines
            with contextlib.suppress(AttributeError, OSError, ValueError):
                self.fd = handler.stream.fileno()

    def now(self) -> str:
        """The time as datetime.now(UTC).isoformat() writes it, the date and second made once a
        second (isoformat() was most of a line's cost)."""
        nanoseconds = time.time_ns()
        second, fraction = divmod(nanoseconds, 1_000_000_000)
        if second != self._second:
            self._prefix = datetime.fromtimestamp(second, UTC).isoformat()[:19]
            self._second = second
        microseconds = fraction // 1000
        if microseconds == 0:
            return f"{self._prefix}+00:00"
        return f"{self._prefix}.{microseconds:06d}+00:00"

    def write(self, method: str, path: str, status: int, duration_ms: float, rid: str) -> None:
        handler = self.handler
        if handler is None or not access_logger.isEnabledFor(logging.INFO):
            return
        line: dict[str, object] = {
            "time": self.now(),
            "level": "INFO",
            "logger": ACCESS_LOGGER,
            "message": f"{method} {path} {status}",
            "request_id": rid,
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": duration_ms,
        }
        if self.fd is None:
            handler.acquire()
            try:
                handler.stream.write(as_text(line) + handler.terminator)
                handler.flush()
            finally:
                handler.release()
            return
        try:
            data = orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE)
        except TypeError:  # a path orjson refuses (a lone surrogate)
            data = (as_text(line) + "\n").encode(errors="backslashreplace")
        with contextlib.suppress(OSError):  # a log that cannot be written loses the line alone
            while data:
                data = data[os.write(self.fd, data) :]


access_lines = AccessLines()


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
    # One JSON access line per request comes from RequestIds instead, with its id.
    access_lines.to(handler if as_json else None)
    if as_json:
        logging.getLogger("uvicorn.access").setLevel(logging.WARNING)


def new_request_id() -> str:
    """32 random hex digits, as a UUID4's: ids need to be unique, not secret, and the random
    module is reseeded in each worker (after a fork too) without a system call each time."""
    return f"{random.getrandbits(128):032x}"


class Measure(Protocol):
    """What is told of each HTTP request once answered (web/metrics.py's Metrics.record)."""

    def __call__(
        self, scope: Scope, status: int, seconds: float, observation: observations.Observation
    ) -> None: ...


class RequestIds:
    """Gives each request an id (the client's X-Request-ID, or a new one), echoed back in the
    response and attached to every log line the request causes; logs one access line; and, with
    `measure` (METRICS=true), tells it how each HTTP request went: all that a request's end
    records, around the app once."""

    def __init__(self, app: ASGIApp, log_access: bool, measure: Measure | None = None) -> None:
        self.app = app
        self.log_access = log_access
        self.measure = measure

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
        # What the interfaces note of the request (its operation, its errors), for `measure`.
        measuring = None
        if self.measure is not None and scope["type"] == "http":
            observation = observations.Observation()
            measuring = (self.measure, observation, observations.begin(observation))
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
            seconds = time.perf_counter() - started
            if self.log_access:
                method = scope.get("method", "WEBSOCKET")
                access_lines.write(method, scope["path"], status, round(seconds * 1000, 1), current)
            if measuring is not None:
                measure, observation, noting = measuring
                observations.end(noting)
                # No answer sent: an exception, which Starlette's outermost handler answers 500.
                measure(scope, status or 500, seconds, observation)
            request_id.reset(token)
