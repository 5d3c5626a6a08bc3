"""The JavaScript clients that frontends use, urql and graphql-ws, against the running service.

The tests themselves are tests/js/*.test.mjs, run by Node's own test runner (Node 18.19 or newer)
with the packages that tests/js/package-lock.json pins: `npm ci --prefix tests/js` installs them.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from tests.acceptance.conftest import Service

pytestmark = pytest.mark.acceptance

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


def test_urql_and_graphql_ws_clients(node_ready: None, service: Service) -> None:
    # The files by name: Node versions differ in what they make of a directory argument.
    files = sorted(str(path) for path in JS_TESTS.glob("*.test.mjs"))
    assert files, f"no *.test.mjs in {JS_TESTS}"
    command = ["node", "--test", "--test-concurrency=1", "--test-reporter=spec", *files]
    env = {**os.environ, "SERVICE_URL": service.url, "NO_COLOR": "1"}
    # jwt mode: the token, which support.mjs sends as urql and graphql-ws clients send it.
    authorization = service.headers.get("Authorization", "")
    env["SERVICE_TOKEN"] = authorization.removeprefix("Bearer ")
    # A session of its own, so that a timeout ends the runner's per-file processes too.
    with subprocess.Popen(
        command,
        cwd=JS_TESTS,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    ) as node:
        try:
            output, _ = node.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(node.pid, signal.SIGKILL)
            output, _ = node.communicate()
            pytest.fail(f"node --test ran over {TIMEOUT_SECONDS} s:\n{output}", pytrace=False)
    if node.returncode != 0:
        pytest.fail(f"node --test exited with {node.returncode}:\n{output}", pytrace=False)
