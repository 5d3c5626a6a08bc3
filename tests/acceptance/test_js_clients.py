"""The JavaScript clients that frontends use against the running service: Apollo Client 4 (its
normalised cache, relayStylePagination, persisted queries), urql (with its persisted exchange),
graphql-ws and graphql-sse.

The tests themselves are tests/js/*.test.mjs, run by Node's own test runner (Node 18.19 or newer)
with the packages that tests/js/package-lock.json pins: `npm ci --prefix tests/js` installs them.
"""

from __future__ import annotations

import os
import signal
import subprocess

import pytest

from tests.acceptance.conftest import Service
from tests.acceptance.node import JS_TESTS

pytestmark = pytest.mark.acceptance

TIMEOUT_SECONDS = 120


@pytest.mark.usefixtures("node_ready")
def test_apollo_urql_graphql_ws_and_graphql_sse_clients(service: Service) -> None:
    # The files by name: Node versions differ in what they make of a directory argument.
    files = sorted(str(path) for path in JS_TESTS.glob("*.test.mjs"))
    assert files, f"no *.test.mjs in {JS_TESTS}"
    command = ["node", "--test", "--test-concurrency=1", "--test-reporter=spec", *files]
    env = {**os.environ, "SERVICE_URL": service.url, "NO_COLOR": "1"}
    # jwt mode: the token, which support.mjs sends as each client sends it.
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
