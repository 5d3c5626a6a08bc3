"""The GraphQL-over-HTTP audit of graphql-http (its `serverAudits`, the npm package pinned in
tests/js/package-lock.json) against running servers: every audit passes in the default mode; in
production mode every one but those that need introspection, which production refuses."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from tests.acceptance.conftest import running_server
from tests.acceptance.node import JS_TESTS
from tests.databases import database_url

pytestmark = [pytest.mark.acceptance, pytest.mark.native, pytest.mark.usefixtures("node_ready")]

# The audits whose requests are `{ __type(name: $name) { name } }` queries (graphql-http's own
# choice of a query with variables): introspection, which production mode turns off.
INTROSPECTING = {"2EA1", "28B9", "D6D5", "6A70"}


def audit(url: str) -> list[dict[str, Any]]:
    result = subprocess.run(
        ["node", str(JS_TESTS / "http-audit.mjs")],
        env={**os.environ, "SERVICE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    audits: list[dict[str, Any]] = json.loads(result.stdout)
    return audits


def failed(audits: list[dict[str, Any]]) -> dict[str, str]:
    return {
        a["id"]: f"{a['status']}: {a['name']}: {a['reason']}" for a in audits if a["status"] != "ok"
    }


@pytest.fixture(scope="module", params=["default", "production"])
def mode_url(request: pytest.FixtureRequest, tmp_dir: str) -> Iterator[tuple[str, str]]:
    env = {"DATABASE_URL": database_url("sqlite", tmp_dir, f"audit_{request.param}")}
    if request.param == "production":
        env["PRODUCTION"] = "true"
    with running_server(env) as server:
        yield request.param, server.url


def test_every_graphql_over_http_audit_passes(mode_url: tuple[str, str]) -> None:
    mode, url = mode_url
    audits = audit(url)
    assert len(audits) >= 48, f"graphql-http ran only {len(audits)} audits"
    expected_failures = INTROSPECTING if mode == "production" else set()
    assert set(failed(audits)) == expected_failures, failed(audits)
