"""A client of the model test: a random mix of GraphQL and REST operations, valid and invalid,
on todos that every client shares; each answer is recorded as an acknowledged change or a
refusal, and any answer no correct service gives as a violation."""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable

from tests.acceptance.model.graphql_operations import GraphQLOperations
from tests.acceptance.model.records import History, State
from tests.acceptance.model.rest_operations import RestOperations


class Client(GraphQLOperations, RestOperations):
    """A client: its operations over GraphQL and REST, drawn at random by weight."""

    def __init__(
        self,
        url: str,
        rng: random.Random,
        known: dict[str, State],
        history: History,
        headers: dict[str, str] | None = None,
        strangers: dict[str, State] | None = None,
    ) -> None:
        super().__init__(url, rng, known, history, headers, strangers)
        self.operations: list[tuple[Callable[[], Awaitable[None]], float]] = [
            (self.create, 10),
            (self.create_invalid, 2),
            (self.rest_create, 5),
            (self.rest_create_invalid, 1),
            (self.update, 14),
            (self.update_invalid, 2),
            (self.rest_replace, 3),
            (self.rest_patch, 4),
            (self.rest_invalid, 1),
            (self.delete, 3),
            (self.rest_delete, 2),
            (self.set_completed, 2),
            (self.delete_matching, 1),
            (self.bulk_invalid, 1),
            (self.wrong_types, 1),
            (self.read, 3),
            (self.rest_read, 2),
        ]

    async def run(self, until: float, rest_deletes_all: bool) -> None:
        operations = [operation for operation, _ in self.operations]
        weights = [weight for _, weight in self.operations]
        if rest_deletes_all:
            operations.append(self.rest_delete_all)
            weights.append(0.2)  # rare: it empties the list that the others work on
        try:
            while time.monotonic() < until:
                await self.rng.choices(operations, weights)[0]()
        finally:
            await self.http.aclose()
