"""Connections dealt to the workers in turn: the parent accepts, each worker serves every Nth.

The parent listens on the service's address and hands each connection it accepts to the next
worker, over a Unix socket (SOCK_SEQPACKET, one message a connection) that each worker opens to
the parent's `enrolment` address when it starts. A worker that has gone (its socket is closed) is
dropped, one that is full is passed over, and a worker started again enrols again. This is how
Node's cluster module shares a port.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import itertools
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("uvicorn.error")
ENROLMENT_PREFIX = b"\0todobackend-dealer-"
# A connection's message: one byte (a message must carry some), its descriptor alongside.
MARK = b"c"


class Dealer:
    """In the parent: accepts on `listener` and deals each connection to the next worker."""

    def __init__(self, listener: socket.socket, backlog: int) -> None:
        self._listener = listener
        self._listener.listen(backlog)
        self._workers: list[socket.socket] = []
        self._enrolled = threading.Condition()
        self._turn = itertools.count()
        self._stopped = False
        self.enrolment = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        name = ENROLMENT_PREFIX + f"{os.getpid()}-{listener.getsockname()[1]}".encode()
        self.enrolment.bind(name)
        self.enrolment.listen(64)
        self.enrolment.set_inheritable(True)

    def start(self) -> None:
        for target in (self._enrol, self._deal):
            threading.Thread(target=target, name=f"dealer{target.__name__}", daemon=True).start()

    def stop(self) -> None:
        """Accepts no more: new clients are refused, as by uvicorn's workers when they stop."""
        self._stopped = True
        with contextlib.suppress(OSError):  # shutdown() wakes the thread blocked in accept()
            self._listener.shutdown(socket.SHUT_RDWR)

    def _enrol(self) -> None:
        while True:
            worker, _ = self.enrolment.accept()
            worker.setblocking(False)
            with self._enrolled:
                self._workers.append(worker)
                self._enrolled.notify_all()

    def _deal(self) -> None:
        while True:
            self._enrolled_workers()  # none yet: clients wait in the kernel's queue
            try:
                connection, _ = self._listener.accept()
            except OSError as error:
                if self._stopped:  # stop() shut the listener down
                    self._listener.close()
                    return
                # Out of descriptors, say: the kernel keeps the client waiting.
                logger.warning("Accepting a connection failed: %s", error)
                time.sleep(0.1)
                continue
            with connection:
                self._hand_over(connection)

    def _enrolled_workers(self) -> list[socket.socket]:
        """The workers enrolled now, once there is at least one."""
        with self._enrolled:
            self._enrolled.wait_for(lambda: bool(self._workers))
            return list(self._workers)

    def _hand_over(self, connection: socket.socket) -> None:
        """Sends `connection` to the next worker that takes it, waiting while every one is full."""
        while True:
            workers = self._enrolled_workers()
            start = next(self._turn)
            for step in range(len(workers)):
                worker = workers[(start + step) % len(workers)]
                try:
                    socket.send_fds(worker, [MARK], [connection.fileno()])
                    return
                except BlockingIOError:  # its queue is full: the next one
                    continue
                except OSError:  # it has gone
                    self._drop(worker)
            time.sleep(0.005)

    def _drop(self, worker: socket.socket) -> None:
        with self._enrolled:
            if worker in self._workers:
                self._workers.remove(worker)
        worker.close()


def is_enrolment(sock: socket.socket) -> bool:
    """Whether `sock` is a dealer's enrolment socket, inherited from the parent."""
    if sock.family != socket.AF_UNIX or sock.type != socket.SOCK_SEQPACKET:
        return False
    name = sock.getsockname()
    return isinstance(name, bytes) and name.startswith(ENROLMENT_PREFIX)


class DealtConnections:
    """In a worker: enrols with the parent and serves each connection it is handed."""

    def __init__(
        self,
        enrolment: socket.socket,
        create_protocol: Callable[[], asyncio.Protocol],
        ssl: Any,
    ) -> None:
        self._create_protocol = create_protocol
        self._ssl = ssl
        self._loop = asyncio.get_running_loop()
        self._starting: set[asyncio.Task[Any]] = set()
        self._channel = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._channel.connect(enrolment.getsockname())
        self._channel.setblocking(False)
        enrolment.close()  # this process's copy only: the parent keeps it
        self._loop.add_reader(self._channel.fileno(), self._receive)

    def _receive(self) -> None:
        while True:
            try:
                message, descriptors, _, _ = socket.recv_fds(self._channel, 16, 1)
            except BlockingIOError:
                return
            except OSError as error:  # the parent has gone (ECONNRESET), or its socket broke
                if error.errno != errno.ECONNRESET:
                    logger.warning("No more connections from the parent: %s", error)
                message, descriptors = b"", []
            if not message:  # the parent has gone
                self.close()
                return
            for descriptor in descriptors:
                self._serve(socket.socket(fileno=descriptor))

    def _serve(self, connection: socket.socket) -> None:
        connection.setblocking(False)
        starting = self._loop.create_task(
            self._loop.connect_accepted_socket(self._create_protocol, connection, ssl=self._ssl)
        )
        self._starting.add(starting)
        starting.add_done_callback(self._started)

    def _started(self, starting: asyncio.Task[Any]) -> None:
        self._starting.discard(starting)
        if not starting.cancelled() and starting.exception() is not None:
            logger.warning("A connection failed to start: %s", starting.exception())

    def close(self) -> None:
        """No more connections: the parent deals the next ones to the other workers."""
        if self._channel.fileno() != -1:
            self._loop.remove_reader(self._channel.fileno())
            self._channel.close()
        for starting in list(self._starting):
            starting.cancel()
