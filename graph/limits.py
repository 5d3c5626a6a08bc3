"""Limits on what one GraphQL document may ask, checked before the usual validation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    visit,
)
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

BAD_USER_INPUT = {"code": "BAD_USER_INPUT"}


@dataclass(frozen=True)
class DocumentLimits:
    max_depth: int
    max_fields: int  # field selections in the whole document, repeated ones included
    max_aliases: int
    max_directives: int  # on any one field, fragment or operation


def _depth(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    visiting: frozenset[str] = frozenset(),
) -> int:
    """The deepest chain of fields below `selection_set`, introspection fields included."""
    if selection_set is None:
        return 0
    deepest = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            deepest = max(deepest, 1 + _depth(selection.selection_set, fragments, visiting))
        elif isinstance(selection, InlineFragmentNode):
            deepest = max(deepest, _depth(selection.selection_set, fragments, visiting))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in visiting:  # cycles are GraphQL's own error
                inner = _depth(fragment.selection_set, fragments, visiting | {name})
                deepest = max(deepest, inner)
    return deepest


class _Counter(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.fields = 0
        self.aliases = 0
        self.most_directives = 0

    def enter(self, node: Node, *_: object) -> None:
        if isinstance(node, FieldNode):
            self.fields += 1
            self.aliases += node.alias is not None
        directives: tuple[DirectiveNode, ...] | None = getattr(node, "directives", None)
        if directives:
            self.most_directives = max(self.most_directives, len(directives))


def check(document: DocumentNode, limits: DocumentLimits) -> Iterator[GraphQLError]:
    """The limits `document` breaks: at most one error for each kind of limit."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    depth = max(
        (
            _depth(definition.selection_set, fragments)
            for definition in document.definitions
            if isinstance(definition, OperationDefinitionNode)
        ),
        default=0,
    )
    if depth > limits.max_depth:
        yield GraphQLError(
            f"The query is nested {depth} fields deep; at most {limits.max_depth} are allowed.",
            extensions=BAD_USER_INPUT,
        )
    counter = _Counter()
    visit(document, counter)
    if counter.fields > limits.max_fields:
        yield GraphQLError(
            f"The query selects {counter.fields} fields; at most {limits.max_fields} are allowed.",
            extensions=BAD_USER_INPUT,
        )
    if counter.aliases > limits.max_aliases:
        yield GraphQLError(
            f"The query has {counter.aliases} aliases; at most {limits.max_aliases} are allowed.",
            extensions=BAD_USER_INPUT,
        )
    if counter.most_directives > limits.max_directives:
        yield GraphQLError(
            f"A field has {counter.most_directives} directives; at most "
            f"{limits.max_directives} are allowed.",
            extensions=BAD_USER_INPUT,
        )


class EnforceLimits(SchemaExtension):
    """Refuses a document over the limits with those errors alone, in place of the usual
    validation's (which would report each repetition of a repeated field or directive)."""

    limits: DocumentLimits

    def on_validate(self) -> Iterator[None]:
        # Runs after the (cached) validation, whose errors it replaces: ValidationCache sets them
        # whatever an earlier extension did.
        document = self.execution_context.graphql_document
        if document is not None:
            messages = _verdict(self.execution_context.query, document, self.limits)
            if messages:
                self.execution_context.pre_execution_errors = [
                    GraphQLError(message, extensions=BAD_USER_INPUT) for message in messages
                ]
        yield


# The same documents come again and again: their verdicts are kept, as ValidationCache keeps
# their validation, by query text (bounded: cleared when full).
_VERDICTS: dict[tuple[str, DocumentLimits], tuple[str, ...]] = {}
_VERDICTS_KEPT = 1_000


def _verdict(query: str | None, document: DocumentNode, limits: DocumentLimits) -> tuple[str, ...]:
    """The messages of the limits `document` breaks (none: within them)."""
    if query is None:
        return tuple(error.message for error in check(document, limits))
    key = (query, limits)
    if key not in _VERDICTS:
        if len(_VERDICTS) >= _VERDICTS_KEPT:
            _VERDICTS.clear()
        _VERDICTS[key] = tuple(error.message for error in check(document, limits))
    return _VERDICTS[key]


def enforce(limits: DocumentLimits) -> type[EnforceLimits]:
    """The extension class for `limits` (Strawberry makes one instance per request)."""
    return type("EnforceDocumentLimits", (EnforceLimits,), {"limits": limits})
