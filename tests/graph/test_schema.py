"""The exported schema holds the whole contract, unchanged; it may add to it."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
)

from graph.schema import build_schema as build_service_schema
from settings import Settings

SERVED = build_service_schema(Settings()).as_str()

CONTRACT = Path(__file__).parent.parent / "contract" / "schema.graphql"


def differences(contract: GraphQLSchema, served: GraphQLSchema) -> list[str]:
    found = []
    for name, wanted in contract.type_map.items():
        if name.startswith("__"):
            continue
        have = served.type_map.get(name)
        if have is None or type(have) is not type(wanted):
            found.append(f"type {name} is missing or of another kind")
            continue
        if isinstance(wanted, GraphQLEnumType):
            assert isinstance(have, GraphQLEnumType)
            found += [f"{name}.{v}" for v in wanted.values if v not in have.values]
        if isinstance(wanted, GraphQLUnionType):
            assert isinstance(have, GraphQLUnionType)
            members = {member.name for member in have.types}
            found += [f"{name} | {m.name}" for m in wanted.types if m.name not in members]
        if isinstance(wanted, GraphQLObjectType | GraphQLInterfaceType):
            assert isinstance(have, GraphQLObjectType | GraphQLInterfaceType)
            interfaces = {interface.name for interface in have.interfaces}
            found += [
                f"{name} implements {i.name}" for i in wanted.interfaces if i.name not in interfaces
            ]
        if isinstance(wanted, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            assert isinstance(
                have, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType
            )
            for field_name, field in wanted.fields.items():
                served_field = have.fields.get(field_name)
                if served_field is None or str(served_field.type) != str(field.type):
                    found.append(f"{name}.{field_name}: {field.type}")
                    continue
                for arg_name, arg in getattr(field, "args", {}).items():
                    served_arg = served_field.args.get(arg_name)
                    if served_arg is None or str(served_arg.type) != str(arg.type):
                        found.append(f"{name}.{field_name}({arg_name}: {arg.type})")
    return found


def test_exported_schema_contains_the_contract() -> None:
    contract = build_schema(CONTRACT.read_text())
    served = build_schema(SERVED)
    assert differences(contract, served) == []


def test_the_check_finds_a_difference() -> None:
    contract = build_schema(CONTRACT.read_text())
    changed = build_schema(SERVED.replace("todoStats: TodoStats!", "todoStats: TodoStats"))
    assert differences(contract, changed) == ["Query.todoStats: TodoStats!"]
