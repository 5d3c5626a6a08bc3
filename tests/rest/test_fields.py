"""The REST API's request bodies in process: the rules' refusals, fields of the wrong JSON type,
malformed JSON, media types other than JSON and oversized bodies, each a 4xx naming what is
wrong, and nothing changed, on both databases."""

from __future__ import annotations

import json
from typing import Any

import pytest

from models import TITLE_MAX_LENGTH
from tests.graphql import GraphQLClient
from tests.rest.helpers import JSON, graphql_todo, listed, pk_of, post

# The rules' refusals and the JSON's type errors: 400 naming the field, nothing changed.


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("   ", "The title cannot be empty."),
        ("x" * (TITLE_MAX_LENGTH + 1), f"The title is longer than {TITLE_MAX_LENGTH} characters."),
        ("\ud800", "The title is not valid Unicode text."),
    ],
    ids=["blank", "too long", "lone surrogate"],
)
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
async def test_the_rules_refuse_titles_with_400_naming_the_field(
    client: GraphQLClient, method: str, title: str, message: str
) -> None:
    todo = await post(client, title="keep")
    path = "/todos" if method == "POST" else todo["url"]
    # ASCII JSON, so that a lone surrogate escape reaches the server as JSON allows it.
    body = json.dumps({"title": title})
    response = await client.http.request(method, path, content=body, headers=JSON)
    assert response.status_code == 400
    assert response.json() == {"title": [message]}
    assert await listed(client) == [todo]


OUT_OF_RANGE = {"order": ["Ensure this value is between -2147483648 and 2147483647."]}
WRONG_TYPES = [
    ({"title": 5}, {"title": ["Not a valid string."]}),
    ({"title": None}, {"title": ["This field may not be null."]}),
    ({"title": ["x"]}, {"title": ["Not a valid string."]}),
    ({"title": "x", "completed": "true"}, {"completed": ["Must be a valid boolean."]}),
    ({"title": "x", "completed": 1}, {"completed": ["Must be a valid boolean."]}),
    ({"title": "x", "completed": None}, {"completed": ["This field may not be null."]}),
    ({"title": "x", "order": "1"}, {"order": ["A valid integer is required."]}),
    ({"title": "x", "order": 1.5}, {"order": ["A valid integer is required."]}),
    ({"title": "x", "order": 1.0}, {"order": ["A valid integer is required."]}),
    ({"title": "x", "order": True}, {"order": ["A valid integer is required."]}),
    ({"title": "x", "order": 2**31}, OUT_OF_RANGE),
    ({"title": "x", "order": -(2**31) - 1}, OUT_OF_RANGE),
    (
        {"title": 1, "completed": "no", "order": "z"},
        {
            "title": ["Not a valid string."],
            "completed": ["Must be a valid boolean."],
            "order": ["A valid integer is required."],
        },
    ),
]


@pytest.mark.parametrize(("body", "errors"), WRONG_TYPES, ids=lambda value: json.dumps(value))
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
async def test_fields_of_the_wrong_type_are_400_naming_them(
    client: GraphQLClient, method: str, body: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    todo = await post(client, title="keep", order=1)
    path = "/todos" if method == "POST" else todo["url"]
    response = await client.http.request(method, path, json=body)
    assert response.status_code == 400
    assert response.json() == errors
    assert await listed(client) == [todo]
    assert (await graphql_todo(client, pk_of(todo)) or {})["version"] == 1


@pytest.mark.parametrize("method", ["POST", "PUT"])
async def test_create_and_put_need_a_title(client: GraphQLClient, method: str) -> None:
    todo = await post(client, title="keep")
    path = "/todos" if method == "POST" else todo["url"]
    response = await client.http.request(method, path, json={"completed": True, "order": 1})
    assert response.status_code == 400
    assert response.json() == {"title": ["This field is required."]}
    assert await listed(client) == [todo]


MALFORMED_BODIES = [
    (b"", "JSON parse error: the body is not UTF-8 JSON."),
    (b"{", "JSON parse error: the body is not UTF-8 JSON."),
    (b"not json", "JSON parse error: the body is not UTF-8 JSON."),
    (b'{"title": "\xff"}', "JSON parse error: the body is not UTF-8 JSON."),
    (b'\xef\xbb\xbf{"title": "x"}', "JSON parse error: the body is not UTF-8 JSON."),
    ('{"title": "x"}'.encode("utf-16"), "JSON parse error: the body is not UTF-8 JSON."),
    (b'{"order": ' + b"9" * 5000 + b"}", "JSON parse error: the body is not UTF-8 JSON."),
    (b"[" * 100_000 + b"]" * 100_000, "JSON parse error: the body is not UTF-8 JSON."),
    (b'[{"title": "x"}]', "Expected a JSON object."),
    (b'"x"', "Expected a JSON object."),
    (b"null", "Expected a JSON object."),
    (b"42", "Expected a JSON object."),
]


@pytest.mark.parametrize(("body", "detail"), MALFORMED_BODIES, ids=lambda value: repr(value[:12]))
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
async def test_malformed_bodies_are_400_and_change_nothing(
    client: GraphQLClient, method: str, body: bytes, detail: str
) -> None:
    todo = await post(client, title="keep")
    path = "/todos" if method == "POST" else todo["url"]
    response = await client.http.request(method, path, content=body, headers=JSON)
    assert response.status_code == 400
    assert response.json() == {"detail": detail}
    assert await listed(client) == [todo]


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b", None],
)
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
async def test_bodies_that_are_not_json_are_415_and_change_nothing(
    client: GraphQLClient, method: str, content_type: str | None
) -> None:
    """A cross-site form can send these without a CORS preflight (CSRF); they are refused."""
    todo = await post(client, title="keep")
    path = "/todos" if method == "POST" else todo["url"]
    headers = {} if content_type is None else {"content-type": content_type}
    response = await client.http.request(
        method, path, content=json.dumps({"title": "changed"}), headers=headers
    )
    assert response.status_code == 415
    assert "detail" in response.json()
    assert await listed(client) == [todo]


async def test_json_with_a_charset_or_a_json_suffix_is_accepted(client: GraphQLClient) -> None:
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        body = json.dumps({"title": "é"}).encode()
        response = await client.http.post(
            "/todos", content=body, headers={"content-type": content_type}
        )
        assert response.status_code == 201, response.text


async def test_oversized_bodies_get_413(client: GraphQLClient) -> None:
    body = json.dumps({"title": "x" * 2_000_000})
    response = await client.http.post("/todos", content=body, headers=JSON)
    assert response.status_code == 413

    async def streamed() -> Any:  # no content-length: counted as it arrives
        for _ in range(3):
            yield b" " * 600_000

    response = await client.http.post("/todos", content=streamed(), headers=JSON)
    assert response.status_code == 413
    assert await listed(client) == []
