"""The schema: the roots, the extensions every request goes through."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

import settings
from graph.errors import (
    MaskUnexpectedErrors,
    NotFoundError,
    TidyErrors,
    TidyErrorsWithoutSuggestions,
    ValidationError,
    VersionConflictError,
)
from graph.limits import DocumentLimits, enforce
from graph.mutations import Mutation
from graph.queries import Query
from graph.subscriptions import Subscription


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log nothing here: the client's own errors are not the service's, and unexpected ones
        are logged with their traceback by MaskUnexpectedErrors."""


LIMITS = DocumentLimits(
    max_depth=settings.MAX_QUERY_DEPTH,
    max_fields=settings.MAX_QUERY_FIELDS,
    max_aliases=settings.MAX_ALIASES,
    max_directives=settings.MAX_DIRECTIVES,
)


def _extensions() -> list[type[SchemaExtension] | Callable[[], SchemaExtension]]:
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        MaskUnexpectedErrors,
        TidyErrorsWithoutSuggestions if settings.PRODUCTION else TidyErrors,
        # The token limit applies while parsing, so it comes before the parser cache.
        lambda: MaxTokensLimiter(max_token_count=settings.MAX_QUERY_TOKENS),
        # Parsing and validating a document is a large share of a small query's cost; the caches
        # live at module level, shared by the per-request extension instances.
        lambda: ParserCache(maxsize=1000),
        lambda: ValidationCache(maxsize=1000),
        enforce(LIMITS),
    ]
    if settings.PRODUCTION:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    return extensions


schema = Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    # Union members are reachable from the mutations; the interface's implementations must be
    # listed so that the exported schema has them all.
    types=[ValidationError, NotFoundError, VersionConflictError],
    extensions=_extensions(),
    config=StrawberryConfig(
        relay_use_legacy_global_id=False,
        disable_field_suggestions=settings.PRODUCTION,
        batching_config=(
            {"max_operations": settings.MAX_BATCH_OPERATIONS}
            if settings.MAX_BATCH_OPERATIONS > 0
            else None
        ),
    ),
)
