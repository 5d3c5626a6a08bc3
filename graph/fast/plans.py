"""Execution plans: a document compiled once into closures that turn resolver results into response
data directly, for the documents that use only what the plans understand (graph/fast/path.py).

A plan is made only for a valid document within the limits, one operation, no directives, and
fields that either read an attribute or call a resolver taking nothing but the parent object
(besides the root fields' arguments). Anything else raises Unplannable: the plain path serves it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    is_abstract_type,
    is_leaf_type,
    visit,
)
from graphql.language import Visitor
from strawberry.types.field import StrawberryField
from strawberry.types.graphql import OperationType as StrawberryOperationType

from graph.fast import leaves, objects, reading, written
from graph.fast.reading import Unplannable


class GiveUp(Exception):
    """A result a plan cannot complete as graphql-core would (a null in a non-null field)."""


# Fields whose resolvers are async leave (container, key, awaitable, completer) behind to fill.
Pending = list[tuple[dict[str, Any], str, Awaitable[Any], "Completer"]]
Completer = Callable[[Any, Pending], Any]
Getter = Callable[[Any], Any]


@dataclass(frozen=True)
class RootField:
    key: str
    node: FieldNode
    field: GraphQLField | None  # None for __typename
    strawberry_field: StrawberryField | None
    complete: Completer
    # A list below it the database writes (graph/fast/written.py): its form and request.
    written: tuple[written.Form, Any] | None = None


# Each root field with its resolver's arguments.
Calls = list[tuple[RootField, dict[str, Any]]]


@dataclass(frozen=True)
class Plan:
    operation: OperationDefinitionNode
    roots: tuple[RootField, ...]
    root_type_name: str
    kind: StrawberryOperationType  # the operation's type, as a request's allowed kinds name it
    # The calls made of scalar variables, by them (graph/fast/path.py).
    calls: dict[tuple[Any, ...], Calls] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )


class _Directives(Visitor):
    def enter_directive(self, node: DirectiveNode, *_: object) -> None:
        raise Unplannable("directives")


def operation_of(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        if len(operations) != 1:
            raise Unplannable("several operations and no operationName")
        return operations[0]
    for operation in operations:
        if operation.name is not None and operation.name.value == operation_name:
            return operation
    raise Unplannable("no such operation")


class Planner:
    """Compiles plans against one schema; plan() raises Unplannable for what it does not cover."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.fragments: dict[str, FragmentDefinitionNode] = {}
        self.written: list[tuple[written.Form, Any]] = []  # the current root field's

    def plan(self, document: DocumentNode, operation_name: str | None) -> Plan:
        visit(document, _Directives())
        operation = operation_of(document, operation_name)
        if operation.operation is OperationType.SUBSCRIPTION:
            raise Unplannable("subscription")
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        root_type = self.schema.get_root_type(operation.operation)
        if root_type is None:
            raise Unplannable("no root type")
        grouped = self._collect(root_type, [operation.selection_set])
        if operation.operation is OperationType.MUTATION and len(grouped) != 1:
            # One mutation per request: what a failure does to the fields after it is the plain
            # path's business.
            raise Unplannable("several mutation fields")
        roots = []
        for key, nodes in grouped.items():
            name = nodes[0].name.value
            if name == "__typename":
                roots.append(RootField(key, nodes[0], None, None, _as_is))
                continue
            field = root_type.fields.get(name)
            if field is None:  # __schema and __type: introspection is the plain path's
                raise Unplannable(name)
            strawberry_field = reading.strawberry_field(field)
            resolver = strawberry_field.base_resolver
            if resolver is None or resolver.info_parameter or resolver.parent_parameter:
                raise Unplannable(f"root field {name}")
            if resolver.root_parameter or not resolver.self_parameter:
                raise Unplannable(f"root field {name}")
            self.written = []
            complete = self._completer(field.type, nodes)
            # One request per read: a second written list of the root is completed as usual.
            first_written = self.written[0] if self.written else None
            roots.append(RootField(key, nodes[0], field, strawberry_field, complete, first_written))
        kind = StrawberryOperationType(operation.operation.value)
        return Plan(operation, tuple(roots), root_type.name, kind)

    def _collect(
        self, runtime_type: GraphQLObjectType, selection_sets: list[SelectionSetNode]
    ) -> dict[str, list[FieldNode]]:
        """The fields selected on `runtime_type`, by response key, in graphql-core's order."""
        fields: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()

        def collect(selection_set: SelectionSetNode) -> None:
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    fields.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    if condition is None or self._applies(condition.name.value, runtime_type):
                        collect(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    if name in visited:
                        continue
                    visited.add(name)
                    fragment = self.fragments[name]
                    if self._applies(fragment.type_condition.name.value, runtime_type):
                        collect(fragment.selection_set)

        for selection_set in selection_sets:
            collect(selection_set)
        return fields

    def _applies(self, type_name: str, runtime_type: GraphQLObjectType) -> bool:
        condition = self.schema.get_type(type_name)
        if condition is runtime_type:
            return True
        return is_abstract_type(condition) and self.schema.is_sub_type(condition, runtime_type)

    def _completer(self, output_type: GraphQLOutputType, nodes: list[FieldNode]) -> Completer:
        if isinstance(output_type, GraphQLNonNull):
            if is_leaf_type(output_type.of_type):  # most fields: one call for the two steps
                return leaves.required(output_type.of_type, GiveUp)
            inner = self._completer(output_type.of_type, nodes)

            def complete_non_null(value: Any, pending: Pending) -> Any:
                if value is None:
                    raise GiveUp("null in a non-null field")
                return inner(value, pending)

            return complete_non_null
        if isinstance(output_type, GraphQLList):
            item = self._completer(output_type.of_type, nodes)

            def complete_list(value: Any, pending: Pending) -> Any:
                return None if value is None else [item(each, pending) for each in value]

            return complete_list
        if is_leaf_type(output_type):
            serialize = leaves.serializer(output_type)

            def complete_leaf(value: Any, pending: Pending) -> Any:
                if value is None:
                    return None
                serialized = serialize(value)
                if serialized is None:
                    raise GiveUp("a leaf serialized to null")
                return serialized

            return complete_leaf
        selection_sets = [node.selection_set for node in nodes if node.selection_set]
        if isinstance(output_type, GraphQLObjectType):
            return self._object_completer(output_type, selection_sets)
        assert isinstance(output_type, GraphQLNamedType)
        by_class = {
            reading.strawberry_type(possible).origin: self._object_completer(
                possible, selection_sets
            )
            for possible in self.schema.get_possible_types(output_type)  # type: ignore[arg-type]
        }

        def complete_abstract(value: Any, pending: Pending) -> Any:
            if value is None:
                return None
            complete = by_class.get(type(value))
            if complete is None:
                raise GiveUp(f"no type of {output_type.name} for {type(value).__name__}")
            return complete(value, pending)

        return complete_abstract

    def _object_completer(
        self, object_type: GraphQLObjectType, selection_sets: list[SelectionSetNode]
    ) -> Completer:
        entries: list[objects.Entry] = []
        collected = self._collect(object_type, selection_sets)
        for key, nodes in collected.items():
            name = nodes[0].name.value
            if name == "__typename":
                entries.append(
                    objects.Entry(key, reading.constant(object_type.name), _as_is, False)
                )
                continue
            if nodes[0].arguments:
                raise Unplannable(f"arguments on {object_type.name}.{name}")
            field = object_type.fields.get(name)
            if field is None:
                raise Unplannable(name)
            definition = reading.strawberry_field(field)
            getter, is_async, attribute = reading.getter(object_type, name, definition)
            complete = self._completer(field.type, nodes)
            form = written.form_of(definition)
            if form is not None and not is_async:
                selected = self._leaves(field.type, nodes)
                request = None if selected is None else form.request(selected, collected)
                if request is not None:
                    self.written.append((form, request))
                    complete = written.completer(form, request, getter, complete)
                    entries.append(objects.Entry(key, _itself, complete, False))
                    continue
            exact = leaves.exact_type(field.type)
            entries.append(objects.Entry(key, getter, complete, is_async, attribute, exact))
        return objects.object_completer(entries)

    def _leaves(
        self, output_type: GraphQLOutputType, nodes: list[FieldNode]
    ) -> list[tuple[str, str]] | None:
        """For a list of objects selecting leaf fields only, (response key, field name) of each;
        otherwise None."""
        item = output_type.of_type if isinstance(output_type, GraphQLNonNull) else output_type
        if not isinstance(item, GraphQLList):
            return None
        item = item.of_type.of_type if isinstance(item.of_type, GraphQLNonNull) else item.of_type
        if not isinstance(item, GraphQLObjectType):
            return None
        selection_sets = [node.selection_set for node in nodes if node.selection_set]
        selected = []
        for key, fields in self._collect(item, selection_sets).items():
            if any(field.arguments or field.selection_set for field in fields):
                return None
            selected.append((key, fields[0].name.value))
        return selected


def _itself(source: Any) -> Any:
    return source


def _as_is(value: Any, pending: Pending) -> Any:
    return value
