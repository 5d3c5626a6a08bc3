"""Processes the acceptance tests and the bench start: uvicorn (the service, or another ASGI app
such as bench/ceiling.py) and a private redis-server."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

STARTUP_SECONDS = 30
# How uvicorn serves the app, everywhere (Makefile, Dockerfile, bench): through web/serve.py (its
# parent deals the connections to the workers in turn), the factory, no forwarded headers of
# uvicorn's own (web/forwarded.py decides which proxies count), and each response in one write
# (web/protocol.py).
SERVE = ("-m", "web.serve")
APP = ("--factory", "app:main", "--no-proxy-headers", "--http", "web.protocol:HttpToolsCoalescing")
GRACEFUL_SHUTDOWN_SECONDS = 5  # as `make run` and the image start uvicorn


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_up(url: str, server: subprocess.Popen[bytes], healthy: bool) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            if httpx.get(f"{url}/health").status_code == 200 or not healthy:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server was not up within {STARTUP_SECONDS} s")


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]


@contextlib.contextmanager
def running_server(
    env: dict[str, str],
    migrate: bool = True,
    healthy: bool = True,
    workers: int = 1,
    *,
    app: Sequence[str] = APP,
    options: Sequence[str] = (),
    log: Path | None = None,
    cwd: Path | None = None,
) -> Iterator[Server]:
    """A uvicorn serving `app` (the service by default) with `env`, started as `make run` does
    (migrations first), with `workers` processes on one port, as the release image runs it.

    `options` are more uvicorn arguments; `log` takes the migrations' and the server's output
    (otherwise inherited); `cwd` is where both run."""
    env = {**os.environ, "LOG_LEVEL": "WARNING", **env}
    with contextlib.ExitStack() as stack:
        output = stack.enter_context(log.open("wb")) if log is not None else None
        errors = None if output is None else subprocess.STDOUT
        if migrate:
            migrations = [sys.executable, "-m", "migrations", "upgrade"]
            subprocess.run(migrations, env=env, cwd=cwd, stdout=output, stderr=errors, check=True)
        port = str(_free_port())
        command = [sys.executable, *SERVE, *app, "--host", "127.0.0.1", "--port", port]
        command += ["--timeout-graceful-shutdown", str(GRACEFUL_SHUTDOWN_SECONDS), *options]
        if workers > 1:
            command += ["--workers", str(workers)]
        server = subprocess.Popen(command, env=env, cwd=cwd, stdout=output, stderr=errors)
        url = f"http://127.0.0.1:{port}"
        try:
            try:
                _wait_until_up(url, server, healthy)
            except RuntimeError as error:
                if log is None:
                    raise
                tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
                raise RuntimeError(f"{error}; the end of {log}:\n{tail}") from None
            yield Server(url, server)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


class LocalRedis:
    """A private redis-server that a test may stop and start again."""

    def __init__(self, folder: str) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", self.folder]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
