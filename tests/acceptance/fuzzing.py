"""Cases for the fuzzer in test_fuzz.py: malformed HTTP requests, WebSocket junk and mutated
documents, each drawn from a seeded random generator, and the loops that send them."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote_to_bytes

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.typing import Subprotocol

SEED = 20261128
# Per operation and generation mode: some 650 requests, about 20 s on two busy cores.
SCHEMATHESIS_EXAMPLES = 40
# The malformed-request fuzzer: cases are numbered and each is generated from (SEED, number), so a
# run is the same whatever the timing; the time limits only cut a run short on a slow machine.
MALFORMED_CASES = 6000
MALFORMED_SECONDS = 20.0
WEBSOCKET_SESSIONS = 300
DOCUMENT_CASES = 2500
DOCUMENT_SECONDS = 10.0
IN_FLIGHT = 6

GENERIC_MESSAGE = "Internal server error."
MAX_BODY_BYTES = 1_000_000  # the service's default

# What must never reach a client. A match that is an echo of what the client sent is no leak.
LEAKS = {
    "traceback": re.compile(r"Traceback \(most recent call last\)|File \"[^\"]*\", line \d+"),
    # (Linear: no nested repetition, as bodies of a megabyte are searched.)
    "file path": re.compile(r"[/\\][\w.-]+\.pyc?\b|site-packages|\.venv\b"),
    "SQL": re.compile(
        r"\b(?:SELECT|INSERT|UPDATE|DELETE|FROM|INTO|JOIN|WHERE)\b[^\n]{0,80}?[`\"' (]todo\b"
    ),
    "driver": re.compile(r"aiomysql|pymysql|sqlite3?|tortoise|pypika|mysql|mariadb", re.I),
    "database error": re.compile(
        r"no such table|database is locked|(?:Operational|Integrity|Programming|Database)Error"
    ),
    "Python exception": re.compile(
        r"\b(?:Type|Value|Key|Attribute|Index|Name|Runtime|Recursion|Overflow|Assertion)Error\b"
        r"|\bNoneType\b|object has no attribute|\bInvalidOperationTypeError\b"
    ),
}


def problems_in(label: str, status: int, body: bytes, sent: str) -> list[str]:
    """What is wrong with one answer: a 5xx, a leak, an unmasked or any unexpected error.

    With the database up, nothing a client sends may be unexpected: a masked
    INTERNAL_SERVER_ERROR means an exception the service did not handle (and logged as a bug).
    """
    found = []
    if status >= 500:
        found.append(f"{label}: status {status}")
    text = body.decode("utf-8", "replace")
    for kind, pattern in LEAKS.items():
        for match in pattern.finditer(text):
            if match.group(0).lower() not in sent.lower():
                found.append(f"{label}: leaks {kind}: {match.group(0)!r}")
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        return found
    for error in _errors(payload):
        extensions = error.get("extensions") or {}
        if not isinstance(extensions, dict):
            found.append(f"{label}: extensions is not an object: {error!r}")
            continue
        if extensions.get("code") == "INTERNAL_SERVER_ERROR":
            if error.get("message") != GENERIC_MESSAGE:
                found.append(f"{label}: unmasked internal error: {error.get('message')!r}")
            else:
                found.append(f"{label}: unexpected error (masked): {error.get('path')}")
        for key in ("exception", "stacktrace", "traceback"):
            if key in {str(k).lower() for k in extensions}:
                found.append(f"{label}: extensions.{key} present")
    return found


def _errors(payload: Any) -> Iterator[dict[str, Any]]:
    """The GraphQL errors in an HTTP body or a WebSocket message, however they are nested."""
    if isinstance(payload, list):
        for item in payload:
            yield from _errors(item)
    elif isinstance(payload, dict):
        errors = payload.get("errors")
        if isinstance(errors, list):
            yield from (error for error in errors if isinstance(error, dict))
        if isinstance(payload.get("payload"), dict | list):  # WebSocket messages
            inner = payload["payload"]
            if isinstance(inner, dict) and "message" in inner and "errors" not in inner:
                yield inner  # graphql-ws's "error" payload is one error
            else:
                yield from _errors(inner)


def global_id(node_id: str) -> str:
    return base64.b64encode(f"Todo:{node_id}".encode()).decode()


QUERIES = [
    "{ todos { totalCount nodes { id title completed order version createdAt updatedAt } "
    "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
    "query L($n: Int, $c: String) { todos(first: $n, after: $c, filter: {completed: false, "
    'titleContains: "sa"}, sort: [{field: TITLE, direction: DESC}, {field: ORDER}]) '
    "{ edges { cursor node { id title } } } }",
    "query O($i: ID!) { todo(id: $i) { id title version } node(id: $i) { id ... on Todo "
    "{ completed } } }",
    "{ todoStats { total completed active } __typename }",
    "query F { todos(last: 3) { nodes { ...T } } } fragment T on Todo { id title order }",
    "query D($s: Boolean!) { todos { totalCount @include(if: $s) nodes @skip(if: $s) { id } } }",
    "{ a: todoStats { total } b: todoStats { active } }",
]
SUBSCRIPTION = "subscription S { todoEvents { kind id todo { id version } } }"
# Valid changes: each must be refused when sent in a way that may not change state.
DESTRUCTIVE = [
    "mutation { deleteTodos { affectedCount } }",
    "mutation { setTodosCompleted(completed: true) { affectedCount } }",
    'mutation U($i: ID!) { updateTodo(id: $i, input: {title: "hijacked"}) { __typename } }',
    "mutation X($i: ID!) { deleteTodo(id: $i) { __typename } }",
    'mutation { createTodo(input: {title: "forged"}) { __typename } }',
    # Several operations and no operationName: an error, though Strawberry runs the first.
    "mutation B { deleteTodos { affectedCount } } query A { __typename }",
]
# Valid creates, the only changes the document fuzzer starts from (so that what it may change is
# exactly countable).
CREATES = [
    'mutation { createTodo(input: {title: "fuzz created", order: 3}) { __typename '
    "... on Todo { id title version } ... on ValidationError { field message } } }",
    "mutation C($t: String!, $o: Int) { createTodo(input: {title: $t, order: $o, "
    "completed: true}) { __typename ... on Todo { id } } }",
]
NOT_JSON_TYPES = [
    "application/x-www-form-urlencoded",
    "text/plain",
    "text/plain; charset=utf-8",
    "multipart/form-data; boundary=fuzz",
    "multipart/form-data",
    "application/graphql",
    "application/xml",
    "text/html",
    "*/*",
    "",
    "json",
    "application/x-json",
    "text/json",
]
INVALID_UTF8 = [
    b"\xff",
    b"\xc3\x28",
    b"\xed\xa0\x80",
    b"\xf8\x88\x80\x80\x80",
    b"\xc0\xaf",
    b"\x80",
]
BOMS = [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"]
HUGE_NUMBERS = [
    "1" + "0" * 10,
    "9" * 20,
    "-" + "9" * 400,
    "1" * 4301,
    "7" * 10_000,
    "1e308",
    "1e309",
    "-1e309",
    "1e-400",
    "NaN",
    "Infinity",
    "-0",
    "0.0000000000000000000001",
]
JSON_VALUES: list[Any] = [None, True, False, 0, -1, 1.5, "", "query", [], [1], {}, {"a": {}}]


@dataclass
class Request:
    """One HTTP request of the fuzz, and whether the service must refuse to change anything."""

    label: str
    method: str = "POST"
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    query_string: str | None = None  # for GET, sent as is
    must_refuse: bool = False

    def sent(self) -> str:
        """What the client sent, decoded, to tell an echo from a leak."""
        raw = self.content or b""
        if self.query_string is not None:
            raw += unquote_to_bytes(self.query_string.replace("+", " "))
        return raw.decode("utf-8", "replace")


def _json(body: Any) -> bytes:
    return json.dumps(body).encode()


class MalformedRequests:
    """Generators of malformed requests; `case(n)` is the same request on every run."""

    def __init__(self, sample_id: str) -> None:
        self.sample_id = sample_id
        self.kinds: list[Callable[[random.Random], Request]] = [
            self.random_bytes,
            self.garbled_json,
            self.top_level_json,
            self.wrong_types,
            self.huge_numbers,
            self.deep_nesting,
            self.invalid_utf8,
            self.byte_order_mark,
            self.not_json_content_type,
            self.get_query_string,
            self.other_method,
            self.graphql_oddities,
        ]

    def case(self, n: int) -> Request:
        rng = random.Random(f"{SEED}:malformed:{n}")
        if n % 500 == 499:  # a few bodies over the limit: 413, nothing parsed
            return self.oversized(rng)
        return rng.choice(self.kinds)(rng)

    def variables(self) -> dict[str, Any]:
        return {"i": self.sample_id, "n": 2, "c": None, "s": True, "t": "fuzz", "o": 1}

    def destructive(self, rng: random.Random) -> dict[str, Any]:
        return {"query": rng.choice(DESTRUCTIVE), "variables": self.variables()}

    def query(self, rng: random.Random) -> dict[str, Any]:
        return {"query": rng.choice(QUERIES), "variables": self.variables()}

    def random_bytes(self, rng: random.Random) -> Request:
        content = rng.randbytes(rng.choice([0, 1, 2, 16, 200, 3000]))
        return Request("random bytes", content=content, headers=_json_type(rng))

    def garbled_json(self, rng: random.Random) -> Request:
        # Of queries only: a garbled mutation may well stay valid, and be carried out rightly.
        content = bytearray(_json(self.query(rng)))
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
        return Request("garbled JSON", content=bytes(content), headers=_json_type(rng))

    def top_level_json(self, rng: random.Random) -> Request:
        mutation = self.destructive(rng)
        value = rng.choice(
            [
                *(_json(value) for value in JSON_VALUES if not isinstance(value, dict)),
                _json([mutation]),
                _json([mutation] * 3),
                _json([self.query(rng), mutation]),
                _json(json.dumps(mutation)),  # the object, as a JSON string
                rng.choice(HUGE_NUMBERS).encode(),
                b"",
                b" ",
                b"\x00",
            ]
        )
        return Request("top-level JSON", content=value, headers=_json_type(rng), must_refuse=True)

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
        return Request(label, content=_json(body), headers=_json_type(rng), must_refuse=True)

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
            content = _json({"query": query})
        elif choice == 3:  # in a global ID
            query = "query O($i: ID!) { todo(id: $i) { id } }"
            content = _json({"query": query, "variables": {"i": global_id(number)}})
        else:  # in a mutation that must be refused: orders are 32-bit
            digits = number.lstrip("-")
            literal = number if digits.isdigit() and len(digits) > 10 else "1" + "0" * 12
            create = f'createTodo(input: {{title: "big", order: {literal}}})'
            query = f"mutation {{ {create} {{ __typename }} }}"
            content = _json({"query": query})
            return Request(
                "huge number", content=content, headers=_json_type(rng), must_refuse=True
            )
        return Request("huge number", content=content, headers=_json_type(rng))

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
            content = _json({"query": f"{{ {inner} }}"})
        else:  # list and object literals
            literal = "[" * min(depth, 2000) + '"x"' + "]" * min(depth, 2000)
            query = f"{{ todos(filter: {{titleContains: {literal}}}) {{ totalCount }} }}"
            content = _json({"query": query})
        return Request("deep nesting", content=content, headers=_json_type(rng))

    def invalid_utf8(self, rng: random.Random) -> Request:
        content = bytearray(_json(self.destructive(rng)))
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(content) + 1)
            content[at:at] = rng.choice(INVALID_UTF8)
        return Request(
            "invalid UTF-8", content=bytes(content), headers=_json_type(rng), must_refuse=True
        )

    def byte_order_mark(self, rng: random.Random) -> Request:
        text = json.dumps(self.destructive(rng))
        bom = rng.choice(BOMS)
        encoding = {b"\xef\xbb\xbf": "utf-8", b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
        content = bom + text.encode(encoding.get(bom, "utf-32-le"))
        return Request("BOM", content=content, headers=_json_type(rng), must_refuse=True)

    def not_json_content_type(self, rng: random.Random) -> Request:
        body = self.destructive(rng)
        shape = rng.randrange(4)
        if shape == 0:
            content = _json(body)
        elif shape == 1:
            form = f"query={quote(body['query'])}&variables={quote(json.dumps(body['variables']))}"
            content = form.encode()
        elif shape == 2:
            parts = [
                f'--fuzz\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                for name, value in (("query", body["query"]), ("operations", json.dumps(body)))
            ]
            content = ("".join(parts) + "--fuzz--\r\n").encode()
        else:
            content = body["query"].encode()
        content_type = rng.choice(NOT_JSON_TYPES)
        headers = {"content-type": content_type} if content_type else {}
        label = f"content type {content_type!r}"
        return Request(label, content=content, headers=headers, must_refuse=True)

    def get_query_string(self, rng: random.Random) -> Request:
        parameters: list[tuple[str, str]] = []
        mutation = rng.random() < 0.4
        document = rng.choice(DESTRUCTIVE if mutation else QUERIES)
        if rng.random() < 0.9:
            parameters.append(("query", document))
        for name in ("variables", "operationName", "extensions"):
            if rng.random() < 0.4:
                parameters.append((name, self.odd_text(rng)))
        for _ in range(rng.randrange(3)):
            parameters.append((self.odd_text(rng)[:10], self.odd_text(rng)))
        rng.shuffle(parameters)
        encoded = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in parameters)
        if rng.random() < 0.3:  # percent-encoding gone wrong
            at = rng.randrange(len(encoded) + 1)
            encoded = (
                encoded[:at]
                + rng.choice(["%", "%z", "%zz", "%ff%fe", "%00", "&&", "=="])
                + encoded[at:]
            )
        return Request(
            "GET",
            method="GET",
            query_string=encoded,
            headers={"accept": "application/json"},
            must_refuse=mutation,
        )

    def odd_text(self, rng: random.Random) -> str:
        return rng.choice(
            [
                json.dumps(self.variables()),
                json.dumps(rng.choice(JSON_VALUES)),
                rng.choice(HUGE_NUMBERS),
                '{"a":' * 50,
                "".join(chr(rng.randrange(0x20, 0x2FFF)) for _ in range(rng.randrange(20))),
                "\x00\ud7ff\ufeff",
                "a" * rng.choice([1, 100, 3000]),
            ]
        )

    def other_method(self, rng: random.Random) -> Request:
        method = rng.choice(["PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE"])
        content = _json(self.destructive(rng))
        return Request(
            f"method {method}",
            method=method,
            content=content,
            headers=_json_type(rng),
            must_refuse=True,
        )

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
            "GraphQL oddity", content=_json(body), headers=_json_type(rng), must_refuse=True
        )

    def oversized(self, rng: random.Random) -> Request:
        body = self.destructive(rng)
        body["padding"] = "x" * (MAX_BODY_BYTES + rng.randrange(1000))
        return Request("over 1 MB", content=_json(body), headers=_json_type(rng), must_refuse=True)


def _json_type(rng: random.Random) -> dict[str, str]:
    content_type = rng.choice(
        ["application/json", "application/json; charset=utf-8", "application/json; charset=latin1"]
    )
    return {"content-type": content_type}


def data_of(body: bytes) -> Any:
    """The `data` of a GraphQL answer, or None when there is none (or no GraphQL answer)."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return payload.get("data") if isinstance(payload, dict) else None


