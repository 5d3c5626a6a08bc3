"""How the service is served: uvicorn, each of its workers listening on a socket of its own.

    python -m web.serve [uvicorn's options]    as `uvicorn`: --factory app:main --workers 2 ...

With several workers, uvicorn has them all accept from one socket, and the first worker to wake
takes every connection waiting: a burst of new clients (a proxy's pool, a load test's) lands
mostly on one worker while the others idle, and their requests queue behind each other (measured:
26, 29 and 26 of 32 connections on one of two workers, p99 20 ms). Here the parent only reserves
the address (SO_REUSEPORT, never listening), and each worker listens on a socket of its own on it,
so the kernel spreads new connections over the workers. With one worker, or a Unix socket or an
inherited file descriptor, this is uvicorn unchanged.
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import Any

import uvicorn.config
import uvicorn.main
import uvicorn.server

logger = logging.getLogger("uvicorn.error")
SHARES_PORTS = hasattr(socket, "SO_REUSEPORT")


def _reserved(config: uvicorn.config.Config) -> socket.socket:
    """The parent's socket: bound with SO_REUSEPORT, so that each worker can bind one beside it;
    it never listens, so no connection waits on it."""
    if config.uds is not None or config.fd is not None or not SHARES_PORTS:
        uvicorns: socket.socket = _bind_socket(config)
        return uvicorns
    family = socket.AF_INET6 if config.host and ":" in config.host else socket.AF_INET
    sock = socket.socket(family=family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((config.host, config.port))
    except OSError as error:
        logger.error(error)
        sys.exit(uvicorn.config.STARTUP_FAILURE)
    scheme = "https" if config.is_ssl else "http"
    host = f"[{config.host}]" if family == socket.AF_INET6 else config.host
    logger.info(
        "Uvicorn running on %s://%s:%d (Press CTRL+C to quit)", scheme, host, sock.getsockname()[1]
    )
    sock.set_inheritable(True)
    return sock


def own_listener(sock: socket.socket) -> socket.socket:
    """A worker's listening socket beside the parent's reserved `sock` (the same address), or
    `sock` itself when it is not one (uvicorn's own, or under another supervisor)."""
    if not SHARES_PORTS or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return sock
    reserved = sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT)
    listening = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
    if not reserved or listening:
        return sock
    own = socket.socket(family=sock.family)
    own.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    own.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    own.bind(sock.getsockname()[:2])
    sock.close()  # this process's copy only: the parent keeps the address reserved
    return own


async def _startup(self: uvicorn.server.Server, sockets: list[socket.socket] | None = None) -> None:
    if sockets is not None:
        sockets = [own_listener(sock) for sock in sockets]
    await _server_startup(self, sockets)


_bind_socket: Any = uvicorn.config.Config.bind_socket
_server_startup: Any = uvicorn.server.Server.startup


def install() -> None:
    """In this process: the parent reserves the address, workers listen on their own sockets."""
    uvicorn.config.Config.bind_socket = _reserved  # type: ignore[method-assign,assignment]
    uvicorn.server.Server.startup = _startup  # type: ignore[method-assign]


# The workers uvicorn spawns import this module again, as multiprocessing's __mp_main__.
if __name__ in ("__main__", "__mp_main__"):
    install()
if __name__ == "__main__":
    uvicorn.main.main()
