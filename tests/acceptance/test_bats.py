"""The book's bats acceptance cases (todobackend.bats), run by Debian's bats against the service."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.acceptance.conftest import Service

pytestmark = pytest.mark.acceptance

BATS_FILE = Path(__file__).with_name("todobackend.bats")
TOOLS = ("bats", "curl", "jq")
INSTALL = "apt-get install -y --no-install-recommends bats curl jq"
TIMEOUT_SECONDS = 120


@pytest.fixture(scope="session")
def tools() -> None:
    """bats, curl and jq on PATH; without them skipped, except under CI=true, where it fails."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"{', '.join(missing)} missing: {INSTALL}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true needs the bats tests: {message}")
        pytest.skip(message)


@pytest.mark.usefixtures("tools")
def test_the_books_bats_cases_pass(service: Service, tmp_path: Path) -> None:
    env = {**os.environ, "SERVICE_URL": service.url}
    if service.headers:
        # jwt mode: every curl of the book's cases sends the token, from curl's own config file.
        lines = [f'header = "{name}: {value}"' for name, value in service.headers.items()]
        (tmp_path / ".curlrc").write_text("\n".join(lines) + "\n")
        env["CURL_HOME"] = str(tmp_path)
    result = subprocess.run(
        ["bats", "--tap", str(BATS_FILE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    print(result.stdout, result.stderr, sep="\n")  # shown by pytest when the test fails
    assert result.returncode == 0, f"bats failed:\n{result.stdout}\n{result.stderr}"
