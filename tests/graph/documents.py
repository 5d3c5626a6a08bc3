"""Random GraphQL requests over the whole read and write API, for the differential test of the fast
path (test_fast.py): selections with aliases, repeats, fragments and __typename; arguments as
literals or variables, valid and not."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any

TODO_FIELDS = ("id", "title", "completed", "order", "version", "createdAt", "updatedAt")
PAGE_INFO_FIELDS = ("hasNextPage", "hasPreviousPage", "startCursor", "endCursor")
SORT_FIELDS = ("ORDER", "TITLE", "CREATED_AT", "UPDATED_AT")
WORDS = ("café", "CAFE", "milk", "ß", "ss", "%", "_", "\\", "Ω", "", "zz", "a")


@dataclass
class Request:
    query: str
    variables: dict[str, Any] = field(default_factory=dict)
    operation_name: str | None = None
    raw: dict[str, Any] | None = None  # a body sent as it is, for malformed requests

    def body(self) -> bytes:
        if self.raw is not None:
            return json.dumps(self.raw).encode()
        payload: dict[str, Any] = {"query": self.query, "variables": self.variables}
        if self.operation_name is not None:
            payload["operationName"] = self.operation_name
        return json.dumps(payload).encode()


class Documents:
    """Builds requests; `ids` and `cursors` are what earlier responses showed (known to exist)."""

    def __init__(self, rng: random.Random, ids: list[str], cursors: list[str]) -> None:
        self.rng = rng
        self.ids = ids
        self.cursors = cursors
        self.fragments: dict[str, str] = {}
        self.aliases = 0

    def _key(self, name: str) -> str:
        # An alias now and then, sometimes the field's own name (a harmless repeat).
        if self.rng.random() < 0.2:
            self.aliases += 1
            alias = name if self.rng.random() < 0.3 else f"a{self.aliases}"
            return f"{alias}: {name}"
        return name

    def todo_selection(self, type_name: str = "Todo") -> str:
        chosen = self.rng.sample(TODO_FIELDS, self.rng.randint(1, len(TODO_FIELDS)))
        parts = [self._key(name) for name in chosen]
        if self.rng.random() < 0.3:
            parts.append("__typename")
        if self.rng.random() < 0.2:
            parts.append(self.rng.choice(TODO_FIELDS))  # the same field twice
        roll = self.rng.random()
        if roll < 0.2:
            name = f"F{len(self.fragments)}"
            self.fragments[name] = f"fragment {name} on {type_name} {{ {' '.join(parts)} }}"
            return f"...{name}"
        if roll < 0.35:
            return f"... on {type_name} {{ {' '.join(parts)} }}"
        return " ".join(parts)

    def connection_selection(self) -> str:
        parts = []
        if self.rng.random() < 0.7:
            parts.append(f"{self._key('nodes')} {{ {self.todo_selection()} }}")
        if self.rng.random() < 0.5:
            inner = []
            if self.rng.random() < 0.8:
                inner.append("cursor")
            if self.rng.random() < 0.8 or not inner:
                inner.append(f"node {{ {self.todo_selection()} }}")
            parts.append(f"{self._key('edges')} {{ {' '.join(inner)} }}")
        if self.rng.random() < 0.6:
            fields = self.rng.sample(PAGE_INFO_FIELDS, self.rng.randint(1, 4))
            parts.append(f"pageInfo {{ {' '.join(fields)} }}")
        if self.rng.random() < 0.4 or not parts:
            parts.append(self._key("totalCount"))
        if self.rng.random() < 0.2:
            parts.append("__typename")
        return " ".join(parts)

    def list_arguments(self) -> dict[str, Any]:
        rng = self.rng
        arguments: dict[str, Any] = {}
        size = rng.choice([None, 0, 1, 2, 3, 10, 100, 150, -1])
        if size is not None:
            arguments["last" if rng.random() < 0.3 else "first"] = size
        if rng.random() < 0.05:
            arguments["first"], arguments["last"] = 2, 2  # refused: both
        if rng.random() < 0.5:
            the_filter: dict[str, Any] = {}
            if rng.random() < 0.6:
                the_filter["completed"] = rng.random() < 0.5
            if rng.random() < 0.5:
                the_filter["titleContains"] = rng.choice(WORDS)
            arguments["filter"] = the_filter
        if rng.random() < 0.5:
            fields = rng.sample(SORT_FIELDS, rng.randint(1, 3))
            arguments["sort"] = [
                {"field": name, "direction": rng.choice(["ASC", "DESC"])} for name in fields
            ]
        if self.cursors and rng.random() < 0.4:
            cursor = rng.choice(self.cursors)
            arguments["before" if "last" in arguments else "after"] = cursor
        elif rng.random() < 0.05:
            arguments["after"] = "not-a-cursor"
        return arguments

    def query(self) -> Request:
        self.fragments = {}
        rng = self.rng
        roots = []
        variables: dict[str, Any] = {}
        definitions: list[str] = []
        for index in range(rng.choice([1, 1, 1, 2, 3])):
            kind = rng.choice(["todos", "todos", "todos", "todo", "node", "stats", "typename"])
            key = f"r{index}: " if index else ""
            if kind == "todos":
                arguments = self.list_arguments()
                if rng.random() < 0.5:
                    text = ", ".join(f"{k}: {_literal(v)}" for k, v in arguments.items())
                else:
                    names = {"filter": "TodoFilter", "sort": "[TodoSort!]", "after": "String"}
                    names |= {"before": "String", "first": "Int", "last": "Int"}
                    text = ", ".join(f"{k}: ${k}{index}" for k in arguments)
                    definitions += [f"${k}{index}: {names[k]}" for k in arguments]
                    variables |= {f"{k}{index}": v for k, v in arguments.items()}
                call = f"todos({text})" if text else "todos"
                roots.append(f"{key}{call} {{ {self.connection_selection()} }}")
            elif kind in ("todo", "node"):
                the_id = rng.choice([*self.ids[:5], "VG9kbzo5OTk5OTk=", "bad", "VXNlcjox"])
                definitions.append(f"$id{index}: ID!")
                variables[f"id{index}"] = the_id
                inner = self.todo_selection()
                if kind == "node":
                    inner = f"__typename id ... on Todo {{ {inner} }}"
                roots.append(f"{key}{kind}(id: $id{index}) {{ {inner} }}")
            elif kind == "stats":
                fields = rng.sample(
                    ["total", "completed", "active", "__typename"], rng.randint(1, 4)
                )
                roots.append(f"{key}todoStats {{ {' '.join(fields)} }}")
            else:
                roots.append(f"{key}__typename")
        header = f"query Q({', '.join(definitions)})" if definitions else "query Q"
        document = " ".join([f"{header} {{ {' '.join(roots)} }}", *self.fragments.values()])
        return Request(document, variables, "Q" if rng.random() < 0.5 else None)

    def mutation(self) -> Request:
        self.fragments = {}
        rng = self.rng
        todo = self.todo_selection()
        errors = "... on UserError { message } ... on ValidationError { field }"
        the_id = rng.choice([*self.ids[:3], "VG9kbzo5OTk5OTk=", "bad"])
        kind = rng.choice(["create", "update", "delete", "set", "clear"])
        if kind == "create":
            title = rng.choice(["Walk the dog", "  Café ÉCLAIRS  ", "", " ", "x" * 257, "Ω\u0301"])
            fields: dict[str, Any] = {"title": title}
            if rng.random() < 0.5:
                fields["order"] = rng.choice([None, 0, 5, -3, 2**31 - 1])
            if rng.random() < 0.3:
                fields["completed"] = rng.random() < 0.5
            call = "createTodo(input: $input)"
            definitions = "$input: CreateTodoInput!"
            variables: dict[str, Any] = {"input": fields}
            selection = f"__typename ... on Todo {{ {todo} }} {errors}"
        elif kind == "update":
            changes: dict[str, Any] = {}
            for name, values in (
                ("title", ["New title", "", None]),
                ("completed", [True, False, None]),
                ("order", [1, None, 7]),
                ("expectedVersion", [1, 2]),
            ):
                if rng.random() < 0.4:
                    changes[name] = rng.choice(values)
            call = "updateTodo(id: $id, input: $input)"
            definitions = "$id: ID!, $input: UpdateTodoInput!"
            variables = {"id": the_id, "input": changes}
            current = f"... on VersionConflictError {{ current {{ {self.todo_selection()} }} }}"
            selection = f"__typename ... on Todo {{ {todo} }} {errors} {current}"
        elif kind == "delete":
            call = "deleteTodo(id: $id, expectedVersion: $version)"
            definitions = "$id: ID!, $version: Int"
            variables = {"id": the_id, "version": rng.choice([None, 1, 3])}
            selection = "__typename ... on DeletedTodo { id } ... on UserError { message }"
        else:
            the_filter = {"completed": rng.random() < 0.5} if rng.random() < 0.5 else None
            definitions, variables = "$filter: TodoFilter", {"filter": the_filter}
            if kind == "set":
                call = "setTodosCompleted(completed: true, filter: $filter)"
                selection = f"affectedCount todos {{ {todo} }}"
            else:
                call = "deleteTodos(filter: $filter)"
                selection = "affectedCount deletedIds __typename"
        document = f"mutation M({definitions}) {{ {call} {{ {selection} }} }}"
        return Request(" ".join([document, *self.fragments.values()]), variables, "M")


def _literal(value: Any) -> str:
    """A GraphQL literal for a JSON-like value (enum names for the sort's strings)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, str) and value in (*SORT_FIELDS, "ASC", "DESC"):
        return value
    return json.dumps(value)
