"""The schema: the roots, the extensions every request goes through."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator

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

from graph.errors import (
    CodeRequestErrors,
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
from settings import Settings


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log nothing here: the client's own errors are not the service's, and unexpected ones
        are logged with their traceback by MaskUnexpectedErrors."""


class ParserCacheReportingErrors(ParserCache):
    """Strawberry's ParserCache, leaving a document that does not parse to Strawberry's own
    parse, which reports it as a GraphQL error: the cache's error escapes schema.stream, which
    the WebSocket and SSE transports run, so that their clients got no answer."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        with contextlib.suppress(GraphQLError):
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        yield


def limits(settings: Settings) -> DocumentLimits:
    """The limits on one document, which the plain path and the fast path both enforce."""
    return DocumentLimits(
        max_tokens=settings.max_query_tokens,
        max_depth=settings.max_query_depth,
        max_fields=settings.max_query_fields,
        max_aliases=settings.max_aliases,
        max_directives=settings.max_directives,
        max_nodes=settings.max_query_nodes,
    )


def extensions(settings: Settings) -> list[type[SchemaExtension] | Callable[[], SchemaExtension]]:
    """What every request goes through (the fast path mirrors them: graph/fast/internals.py)."""
    chosen: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        MaskUnexpectedErrors,
        TidyErrorsWithoutSuggestions if settings.production else TidyErrors,
        CodeRequestErrors,
        # The token limit applies while parsing, so it comes before the parser cache.
        functools.partial(MaxTokensLimiter, max_token_count=settings.max_query_tokens),
        # Parsing and validating a document is a large share of a small query's cost; the caches
        # live at module level, shared by the per-request extension instances.
        functools.partial(ParserCacheReportingErrors, maxsize=1000),
        functools.partial(ValidationCache, maxsize=1000),
        enforce(limits(settings)),
    ]
    if settings.production:
        chosen.append(functools.partial(AddValidationRules, [NoSchemaIntrospectionCustomRule]))
    return chosen


def build_schema(settings: Settings) -> Schema:
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        # Union members are reachable from the mutations; the interface's implementations must
        # be listed so that the exported schema has them all.
        types=[ValidationError, NotFoundError, VersionConflictError],
        extensions=extensions(settings),
        config=StrawberryConfig(
            relay_use_legacy_global_id=False,
            disable_field_suggestions=settings.production,
            batching_config=(
                {"max_operations": settings.max_batch_operations}
                if settings.max_batch_operations > 0
                else None
            ),
        ),
    )
