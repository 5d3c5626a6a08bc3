"""How plans read a field of an object (graph/fast/plans.py): an attribute, Strawberry's relay ID,
or a resolver that needs nothing but the object; what else a field needs makes it Unplannable."""

from __future__ import annotations

import inspect
import operator
from collections.abc import Callable
from typing import Any

from graphql import GraphQLField, GraphQLNamedType, GraphQLObjectType
from strawberry import relay
from strawberry.types.field import StrawberryField

from graph.fast import internals

Getter = Callable[[Any], Any]


class Unplannable(Exception):
    """The document uses something plans do not cover."""


def getter(
    object_type: GraphQLObjectType, name: str, field: StrawberryField
) -> tuple[Getter, bool, str | None]:
    """How to read field `name` of an object, whether that returns an awaitable, and the
    attribute it reads when that is all it does."""
    if field.extensions or getattr(field, "permission_classes", None):
        raise Unplannable(f"{object_type.name}.{name} has extensions")
    origin = strawberry_type(object_type).origin
    if name == "id" and isinstance(origin, type) and issubclass(origin, relay.Node):
        return relay_id(object_type.name, origin), False, None
    resolver = field.base_resolver
    if resolver is None:
        return operator.attrgetter(field.python_name), False, field.python_name
    if resolver.arguments or resolver.info_parameter or resolver.root_parameter:
        raise Unplannable(f"{object_type.name}.{name} takes more than its object")
    if resolver.parent_parameter or not resolver.self_parameter:
        raise Unplannable(f"{object_type.name}.{name} takes more than its object")
    function = internals.resolver_function(field)
    assert function is not None
    return function, inspect.iscoroutinefunction(function), None


def relay_id(type_name: str, origin: type[relay.Node]) -> Getter:
    """Strawberry's relay `id` resolver (GlobalID of the type name and node ID), as a getter."""
    if internals.resolves_its_own_id(origin):
        raise Unplannable(f"{type_name} resolves its own ID")
    return internals.global_id_getter(type_name, origin.resolve_id_attr())


def strawberry_field(field: GraphQLField) -> StrawberryField:
    definition = internals.field_definition(field)
    if definition is None:
        raise Unplannable("a field Strawberry did not define")
    return definition


def strawberry_type(object_type: GraphQLNamedType) -> Any:
    definition = internals.type_definition(object_type)
    if definition is None:
        raise Unplannable(f"{object_type.name} is not a Strawberry type")
    return definition


def constant(value: str) -> Getter:
    return lambda _source: value
