"""What graph/fast/internals.py relies on in Strawberry, checked: when a Strawberry release or a
new schema extension changes it, these fail, before the fast path answers differently."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import strawberry
from graphql import GraphQLObjectType, parse
from strawberry import relay

from graph.fast import internals
from graph.schema import build_schema
from graph.types import Todo
from settings import Settings

# What every request goes through on the plain path, and how the fast path does the same: masked
# and tidied errors (graph.errors.finish_errors), the token limit (it parses with max_tokens),
# the limits (graph.limits.check), the caches (its plans stand in for them), and in production
# no introspection (it never plans __schema or __type), and the request errors' codes (it serves
# no document that fails to parse or validate, nor variables that do not fit: the plain path
# does). A new extension must be mirrored there.
MIRRORED = [
    "MaskUnexpectedErrors",
    "TidyErrors",
    "CodeRequestErrors",
    "MaxTokensLimiter",
    "ParserCacheReportingErrors",
    "ValidationCache",
    "EnforceDocumentLimits",
]


def names(extensions: Sequence[Any]) -> list[str]:
    made = [e.func if isinstance(e, functools.partial) else e for e in extensions]
    return [e.__name__ for e in made]


def test_the_schema_extensions_are_the_ones_the_fast_path_mirrors() -> None:
    assert names(build_schema(Settings()).extensions) == MIRRORED
    production = names(build_schema(Settings(production=True)).extensions)
    assert production == [
        "MaskUnexpectedErrors", "TidyErrorsWithoutSuggestions", *MIRRORED[2:], "AddValidationRules",
    ]  # fmt: skip


def test_the_definitions_behind_the_core_schema() -> None:
    schema = build_schema(Settings())
    core = internals.core_schema(schema)
    query = core.get_type("Query")
    assert isinstance(query, GraphQLObjectType)
    todos = internals.field_definition(query.fields["todos"])
    assert todos is not None
    assert todos.base_resolver is not None
    todo_type = core.get_type("Todo")
    assert isinstance(todo_type, GraphQLObjectType)
    definition = internals.type_definition(todo_type)
    assert definition is not None
    assert definition.origin is Todo
    title = internals.field_definition(todo_type.fields["title"])
    assert title is not None
    assert internals.resolver_function(title) is None  # an attribute, read as such
    connection = core.get_type("TodoConnection")
    assert isinstance(connection, GraphQLObjectType)
    nodes = internals.field_definition(connection.fields["nodes"])
    assert nodes is not None
    assert internals.resolver_function(nodes) is not None


def test_arguments_are_converted_as_strawberry_converts_them() -> None:
    schema = build_schema(Settings())
    query = internals.core_schema(schema).get_type("Query")
    assert isinstance(query, GraphQLObjectType)
    todos = internals.field_definition(query.fields["todos"])
    assert todos is not None
    converted = internals.arguments(schema, todos, {"first": 3, "filter": {"completed": True}})
    assert converted["first"] == 3
    assert converted["filter"].completed is True  # a Strawberry input object


def test_validation_is_strawberrys() -> None:
    schema = build_schema(Settings())
    assert internals.validation_errors(schema, parse("{ todoStats { total } }")) == []
    [error] = internals.validation_errors(schema, parse("{ nope }"))
    assert "nope" in error.message


def test_relay_ids_are_strawberrys() -> None:
    assert internals.global_id("Todo", "7") == str(relay.GlobalID("Todo", "7"))
    assert not internals.resolves_its_own_id(Todo)

    @strawberry.type
    class Custom(relay.Node):
        id: relay.NodeID[int]

        @classmethod
        def resolve_id(cls, root: Any, *, info: Any) -> str:
            return "mine"

    assert internals.resolves_its_own_id(Custom)
