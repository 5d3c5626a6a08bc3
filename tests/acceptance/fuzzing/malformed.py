"""The generator of malformed requests: every family of cases, and which one each number gets."""

from __future__ import annotations

import random
from collections.abc import Callable

from tests.acceptance.fuzzing.bodies import BodyCases
from tests.acceptance.fuzzing.budget import SEED
from tests.acceptance.fuzzing.framing import FramingCases
from tests.acceptance.fuzzing.request import Request


class MalformedRequests(BodyCases, FramingCases):
    """Generators of malformed requests; `case(n)` is the same request on every run."""

    def __init__(self, sample_id: str) -> None:
        super().__init__(sample_id)
        self.kinds: list[Callable[[random.Random], Request]] = [
            self.random_bytes,
            self.garbled_json,
            self.top_level_json,
            self.wrong_types,
            self.huge_numbers,
            self.deep_nesting,
            self.invalid_utf8,
            self.byte_order_mark,
            self.not_json_content_type,
            self.get_query_string,
            self.other_method,
            self.graphql_oddities,
        ]

    def case(self, n: int) -> Request:
        rng = random.Random(f"{SEED}:malformed:{n}")
        if n % 500 == 499:  # a few bodies over the limit: 413, nothing parsed
            return self.oversized(rng)
        return rng.choice(self.kinds)(rng)
