"""Request durations counted in a worker's memory and added to prometheus_client's histogram in
batches (METRICS=true, web/metrics.py). The histogram's observe() takes two locked writes to the
shared file (its sum, its bucket), about 2 µs: half of what the metrics cost a request. Here a
request costs a few additions, and the figures reach the file every FLUSH_SECONDS, and before
this worker answers /metrics.

prometheus_client has no call that adds many observations at once, so `flush` adds to the
histogram child's sum and bucket values themselves (prometheus-client 0.26.0, pinned):
tests/web/test_durations.py holds the result to what observe() makes of the same durations.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

FLUSH_SECONDS = 0.25
Key = tuple[str, ...]


class PendingDurations:
    """Durations by label values, not yet in `histogram` (whose buckets are `buckets`, +Inf
    after them)."""

    def __init__(self, histogram: Any, buckets: Sequence[float]) -> None:
        self.histogram = histogram
        self.buckets = tuple(buckets)
        self.pending: dict[Key, list[float]] = {}  # a sum, then a count per bucket and +Inf
        self.children: dict[Key, Any] = {}  # labels() looks a child up under a lock: once each

    def add(self, key: Key, seconds: float) -> None:
        pending = self.pending.get(key)
        if pending is None:
            pending = self.pending[key] = [0.0] * (len(self.buckets) + 2)
        pending[0] += seconds
        # The first bucket whose bound is at least `seconds`, as observe() picks it.
        pending[1 + bisect_left(self.buckets, seconds)] += 1

    def flush(self) -> None:
        """Adds what was counted since the last flush to the histogram (the shared file)."""
        pending, self.pending = self.pending, {}
        for key, (total, *counts) in pending.items():
            child = self.children.get(key)
            if child is None:
                child = self.children[key] = self.histogram.labels(*key)
            child._sum.inc(total)
            for bucket, count in zip(child._buckets, counts, strict=True):
                if count:
                    bucket.inc(count)
