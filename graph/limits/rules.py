"""The limits as graphql-core validation rules, each counting the document as it will run: every
fragment spread replaced by its fragment, however often it is spread. A fragment is counted once
and its count reused, so a document that would expand to millions of fields costs no more than
its text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_list_type,
)
from graphql.language import Node, Visitor, visit
from graphql.utilities import type_from_ast

from todos.listing import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

BAD_USER_INPUT = {"code": "BAD_USER_INPUT"}


class Limits(Protocol):
    max_depth: int
    max_fields: int
    max_aliases: int
    max_directives: int
    max_nodes: int


class _Limit(ValidationRule):
    """Reports one error when the document's measure is over the limit."""

    limits: Limits
    what: str  # "has {} aliases": the measure's wording

    def allowed(self) -> int:
        raise NotImplementedError

    def measure(self, document: _Document) -> int:
        raise NotImplementedError

    def enter_document(self, node: DocumentNode, *_: object) -> Any:
        found = self.measure(_Document(self, node))
        if found > self.allowed():
            message = f"The query {self.what.format(found)}; at most {self.allowed()} are allowed."
            self.report_error(GraphQLError(message, extensions=BAD_USER_INPUT))
        return Visitor.BREAK  # the whole document is measured at once


class _Document:
    """A document's operations and fragments, and a way to sum over its selections as they run."""

    def __init__(self, rule: ValidationRule, node: DocumentNode) -> None:
        self.schema = rule.context.schema
        self.node = node
        self.fragments = {
            d.name.value: d for d in node.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.operations = [d for d in node.definitions if isinstance(d, OperationDefinitionNode)]

    def fold(
        self,
        field_value: Callable[[FieldNode, Any], int],
        combine: Callable[[list[int]], int] = sum,
    ) -> Callable[[SelectionSetNode | None, Any], int]:
        """A measure of selection sets: `field_value(field, context)` for each field, combined
        through inline fragments and fragment spreads; each fragment measured once per context.
        The context is whatever the measure carries down (for most, nothing)."""
        fragment_values: dict[tuple[str, Any], int] = {}

        def measure(selection_set: SelectionSetNode | None, context: Any) -> int:
            values = []
            for selection in selection_set.selections if selection_set else ():
                if isinstance(selection, FieldNode):
                    values.append(field_value(selection, context))
                elif isinstance(selection, InlineFragmentNode):
                    values.append(measure(selection.selection_set, context))
                elif isinstance(selection, FragmentSpreadNode):
                    values.append(spread(selection.name.value, context))
            return combine(values) if values else 0

        def spread(name: str, context: Any) -> int:
            fragment = self.fragments.get(name)
            if fragment is None:
                return 0  # GraphQL's own error
            key = (name, context)
            if key not in fragment_values:
                fragment_values[key] = 0  # a cycle counts nothing more (GraphQL's own error)
                fragment_values[key] = measure(fragment.selection_set, context)
            return fragment_values[key]

        return measure

    def over_operations(
        self, measure: Callable[[SelectionSetNode | None, Any], int], combine: Any = sum
    ) -> int:
        values = [measure(operation.selection_set, None) for operation in self.operations]
        return int(combine(values)) if values else 0


class DepthLimit(_Limit):
    """The deepest chain of fields, introspection fields included."""

    what = "is nested {} fields deep"

    def allowed(self) -> int:
        return self.limits.max_depth

    def measure(self, document: _Document) -> int:
        def depth(field: FieldNode, context: Any) -> int:
            return 1 + deepest(field.selection_set, context)

        deepest = document.fold(depth, max)
        return document.over_operations(deepest, max)


class FieldLimit(_Limit):
    what = "selects {} fields"

    def allowed(self) -> int:
        return self.limits.max_fields

    def measure(self, document: _Document) -> int:
        def fields(field: FieldNode, context: Any) -> int:
            return 1 + total(field.selection_set, context)

        total = document.fold(fields)
        return document.over_operations(total)


class AliasLimit(_Limit):
    what = "has {} aliases"

    def allowed(self) -> int:
        return self.limits.max_aliases

    def measure(self, document: _Document) -> int:
        def aliases(field: FieldNode, context: Any) -> int:
            return (field.alias is not None) + total(field.selection_set, context)

        total = document.fold(aliases)
        return document.over_operations(total)


class DirectiveLimit(_Limit):
    """Directives on any one field, fragment or operation (repeating them is the attack)."""

    what = "has {} directives on one field"

    def allowed(self) -> int:
        return self.limits.max_directives

    def measure(self, document: _Document) -> int:
        most = 0

        class Counter(Visitor):
            def enter(self, node: Node, *_: object) -> None:
                nonlocal most
                most = max(most, len(getattr(node, "directives", None) or ()))

        visit(document.node, Counter())
        return most


class NodeLimit(_Limit):
    """The objects a document can return, in the manner of GitHub's API: a list field returns as
    many as its page may hold (first or last, else the default; a variable counts as the cap; a
    list outside a page as the cap), and everything below it as many times over."""

    what = "could return {} objects"

    def allowed(self) -> int:
        return self.limits.max_nodes

    def measure(self, document: _Document) -> int:
        schema = document.schema
        spreads: dict[tuple[str, Any, int], int] = {}

        def below(selection_set: SelectionSetNode | None, parent: Any, page: int) -> int:
            """The objects under a selection set on type `parent`, `page` items to a list."""
            count = 0
            for selection in selection_set.selections if selection_set else ():
                if isinstance(selection, FieldNode):
                    count += objects(selection, parent, page)
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    on = type_from_ast(schema, condition) if condition else parent
                    count += below(selection.selection_set, on or parent, page)
                elif isinstance(selection, FragmentSpreadNode):
                    count += spread(selection.name.value, parent, page)
            return count

        def spread(name: str, parent: Any, page: int) -> int:
            fragment = document.fragments.get(name)
            if fragment is None:
                return 0  # GraphQL's own error
            on = type_from_ast(schema, fragment.type_condition) or parent
            key = (name, on, page)
            if key not in spreads:
                spreads[key] = 0  # a cycle counts nothing more (GraphQL's own error)
                spreads[key] = below(fragment.selection_set, on, page)
            return spreads[key]

        def objects(field: FieldNode, parent: Any, page: int) -> int:
            definition = getattr(parent, "fields", {}).get(field.name.value)
            if definition is None:
                return 0  # __typename, introspection, or an unknown field (GraphQL's error)
            here = _page_size(field, definition) or page
            field_type = get_nullable_type(definition.type)
            named = get_named_type(field_type)
            if not is_composite_type(named):
                return 0
            each = here if is_list_type(field_type) else 1
            return each + each * below(field.selection_set, named, here)

        found = 0
        for operation in document.operations:
            root = schema.get_root_type(operation.operation)
            if root is not None:
                found += below(operation.selection_set, root, MAX_PAGE_SIZE)
        return found


def _page_size(field: FieldNode, definition: Any) -> int | None:
    """The page a paged field (one that takes first and last) asks for, capped: its first or
    last, the default without either, the cap for a variable; None for a field not paged."""
    if "first" not in definition.args and "last" not in definition.args:
        return None
    for argument in field.arguments or ():
        if argument.name.value in ("first", "last"):
            if not isinstance(argument.value, IntValueNode):
                return MAX_PAGE_SIZE  # a variable: the largest page it could be
            digits = argument.value.value  # any length: an Int out of range is refused later
            if len(digits.lstrip("-")) > len(str(MAX_PAGE_SIZE)):
                return 0 if digits.startswith("-") else MAX_PAGE_SIZE
            return max(0, min(int(digits), MAX_PAGE_SIZE))
    return DEFAULT_PAGE_SIZE


RULES: tuple[type[_Limit], ...] = (DepthLimit, FieldLimit, AliasLimit, DirectiveLimit, NodeLimit)