MUTATION_FIELDS = {"createTodo", "updateTodo", "deleteTodo", "setTodosCompleted", "deleteTodos"}


def changed(response: httpx.Response) -> bool:
    """Whether the answer reports a mutation carried out (the fuzz sends no aliases for them)."""
    data = data_of(response.content)
    return isinstance(data, dict) and any(data.get(name) for name in MUTATION_FIELDS)


@dataclass
class Tally:
    """What the fuzz sent and what came back."""

    statuses: Counter[int] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    websocket_sessions: int = 0
    websocket_messages: int = 0
    websocket_closes: Counter[str] = field(default_factory=Counter)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())


async def send(http: httpx.AsyncClient, request: Request) -> httpx.Response:
    url = "/graphql" + (f"?{request.query_string}" if request.query_string is not None else "")
    return await http.request(request.method, url, content=request.content, headers=request.headers)


async def run_requests(
    url: str,
    make: Callable[[int], Request],
    count: int,
    seconds: float,
    tally: Tally,
    on_answer: Callable[[Request, httpx.Response], None] | None = None,
) -> None:
    """Sends requests 0..count-1, IN_FLIGHT at a time, until done or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    numbers = iter(range(count))

    async def worker(http: httpx.AsyncClient) -> None:
        for n in numbers:
            if time.monotonic() > deadline:
                return
            request = make(n)
            try:
                response = await send(http, request)
            except httpx.TransportError as error:
                tally.problems.append(f"{request.label} #{n}: no answer ({error!r})")
                continue
            tally.statuses[response.status_code] += 1
            tally.kinds[request.label.split(" '")[0]] += 1
            label = f"{request.label} #{n}"
            tally.problems += problems_in(
                label, response.status_code, response.content, request.sent()
            )
            if request.must_refuse and changed(response):
                tally.problems.append(
                    f"{label}: carried out a change it must refuse: {response.text}"
                )
            if on_answer is not None:
                on_answer(request, response)

    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        await asyncio.gather(*(worker(http) for _ in range(IN_FLIGHT)))


# WebSocket junk: protocols offered, and messages that are not what either protocol expects.
PROTOCOLS: list[list[str] | None] = [
    ["graphql-transport-ws"],
    ["graphql-ws"],
    None,
    ["graphql-transport-ws", "graphql-ws"],
    ["junk"],
]


def websocket_frames(rng: random.Random) -> list[str | bytes]:
    """Up to 8 frames of junk, valid-looking messages of both protocols among them."""
    init = json.dumps({"type": "connection_init"})
    subscribe_type = rng.choice(["subscribe", "start"])
    junk: list[Callable[[], str | bytes]] = [
        lambda: rng.randbytes(rng.choice([0, 1, 50, 2000])),
        lambda: "".join(chr(rng.randrange(0x20, 0x7F)) for _ in range(rng.randrange(60))),
        lambda: json.dumps(rng.choice(JSON_VALUES)),
        lambda: rng.choice(HUGE_NUMBERS),
        lambda: init,
        lambda: json.dumps({"type": "connection_init", "payload": rng.choice(JSON_VALUES)}),
        lambda: json.dumps(
            {"type": rng.choice([*JSON_VALUES, "ping", "pong", "complete", "stop"])}
        ),
        lambda: json.dumps({"type": "complete", "id": rng.choice(["1", "", "x" * 1000, 1, None])}),
        lambda: json.dumps(
            {
                "type": subscribe_type,
                "id": rng.choice(["1", "1", "", 1, None, [], "x" * 1000]),
                "payload": rng.choice(
                    [
                        {"query": SUBSCRIPTION},
                        {"query": rng.choice(QUERIES), "variables": {"i": "x", "s": True}},
                        {"query": "subscription { todoEvents { nope } }"},
                        {"query": "subscription { ...F } fragment F on Subscription { ...F }"},
                        {"query": SUBSCRIPTION, "variables": "x"},
                        {"query": 1},
                        {},
                        "x",
                        None,
                    ]
                ),
            }
        ),
        lambda: '{"type": "subscribe", "id": "1", "payload": {"query": "' + "{" * 3000 + '"}}',
        lambda: '{"type": "connection_init", "payload": ' + '{"a":' * 5000 + "}",
        lambda: '{"type": "connection_init", "payload": {"n": ' + "1" * 5000 + "}}",
    ]
    frames: list[str | bytes] = [init] if rng.random() < 0.6 else []
    frames += [rng.choice(junk)() for _ in range(rng.randint(1, 7))]
    return frames


async def websocket_session(url: str, n: int, tally: Tally) -> None:
    rng = random.Random(f"{SEED}:websocket:{n}")
    offered = rng.choice(PROTOCOLS)
    protocols = [Subprotocol(p) for p in offered] if offered is not None else None
    label = f"WebSocket {offered} #{n}"
    tally.websocket_sessions += 1
    sent = ""
    try:
        async with connect(
            url, subprotocols=protocols, open_timeout=10, close_timeout=5, max_size=2**22
        ) as socket:
            for frame in websocket_frames(rng):
                sent += frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
                await socket.send(frame)
                await _read_for(socket, 0.02, label, sent, tally)
            await _read_for(socket, 0.2, label, sent, tally)
        tally.websocket_closes["closed by client"] += 1
    except ConnectionClosed as closed:
        _check_close(closed, label, tally)
    except InvalidStatus as refused:
        status = refused.response.status_code
        tally.websocket_closes[f"handshake refused {status}"] += 1
        if status >= 500:
            tally.problems.append(f"{label}: handshake answered {status}")
    except InvalidHandshake as error:
        tally.websocket_closes[type(error).__name__] += 1
    except TimeoutError:
        tally.problems.append(f"{label}: no handshake within 10 s")


async def _read_for(
    socket: ClientConnection, seconds: float, label: str, sent: str, tally: Tally
) -> None:
    """Reads whatever arrives within `seconds`, checking each message."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            while True:
                message = await socket.recv()
                tally.websocket_messages += 1
                raw = message.encode() if isinstance(message, str) else message
                tally.problems += problems_in(label, 200, raw, sent)


