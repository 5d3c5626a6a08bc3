"""How the service is served: uvicorn, with the parent dealing connections to the workers in turn.

    python -m web.serve [uvicorn's options]    as `uvicorn`: --factory app:main --workers 2 ...

With several workers, uvicorn has them all accept from one socket, and the first worker to wake
takes every connection waiting: a burst of new clients (a proxy's pool, a load test's) lands
mostly on one worker while the others idle (measured: 26, 29 and 26 of 32 connections on one of
two workers, p99 20 ms). Each worker on a socket of its own (SO_REUSEPORT) was better, but the
kernel picks a socket by a hash of the client's address, so 32 connections still split 18 to 14,
or 20 to 12, and the busier worker's requests wait longer. Here the parent accepts and hands the
connections to the workers in turn (web/dealer.py), so 32 split 16 to 16. With one worker, or a
Unix socket or an inherited file descriptor, this is uvicorn unchanged.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import uvicorn.config
import uvicorn.main
import uvicorn.server
import uvicorn.supervisors.multiprocess

from web.dealer import Dealer, DealtConnections, is_enrolment

Sockets = list[socket.socket] | None


def _bind(config: uvicorn.config.Config) -> socket.socket:
    """The socket the workers are given: with several workers on TCP, the parent's dealer's
    enrolment socket (the parent keeps the listening one); otherwise uvicorn's own."""
    listener: socket.socket = _bind_socket(config)
    if config.workers <= 1 or config.uds is not None or config.fd is not None:
        return listener
    listener.set_inheritable(False)
    dealer = Dealer(listener, config.backlog)
    dealer.start()
    _dealers.append(dealer)
    return dealer.enrolment


async def _startup(self: uvicorn.server.Server, sockets: Sockets = None) -> None:
    enrolments = [sock for sock in sockets or [] if is_enrolment(sock)]
    if not enrolments:
        await _server_startup(self, sockets)
        return
    await _server_startup(self, [sock for sock in sockets or [] if sock not in enrolments])
    config, state = self.config, self.server_state

    def create_protocol() -> asyncio.Protocol:  # as uvicorn's own startup makes them
        return config.http_protocol_class(  # type: ignore[call-arg]
            config=config, server_state=state, app_state=self.lifespan.state
        )

    self.dealt = [DealtConnections(sock, create_protocol, config.ssl) for sock in enrolments]  # type: ignore[attr-defined]


async def _shutdown(self: uvicorn.server.Server, sockets: Sockets = None) -> None:
    for dealt in getattr(self, "dealt", []):
        dealt.close()
    await _server_shutdown(self, sockets)


def _terminate_all(self: uvicorn.supervisors.multiprocess.Multiprocess) -> None:
    for dealer in _dealers:  # first no new connections, then the workers finish theirs
        dealer.stop()
    _multiprocess_terminate_all(self)


_dealers: list[Dealer] = []
_bind_socket: Any = uvicorn.config.Config.bind_socket
_server_startup: Any = uvicorn.server.Server.startup
_server_shutdown: Any = uvicorn.server.Server.shutdown
_multiprocess_terminate_all: Any = uvicorn.supervisors.multiprocess.Multiprocess.terminate_all


def install() -> None:
    """In this process: the parent deals connections, workers serve what they are dealt."""
    uvicorn.config.Config.bind_socket = _bind  # type: ignore[method-assign,assignment]
    uvicorn.server.Server.startup = _startup  # type: ignore[method-assign]
    uvicorn.server.Server.shutdown = _shutdown  # type: ignore[method-assign]
    uvicorn.supervisors.multiprocess.Multiprocess.terminate_all = _terminate_all  # type: ignore[method-assign]


# The workers uvicorn spawns import this module again, as multiprocessing's __mp_main__.
if __name__ in ("__main__", "__mp_main__"):
    install()
if __name__ == "__main__":
    uvicorn.main.main()
