"""Node.js for the acceptance tests that run JavaScript (tests/js/, with the packages that
tests/js/package-lock.json pins: `npm ci --prefix tests/js` installs them)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

JS_TESTS = Path(__file__).resolve().parent.parent / "js"
TIMEOUT_SECONDS = 120
# --test-concurrency (one test file at a time: they share the service) came in Node 18.19.
OLDEST_NODE = (18, 19)
INSTALL = "install Node.js 18.19+ and npm (Debian: nodejs npm), then: npm ci --prefix tests/js"


def _cannot_run() -> str | None:
    """Why the JavaScript tests cannot run here, or None."""
    node = shutil.which("node")
    if node is None:
        return "no node on PATH"
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False)
    found = re.match(r"v(\d+)\.(\d+)", version.stdout.strip())
    if found is None or (int(found[1]), int(found[2])) < OLDEST_NODE:
        return f"node {version.stdout.strip() or '(unknown version)'} is older than 18.19"
    if not (JS_TESTS / "node_modules").is_dir():
        return "tests/js/node_modules is missing"
    return None


@pytest.fixture(scope="session")
def node_ready() -> None:
    """Skips (fails under CI=true) without node or the packages, before any server starts."""
    if problem := _cannot_run():
        message = f"the JavaScript client tests cannot run: {problem}; {INSTALL}"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