def _check_close(closed: ConnectionClosed, label: str, tally: Tally) -> None:
    """The server may close on junk, but with a close frame, and not as an internal error."""
    if closed.rcvd is None:
        tally.websocket_closes["dropped without a close frame"] += 1
        tally.problems.append(f"{label}: connection dropped without a close frame")
        return
    code = closed.rcvd.code
    tally.websocket_closes[str(code)] += 1
    if code == 1011:
        tally.problems.append(f"{label}: closed with 1011 (internal error)")
    problems = problems_in(label, 200, closed.rcvd.reason.encode(), "")
    tally.problems += problems


async def run_websockets(url: str, sessions: int, seconds: float, tally: Tally) -> None:
    deadline = time.monotonic() + seconds
    ws_url = url.replace("http://", "ws://") + "/graphql"
    numbers = iter(range(sessions))

    async def worker() -> None:
        for n in numbers:
            if time.monotonic() > deadline:
                return
            await websocket_session(ws_url, n, tally)

    await asyncio.gather(*(worker() for _ in range(2)))


# Random mutations of valid documents: characters and GraphQL tokens.
TOKEN = re.compile(
    r'"""(?:[^"]|"(?!""))*"""|"(?:[^"\\]|\\.)*"|\.\.\.|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?'
    r"|[A-Za-z_]\w*|[!$&()\[\]{}:=@|]"
)
PUNCTUATION = list('!$&()[]{}:=@|."#\\,\n ')


