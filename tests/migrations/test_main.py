"""`python -m migrations` (`make migrate`): an unreachable database is one line, not a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # nothing listens on it once the probe is closed


def test_an_unreachable_database_fails_in_one_line_naming_it_and_its_settings() -> None:
    port = closed_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"mysql://todo:todo@127.0.0.1:{port}/todobackend?connect_timeout=2",
        "MIGRATE_WAIT_SECONDS": "0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "migrations", "upgrade"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"127.0.0.1:{port}" in lines[0]
    assert "DATABASE_URL" in lines[0]
    assert "MIGRATE_WAIT_SECONDS" in lines[0]
