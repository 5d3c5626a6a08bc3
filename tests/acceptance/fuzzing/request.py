"""One HTTP request of the fuzz, and what every generator of malformed requests builds on."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_to_bytes

from tests.acceptance.fuzzing.corpus import DESTRUCTIVE, QUERIES


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


def as_json(body: Any) -> bytes:
    return json.dumps(body).encode()


def json_type(rng: random.Random) -> dict[str, str]:
    content_type = rng.choice(
        ["application/json", "application/json; charset=utf-8", "application/json; charset=latin1"]
    )
    return {"content-type": content_type}


class RequestMaker:
    """What the generators of malformed requests start from: valid documents and variables that
    name a real todo (the sample), to be spoiled."""

    def __init__(self, sample_id: str) -> None:
        self.sample_id = sample_id

    def variables(self) -> dict[str, Any]:
        return {"i": self.sample_id, "n": 2, "c": None, "s": True, "t": "fuzz", "o": 1}

    def destructive(self, rng: random.Random) -> dict[str, Any]:
        return {"query": rng.choice(DESTRUCTIVE), "variables": self.variables()}

    def query(self, rng: random.Random) -> dict[str, Any]:
        return {"query": rng.choice(QUERIES), "variables": self.variables()}
