"""Valid documents mutated at random (characters and GraphQL tokens), and what the mutated creates
among them did."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.acceptance.fuzzing.answers import data_of
from tests.acceptance.fuzzing.budget import SEED
from tests.acceptance.fuzzing.corpus import CREATES, QUERIES
from tests.acceptance.fuzzing.request import Request, as_json

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
        "mutated document", content=as_json(body), headers={"content-type": "application/json"}
    )
