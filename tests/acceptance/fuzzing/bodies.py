"""Malformed requests, by what their JSON body holds: random bytes, garbled or unexpected JSON,
values of the wrong type, huge numbers, deep nesting, and odd GraphQL in well-formed JSON."""

from __future__ import annotations

import json
import random
from typing import Any

from tests.acceptance.fuzzing.corpus import HUGE_NUMBERS, JSON_VALUES, SUBSCRIPTION, global_id
from tests.acceptance.fuzzing.request import Request, RequestMaker, as_json, json_type


class BodyCases(RequestMaker):
    """The generators of bad or odd JSON bodies."""

    def random_bytes(self, rng: random.Random) -> Request:
        content = rng.randbytes(rng.choice([0, 1, 2, 16, 200, 3000]))
        return Request("random bytes", content=content, headers=json_type(rng))

    def garbled_json(self, rng: random.Random) -> Request:
        # Of queries only: a garbled mutation may well stay valid, and be carried out rightly.
        content = bytearray(as_json(self.query(rng)))
        for _ in range(rng.randint(1, 5)):
            at = rng.randrange(len(content) + 1)
            operation = rng.randrange(5)
            if operation == 0:
                del content[at:]
            elif operation == 1:
                del content[at : at + rng.randint(1, 8)]
            elif operation == 2:
                content[at:at] = bytes([rng.randrange(256)])
            elif operation == 3:
                content[at:at] = rng.choice([b'"', b"{", b"}", b"[", b"]", b",", b":", b"\\"])
            else:
                content[at:at] = content[at : at + rng.randint(1, 30)]
        return Request("garbled JSON", content=bytes(content), headers=json_type(rng))

    def top_level_json(self, rng: random.Random) -> Request:
        mutation = self.destructive(rng)
        value = rng.choice(
            [
                *(as_json(value) for value in JSON_VALUES if not isinstance(value, dict)),
                as_json([mutation]),
                as_json([mutation] * 3),
                as_json([self.query(rng), mutation]),
                as_json(json.dumps(mutation)),  # the object, as a JSON string
                rng.choice(HUGE_NUMBERS).encode(),
                b"",
                b" ",
                b"\x00",
            ]
        )
        return Request("top-level JSON", content=value, headers=json_type(rng), must_refuse=True)

    def wrong_types(self, rng: random.Random) -> Request:
        body = self.destructive(rng)
        key = rng.choice(["query", "variables", "operationName", "extensions"])
        wrong: dict[str, list[Any]] = {
            "query": [1, 1.5, True, [], [body["query"]], {"query": body["query"]}],
            "variables": [1, True, "x", json.dumps(body["variables"]), [], [body["variables"]]],
            "operationName": [1, True, [], ["U"], {}, {"name": "U"}, "NoSuchOperation"],
            "extensions": [1, True, "x", [], [{}]],
        }
        body[key] = rng.choice(wrong[key])
        label = f"wrong type for {key}"
        return Request(label, content=as_json(body), headers=json_type(rng), must_refuse=True)

    def huge_numbers(self, rng: random.Random) -> Request:
        number = rng.choice(HUGE_NUMBERS)
        choice = rng.randrange(5)
        if choice == 0:  # as a variable's value, raw JSON
            query = "query L($n: Int) { todos(first: $n) { totalCount } }"
            content = b'{"query": "%s", "variables": {"n": %s}}' % (query.encode(), number.encode())
        elif choice == 1:  # an unused variable, or in extensions
            where = rng.choice([b"variables", b"extensions"])
            content = b'{"query": "{ __typename }", "%s": {"x": [%s]}}' % (where, number.encode())
        elif choice == 2:  # a literal in the document
            literal = number if number[0].isdigit() or number[0] == "-" else "1"
            query = f"{{ todos(first: {literal}) {{ totalCount }} }}"
            content = as_json({"query": query})
        elif choice == 3:  # in a global ID
            query = "query O($i: ID!) { todo(id: $i) { id } }"
            content = as_json({"query": query, "variables": {"i": global_id(number)}})
        else:  # in a mutation that must be refused: orders are 32-bit
            digits = number.lstrip("-")
            literal = number if digits.isdigit() and len(digits) > 10 else "1" + "0" * 12
            create = f'createTodo(input: {{title: "big", order: {literal}}})'
            query = f"mutation {{ {create} {{ __typename }} }}"
            content = as_json({"query": query})
            return Request("huge number", content=content, headers=json_type(rng), must_refuse=True)
        return Request("huge number", content=content, headers=json_type(rng))

    def deep_nesting(self, rng: random.Random) -> Request:
        depth = rng.choice([64, 500, 990, 1200, 5000, 100_000])
        choice = rng.randrange(5)
        if choice == 0:  # the whole body
            content = b"[" * depth + b"]" * depth if rng.random() < 0.5 else b'{"a":' * depth
        elif choice == 1:  # in variables or extensions
            where = rng.choice([b"variables", b"extensions"])
            nested = b'{"a":' * depth + b"1" + b"}" * depth
            content = b'{"query": "{ __typename }", "%s": {"x": %s}}' % (where, nested)
        elif choice == 2:  # a variable the document uses
            query = "query L($f: TodoFilter) { todos(filter: $f) { totalCount } }"
            nested = b'{"titleContains":' * depth + b'"x"' + b"}" * depth
            content = b'{"query": "%s", "variables": {"f": %s}}' % (query.encode(), nested)
        elif choice == 3:  # selections
            inner = "todos { nodes { " * min(depth, 700) + "id" + " } }" * min(depth, 700)
            content = as_json({"query": f"{{ {inner} }}"})
        else:  # list and object literals
            literal = "[" * min(depth, 2000) + '"x"' + "]" * min(depth, 2000)
            query = f"{{ todos(filter: {{titleContains: {literal}}}) {{ totalCount }} }}"
            content = as_json({"query": query})
        return Request("deep nesting", content=content, headers=json_type(rng))

    def graphql_oddities(self, rng: random.Random) -> Request:
        """Valid JSON, odd GraphQL: what a parser or validator may choke on."""
        query = rng.choice(
            [
                SUBSCRIPTION,
                "",
                " ",
                "#",
                "{",
                "}",
                "query",
                "{ __schema { types { name } } }",
                '{ __type(name: "Todo") { fields { name } } }',
                '{ todos(filter: {titleContains: "\\u0000\\ud800"}) { totalCount } }',
                '{ todos(filter: {titleContains: """' + "x" * 5000 + '"""}) { totalCount } }',
                "{ todos(first: -1) { totalCount } }",
                "{ todos(first: 1, last: 1) { totalCount } }",
                '{ todos(after: "' + "A" * 3000 + '") { totalCount } }',
                "{ todos(sort: [" + "{field: TITLE}, " * 200 + "]) { totalCount } }",
                "query A { __typename } query A { __typename }",
                "query A { __typename } mutation B { deleteTodos { affectedCount } }",
                "{ ...A } fragment A on Query { ...A }",
                "{ __typename @skip(if: true) @skip(if: true) @include(if: false) }",
                "{ " + "x: __typename " * 40 + "}",
                "{ todos { nodes { id } } " * 300 + "}",
                "\ufeff{ __typename }",
            ]
        )
        body: dict[str, Any] = {"query": query, "variables": self.variables()}
        if "mutation B" in query:  # never "B": that would run deleteTodos, rightly
            body["operationName"] = rng.choice([None, "A"])
        # None of these may change anything: the one mutation among them is never selected.
        return Request(
            "GraphQL oddity", content=as_json(body), headers=json_type(rng), must_refuse=True
        )
