"""The model-based concurrent test, CI-sized, on each configuration the service runs in: SQLite;
MariaDB with one worker; MariaDB with two workers and Redis (`make soak` runs it for longer)."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator

import pytest

from tests.acceptance.model.run import CONFIGURATIONS, configured_service, run_model

pytestmark = [pytest.mark.acceptance, pytest.mark.native]

SECONDS = float(os.environ.get("MODEL_SECONDS", "15"))


@pytest.fixture(params=CONFIGURATIONS)
def configured_url(request: pytest.FixtureRequest, tmp_dir: str) -> Iterator[str]:
    with configured_service(request.param, tmp_dir) as url:
        yield url


async def test_every_answer_agrees_with_one_true_history(configured_url: str) -> None:
    seed = int(os.environ.get("MODEL_SEED", random.randrange(10**9)))
    print(f"model test seed: {seed} (MODEL_SEED={seed} replays its choices)")
    report = await run_model(configured_url, seed=seed, seconds=SECONDS)
    print(report.summary())
    assert report.violations == [], f"{report.summary()}\n" + "\n".join(report.violations[:20])
    # The load did what it is for: many changes of every kind, refusals, resumed subscriptions.
    assert report.acknowledged > 100
    assert report.refused > 10
    assert report.resumes > 0
