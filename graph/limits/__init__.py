"""Limits on what one GraphQL document may ask, as graphql-core validation rules (rules.py) that
count the document as it will run: every fragment spread replaced by its fragment, however often.

Both paths run them (graph/schema.py through EnforceLimits, graph/fast/ before it plans), ahead of
the usual validation, and a document over a limit gets those errors alone: at most one a limit.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

from graphql import DocumentNode, GraphQLError, GraphQLSchema, ValidationRule, parse, validate
from strawberry.extensions import SchemaExtension

from graph.fast.internals import core_schema
from graph.limits.rules import BAD_USER_INPUT, RULES


@dataclass(frozen=True)
class DocumentLimits:
    max_tokens: int
    max_depth: int
    max_fields: int  # field selections, fragments expanded: a repeated one counts each time
    max_aliases: int  # aliased fields, fragments expanded
    max_directives: int  # on any one field, fragment or operation
    max_nodes: int  # objects the document can return, list sizes multiplied through the nesting

    def rules(self) -> tuple[type[ValidationRule], ...]:
        """The validation rules of these limits (the same classes for equal limits)."""
        return _rules(self)


@functools.lru_cache(maxsize=16)
def _rules(limits: DocumentLimits) -> tuple[type[ValidationRule], ...]:
    return tuple(type(rule.__name__, (rule,), {"limits": limits}) for rule in RULES)


def check(schema: GraphQLSchema, document: DocumentNode, limits: DocumentLimits) -> list[str]:
    """The messages of the limits `document` breaks (none: it is within them)."""
    return [error.message for error in validate(schema, document, limits.rules())]


@functools.lru_cache(maxsize=1000)
def verdict(schema: GraphQLSchema, query: str, limits: DocumentLimits) -> tuple[str, ...]:
    """check()'s messages for a query text, kept: the same documents come again and again (one
    that does not parse breaks none; its syntax error is reported as such)."""
    try:
        document = parse(query, max_tokens=limits.max_tokens)
    except GraphQLError:
        return ()
    return tuple(check(schema, document, limits))


class EnforceLimits(SchemaExtension):
    """Refuses a document over the limits with those errors alone, in place of the usual
    validation's (which would report each repetition of a repeated field or directive)."""

    limits: DocumentLimits

    def on_validate(self) -> Iterator[None]:
        # Runs after the (cached) validation, whose errors it replaces: ValidationCache sets them
        # whatever an earlier extension did.
        context = self.execution_context
        if context.graphql_document is not None:
            schema = core_schema(context.schema)
            if context.query is None:
                messages = tuple(check(schema, context.graphql_document, self.limits))
            else:
                messages = verdict(schema, context.query, self.limits)
            if messages:
                context.pre_execution_errors = [
                    GraphQLError(message, extensions=BAD_USER_INPUT) for message in messages
                ]
        yield


def enforce(limits: DocumentLimits) -> type[EnforceLimits]:
    """The extension class for `limits` (Strawberry makes one instance per request)."""
    return type("EnforceDocumentLimits", (EnforceLimits,), {"limits": limits})
