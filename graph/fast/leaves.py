"""How plans complete leaf fields (graph/fast/plans.py): graphql-core's scalar serializers,
short-cut for the values they return as they are, which are nearly all of a list's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLID,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLOutputType,
    GraphQLString,
)

INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def serializer(leaf: GraphQLLeafType) -> Callable[[Any], Any]:
    """`leaf.serialize`, or a function returning the same: a str, bool or 32-bit int of the
    leaf's own type (a str for an ID) goes through as it is (graphql-core returns those
    unchanged)."""
    serialize = leaf.serialize
    if leaf is GraphQLString or leaf is GraphQLID:
        return lambda value: value if type(value) is str else serialize(value)
    if leaf is GraphQLBoolean:
        return lambda value: value if type(value) is bool else serialize(value)
    if leaf is GraphQLInt:
        return lambda value: (
            value if type(value) is int and INT_MIN <= value <= INT_MAX else serialize(value)
        )
    return serialize


def required(
    leaf: GraphQLLeafType, give_up: Callable[[str], Exception]
) -> Callable[[Any, Any], Any]:
    """The completer of a non-null leaf: its value serialized, or `give_up` on a null."""
    serialize = serializer(leaf)

    def complete_required_leaf(value: Any, pending: Any) -> Any:
        serialized = None if value is None else serialize(value)
        if serialized is None:
            raise give_up("null in a non-null field")
        return serialized

    return complete_required_leaf


# The non-null leaves whose values of exactly these types graphql-core returns unchanged.
EXACT: dict[object, type] = {GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool}


def exact_type(output_type: GraphQLOutputType) -> type | None:
    """For a non-null String, ID or Boolean, the type whose values complete as they are."""
    if not isinstance(output_type, GraphQLNonNull):
        return None
    return EXACT.get(output_type.of_type)
