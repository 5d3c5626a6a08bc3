"""The schema: the roots, the extensions every request goes through."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from graph.errors import MaskUnexpectedErrors, NotFoundError, ValidationError, VersionConflictError
from graph.mutations import Mutation
from graph.queries import Query
from graph.subscriptions import Subscription


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log nothing here: the client's own errors are not the service's, and unexpected ones
        are logged with their traceback by MaskUnexpectedErrors."""


schema = Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    # Union members are reachable from the mutations; the interface's implementations must be
    # listed so that the exported schema has them all.
    types=[ValidationError, NotFoundError, VersionConflictError],
    extensions=[
        MaskUnexpectedErrors,
        # Parsing and validating a document is a large share of a small query's cost; the caches
        # live at module level, shared by the per-request extension instances.
        lambda: ParserCache(maxsize=1000),
        lambda: ValidationCache(maxsize=1000),
    ],
    config=StrawberryConfig(relay_use_legacy_global_id=False),
)