def mutate_document(document: str, rng: random.Random, vocabulary: list[str]) -> str:
    for _ in range(rng.randint(1, 4)):
        tokens = TOKEN.findall(document)
        operation = rng.randrange(8)
        if operation < 4 and tokens:
            at = rng.randrange(len(tokens))
            if operation == 0:
                del tokens[at]
            elif operation == 1:
                tokens.insert(at, tokens[at])
            elif operation == 2:
                tokens[at] = rng.choice(vocabulary)
            elif at + 1 < len(tokens):
                tokens[at], tokens[at + 1] = tokens[at + 1], tokens[at]
            document = " ".join(tokens)
        else:
            at = rng.randrange(len(document) + 1)
            if operation == 4:
                document = document[:at] + document[at + rng.randint(1, 5) :]
            elif operation == 5:
                document = document[:at] + rng.choice(PUNCTUATION) + document[at:]
            elif operation == 6:
                span = document[at : at + rng.randint(1, 40)]
                document = document[:at] + span * rng.randint(2, 20) + document[at:]
            else:
                document = document[:at] + chr(rng.randrange(0x21, 0x250)) + document[at:]
    return document


@dataclass
class Creates:
    """What the mutated create documents did: creates the service acknowledged with an ID, and
    answers that may have created a todo without saying which (an upper bound)."""

    acknowledged: set[str] = field(default_factory=set)
    at_most: int = 0

    def count(self, request: Request, response: httpx.Response) -> None:
        data = data_of(response.content)
        if "createTodo" not in request.sent() or not isinstance(data, dict):
            return  # a query, or refused
        for value in data.values():
            if not isinstance(value, dict):
                continue  # __typename, or a query field
            if value.get("__typename") == "ValidationError" or "field" in value:
                continue
            self.at_most += 1
            if isinstance(value.get("id"), str):
                self.acknowledged.add(value["id"])


def document_request(n: int, variables: dict[str, Any]) -> Request:
    rng = random.Random(f"{SEED}:document:{n}")
    documents = QUERIES + CREATES
    vocabulary = sorted({token for document in documents for token in TOKEN.findall(document)})
    document = mutate_document(rng.choice(documents), rng, vocabulary)
    body = {"query": document, "variables": variables}
    return Request(
        "mutated document", content=_json(body), headers={"content-type": "application/json"}
    )
