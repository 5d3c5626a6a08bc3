"""The model-based concurrent test, CI-sized, on each configuration the service runs in: SQLite;
MariaDB with one worker; MariaDB with two workers and Redis; MariaDB in AUTH_MODE=jwt with two
users racing (`make soak` runs it for longer)."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator

import pytest

from tests.acceptance.model.run import CONFIGURATIONS, configured_service, run_users

pytestmark = [pytest.mark.acceptance, pytest.mark.native]

SECONDS = float(os.environ.get("MODEL_SECONDS", "15"))


@pytest.fixture(params=CONFIGURATIONS)
def configured(
    request: pytest.FixtureRequest, tmp_dir: str
) -> Iterator[tuple[str, list[dict[str, str]]]]:
    with configured_service(request.param, tmp_dir) as (url, users):
        yield url, users


async def test_every_answer_agrees_with_one_true_history(
    configured: tuple[str, list[dict[str, str]]],
) -> None:
    url, users = configured
    seed = int(os.environ.get("MODEL_SEED", random.randrange(10**9)))
    print(f"model test seed: {seed} (MODEL_SEED={seed} replays its choices)")
    # Two users share the load of one: each runs half the clients.
    clients = 8 // len(users)
    for report in await run_users(url, users, seed=seed, seconds=SECONDS, clients=clients):
        print(report.summary())
        assert report.violations == [], f"{report.summary()}\n" + "\n".join(report.violations[:20])
        # The load did what it is for: many changes of every kind, refusals, resumed
        # subscriptions.
        assert report.acknowledged > 100
        assert report.refused > 10
        assert report.resumes > 0
