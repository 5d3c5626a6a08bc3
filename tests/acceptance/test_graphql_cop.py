"""graphql-cop's checks (github.com/dolevf/graphql-cop, lib/tests/), as tests: each sends the
request that tool sends and asserts the service is not vulnerable by that tool's own criterion.

The denial-of-service checks run against the service as it is in development and in production;
the information checks against production mode, where nothing about the schema may leak.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.acceptance.conftest import running_server
from tests.databases import database_url

pytestmark = [pytest.mark.acceptance, pytest.mark.native]


@pytest.fixture(scope="module")
def servers(tmp_dir: str) -> Iterator[dict[str, httpx.Client]]:
    """The service in development mode and in production mode."""
    with contextlib.ExitStack() as stack:
        clients = {}
        for mode, production in (("development", False), ("production", True)):
            env = {
                "DATABASE_URL": database_url("sqlite", tmp_dir, f"cop-{mode}"),
                "PRODUCTION": str(production).lower(),
                "GRAPHIQL": str(not production).lower(),
            }
            server = stack.enter_context(running_server(env))
            clients[mode] = stack.enter_context(httpx.Client(base_url=server.url))
        yield clients


@pytest.fixture(params=["development", "production"])
def service(request: pytest.FixtureRequest, servers: dict[str, httpx.Client]) -> httpx.Client:
    return servers[request.param]


@pytest.fixture
def production(servers: dict[str, httpx.Client]) -> httpx.Client:
    return servers["production"]


def query(client: httpx.Client, document: str) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": document})
    assert response.status_code < 500, response.text
    body: dict[str, Any] = response.json()
    return body


def test_alias_overloading(service: httpx.Client) -> None:
    aliases = " ".join(f"alias{n}: __typename" for n in range(101))
    assert not (query(service, f"query {{ {aliases} }}").get("data") or {}).get("alias100")


def test_batch_queries(service: httpx.Client) -> None:
    batch = [{"query": "query { __typename }"}] * 10
    response = service.post("/graphql", json=batch)
    assert response.status_code == 400
    assert not isinstance(response.json(), list)


def test_field_duplication(service: httpx.Client) -> None:
    body = query(service, "query { " + "__typename \n" * 500 + "} ")
    assert not (body.get("data") or {}).get("__typename")


def test_directive_overloading(service: httpx.Client) -> None:
    body = query(service, "query { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }")
    assert len(body["errors"]) < 10


def test_circular_introspection(service: httpx.Client) -> None:
    circular = "query { __schema { types { fields { type { fields { type { fields { type { "
    circular += "fields { type { name } } } } } } } } } } }"
    body = query(service, circular)
    assert not (body.get("data") or {}).get("__schema")


def test_circular_fragment(service: httpx.Client) -> None:
    body = query(
        service, "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"
    )
    assert body.get("data") is None
    assert body["errors"]


def test_get_based_mutation(service: httpx.Client) -> None:
    mutation = 'mutation { createTodo(input: {title: "cop"}) { __typename } }'
    response = service.get("/graphql", params={"query": mutation})
    assert response.status_code >= 400
    assert query(service, "{ todoStats { total } }")["data"]["todoStats"]["total"] == 0


def test_post_based_csrf(service: httpx.Client) -> None:
    response = service.post(
        "/graphql",
        content="query=query+%7B+__typename+%7D",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400


def test_trace_mode_and_unhandled_errors(service: httpx.Client) -> None:
    for document in ("query { __typename }", "qwerty cop { abc }"):
        text = json.dumps(query(service, document)).lower()
        assert "tracing" not in text
        assert "exception" not in text
        assert "stacktrace" not in text


def test_field_suggestions(production: httpx.Client) -> None:
    body = query(production, "query { __schema { directive } }")
    assert "did you mean" not in json.dumps(body).lower()


def test_introspection(production: httpx.Client) -> None:
    body = query(production, "query { __schema { types { name } } }")
    assert not (body.get("data") or {}).get("__schema")


def test_graphiql(production: httpx.Client) -> None:
    for path in ("/graphql", "/graphiql", "/playground", "/console", "/"):
        response = production.get(path, headers={"accept": "text/html"})
        assert "graphiql" not in response.text.lower() or response.status_code == 404
