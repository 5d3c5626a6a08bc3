"""Every use of Strawberry's internals, in one place: the fast path does part of what Strawberry
does, so it reads the graphql-core schema Strawberry built, the definitions behind its types and
fields, and validates and converts arguments as Strawberry does. tests/graph/fast/test_internals.py
fails when the behaviour relied on here changes (a new Strawberry, or a new schema extension the
fast path would have to mirror)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    specified_rules,
)
from strawberry import relay
from strawberry.schema import BaseSchema
from strawberry.schema.schema import validate_document
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField

_DEFINITION = GraphQLCoreConverter.DEFINITION_BACKREF


def core_schema(schema: BaseSchema) -> GraphQLSchema:
    """The graphql-core schema Strawberry built."""
    core: GraphQLSchema = schema._schema  # type: ignore[attr-defined]
    return core


def validation_errors(schema: BaseSchema, document: DocumentNode) -> list[GraphQLError]:
    """The errors Strawberry's own validation finds (GraphQL's rules and Strawberry's)."""
    return validate_document(core_schema(schema), document, tuple(specified_rules))


def arguments(schema: BaseSchema, field: StrawberryField, raw: dict[str, Any]) -> dict[str, Any]:
    """A field's arguments as its resolver takes them (inputs as Strawberry types, and so on)."""
    converted: dict[str, Any] = convert_arguments(
        raw,
        field.arguments,
        scalar_registry=schema.schema_converter.scalar_registry,
        config=schema.config,
    )
    return converted


def field_definition(field: GraphQLField) -> StrawberryField | None:
    """The Strawberry field behind a graphql-core field, if Strawberry made it."""
    definition = (field.extensions or {}).get(_DEFINITION)
    return definition if isinstance(definition, StrawberryField) else None


def type_definition(named_type: GraphQLNamedType) -> Any | None:
    """The Strawberry type definition behind a graphql-core type (with its Python `origin`)."""
    definition = (named_type.extensions or {}).get(_DEFINITION)
    return definition if getattr(definition, "origin", None) is not None else None


def resolver_function(field: StrawberryField) -> Callable[..., Any] | None:
    """The plain function a field's resolver wraps (None for a field without a resolver)."""
    resolver = field.base_resolver
    function = None if resolver is None else resolver.wrapped_func
    return function if callable(function) else None


def resolves_its_own_id(origin: type[relay.Node]) -> bool:
    """Whether a relay Node type overrides how Strawberry makes its global ID."""
    return (
        origin.resolve_id.__func__ is not relay.Node.resolve_id.__func__  # type: ignore[attr-defined]
        or origin.resolve_typename.__func__ is not relay.Node.resolve_typename.__func__  # type: ignore[attr-defined]
    )


def global_id(type_name: str, node_id: str) -> str:
    """The global ID Strawberry's relay support gives a node."""
    return relay.to_base64(type_name, node_id)


# Global IDs remembered, per type: a base64 text costs more than finding it again.
GLOBAL_IDS_KEPT = 4_096


def global_id_getter(type_name: str, attribute: str) -> Callable[[Any], str]:
    """Reads a node's global ID (its type's name and its `attribute`) as Strawberry makes it."""

    # Pages show the same todos again and again; typed: 1 and True are different IDs.
    @functools.lru_cache(maxsize=GLOBAL_IDS_KEPT, typed=True)
    def encoded(node_id: Any) -> str:
        return global_id(type_name, str(node_id))

    return lambda source: encoded(getattr(source, attribute))
