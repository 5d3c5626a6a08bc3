"""web/durations.py: durations added in batches make the histogram observe() makes of them, bucket
for bucket (bounds, +Inf, zero), series for series, over several flushes."""

from __future__ import annotations

import itertools
import random

import pytest
from prometheus_client import CollectorRegistry, Histogram

from web.durations import PendingDurations
from web.metrics import BUCKETS, LABELS

KEYS = [("graphql", "Todos", "ok"), ("rest", "GET /todos", "user_error"), ("sse", "W", "error")]
ON_THE_BOUNDS = [*BUCKETS, 0.0, 10.000001, 3600.0, 0.0004, 0.00100001]


def samples(registry: CollectorRegistry) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Each sample by its name (without the metric's) and labels; `_created` left out."""
    return {
        (sample.name.rsplit("_", 1)[-1], tuple(sorted(sample.labels.items()))): sample.value
        for family in registry.collect()
        for sample in family.samples
        if not sample.name.endswith("_created")
    }


def histogram(name: str) -> tuple[CollectorRegistry, Histogram]:
    registry = CollectorRegistry()
    return registry, Histogram(name, "Durations.", LABELS, buckets=BUCKETS, registry=registry)


@pytest.mark.parametrize("seed", range(5))
def test_batches_make_what_observe_makes(seed: int) -> None:
    chance = random.Random(seed)
    durations = [chance.choice(ON_THE_BOUNDS) for _ in range(50)]
    durations += [chance.expovariate(20) for _ in range(200)]
    expected_registry, expected = histogram("expected")
    batched_registry, batched = histogram("batched")
    pending = PendingDurations(batched, BUCKETS)
    for n, seconds in enumerate(durations):
        key = chance.choice(KEYS)
        expected.labels(*key).observe(seconds)
        pending.add(key, seconds)
        if n % 37 == 0:
            pending.flush()
    pending.flush()
    got, wanted = samples(batched_registry), samples(expected_registry)
    assert got.keys() == wanted.keys()
    for sample, value in wanted.items():
        assert got[sample] == pytest.approx(value, rel=1e-12), sample
    counts = [value for (name, _), value in wanted.items() if name == "count"]
    assert sum(counts) == len(durations)


def test_nothing_reaches_the_histogram_before_a_flush() -> None:
    registry, durations = histogram("pending")
    pending = PendingDurations(durations, BUCKETS)
    for key, seconds in itertools.product(KEYS, (0.001, 0.2)):
        pending.add(key, seconds)
    assert not any(name == "count" for name, _ in samples(registry))
    pending.flush()
    counts = {
        labels: value for (name, labels), value in samples(registry).items() if name == "count"
    }
    assert sorted(counts.values()) == [2, 2, 2]
    pending.flush()  # nothing new: nothing added
    assert sum(v for (name, _), v in samples(registry).items() if name == "count") == 6
