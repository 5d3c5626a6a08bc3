"""Malformed requests, by how they are sent: bodies badly encoded, of media types other than
JSON or over the size limit, GET query strings, and other HTTP methods."""

from __future__ import annotations

import json
import random
from urllib.parse import quote

from tests.acceptance.fuzzing.corpus import (
    BOMS,
    DESTRUCTIVE,
    HUGE_NUMBERS,
    INVALID_UTF8,
    JSON_VALUES,
    MAX_BODY_BYTES,
    NOT_JSON_TYPES,
    QUERIES,
)
from tests.acceptance.fuzzing.request import Request, RequestMaker, as_json, json_type


class FramingCases(RequestMaker):
    """The generators of requests badly framed, whatever their body holds."""

    def invalid_utf8(self, rng: random.Random) -> Request:
        content = bytearray(as_json(self.destructive(rng)))
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(content) + 1)
            content[at:at] = rng.choice(INVALID_UTF8)
        return Request(
            "invalid UTF-8", content=bytes(content), headers=json_type(rng), must_refuse=True
        )

    def byte_order_mark(self, rng: random.Random) -> Request:
        text = json.dumps(self.destructive(rng))
        bom = rng.choice(BOMS)
        encoding = {b"\xef\xbb\xbf": "utf-8", b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
        content = bom + text.encode(encoding.get(bom, "utf-32-le"))
        return Request("BOM", content=content, headers=json_type(rng), must_refuse=True)

    def not_json_content_type(self, rng: random.Random) -> Request:
        body = self.destructive(rng)
        shape = rng.randrange(4)
        if shape == 0:
            content = as_json(body)
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
        content = as_json(self.destructive(rng))
        return Request(
            f"method {method}",
            method=method,
            content=content,
            headers=json_type(rng),
            must_refuse=True,
        )

    def oversized(self, rng: random.Random) -> Request:
        body = self.destructive(rng)
        body["padding"] = "x" * (MAX_BODY_BYTES + rng.randrange(1000))
        return Request("over 1 MB", content=as_json(body), headers=json_type(rng), must_refuse=True)
