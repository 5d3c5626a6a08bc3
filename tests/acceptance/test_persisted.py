"""Persisted queries across replicas: a document registered through one process runs by its hash
alone through another (they share Redis), over POST and GET; and PERSISTED_ONLY (the stack of
`make release PERSISTED=only`, or a server started here) holds over HTTP, both WebSocket
protocols and SSE."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets
from websockets.typing import Subprotocol

from graph.persisted import manifest
from tests.acceptance.conftest import Service, replica_urls, running_server
from tests.acceptance.sse import one_result, streaming
from tests.databases import database_url
from tests.graphql import persisted_query

pytestmark = pytest.mark.acceptance

FOLDER = Path(__file__).resolve().parent.parent / "persisted"
TRANSPORT_WS, LEGACY_WS = "graphql-transport-ws", "graphql-ws"
STATS = "query Stats { todoStats { total completed active } }"
EXTENSIONS = persisted_query(STATS)


async def test_a_document_registered_on_one_replica_runs_by_hash_on_another(
    replicas: list[Service],
) -> None:
    here, there = replicas
    async with (
        httpx.AsyncClient(base_url=here.url, headers=here.headers) as first,
        httpx.AsyncClient(base_url=there.url, headers=there.headers) as second,
    ):
        registered = await first.post("/graphql", json={"query": STATS, "extensions": EXTENSIONS})
        assert "errors" not in registered.json(), registered.json()
        by_hash = await second.post("/graphql", json={"extensions": EXTENSIONS})
        assert by_hash.json() == registered.json()
        by_get = await second.get("/graphql", params={"extensions": json.dumps(EXTENSIONS)})
        assert by_get.json() == registered.json()


@pytest.fixture(scope="module")
def persisted_only(tmp_dir: str) -> Iterator[str]:
    """A service in PERSISTED_ONLY mode with tests/persisted/'s documents: the stack of
    `make release PERSISTED=only` (ACCEPTANCE_PERSISTED_ONLY), or one started here."""
    if os.environ.get("ACCEPTANCE_URL"):
        if os.environ.get("ACCEPTANCE_PERSISTED_ONLY") != "true":
            pytest.skip("the deployed stack runs any document (PERSISTED=only: trusted ones)")
        yield replica_urls()[0]
        return
    documents = {path.stem: path.read_text() for path in FOLDER.glob("*.graphql")}
    path = Path(tmp_dir) / "persisted-manifest.json"
    path.write_text(json.dumps(manifest(documents)))
    env = {"DATABASE_URL": database_url("sqlite", tmp_dir, "persisted_only"),
           "PERSISTED_DOCUMENTS": str(path), "PERSISTED_ONLY": "true"}  # fmt: skip
    with running_server(env) as server:
        yield server.url


def trusted(name: str) -> str:
    return (FOLDER / f"{name}.graphql").read_text()


@pytest.mark.persisted_only
async def test_persisted_only_runs_the_trusted_documents_and_nothing_else(
    persisted_only: str,
) -> None:
    stats = trusted("Stats")
    async with httpx.AsyncClient(base_url=persisted_only) as http:
        by_hash = await http.post("/graphql", json={"extensions": persisted_query(stats)})
        assert set(by_hash.json()["data"]["todoStats"]) == {"total", "completed", "active"}
        get = {"extensions": json.dumps(persisted_query(stats))}
        assert (await http.get("/graphql", params=get)).json() == by_hash.json()
        assert (await http.post("/graphql", json={"query": stats})).json() == by_hash.json()
        # Another text, even the same operation respelled, and APQ's registration: refused.
        other = "query Stats { todoStats { total } }"
        for body in (
            {"query": other},
            {"query": stats + " "},
            {"query": other, "extensions": persisted_query(other)},
            {"query": "mutation { deleteTodos { affectedCount } }"},
        ):
            refused = (await http.post("/graphql", json=body)).json()
            assert refused["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
        still_unknown = await http.post("/graphql", json={"extensions": persisted_query(other)})
        assert still_unknown.json()["errors"][0]["extensions"]["code"] == (
            "PERSISTED_QUERY_NOT_ALLOWED"
        )


@pytest.mark.persisted_only
async def test_persisted_only_holds_over_sse(persisted_only: str) -> None:
    refused = await one_result(persisted_only, "subscription { todoEvents { kind } }")
    assert refused["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
    changes = persisted_query(trusted("Changes"))
    async with streaming(persisted_only, None, extensions=changes) as stream:
        title = f"over SSE {uuid.uuid4()}"
        add = {"extensions": persisted_query(trusted("AddTodo")), "variables": {"title": title}}
        async with httpx.AsyncClient(base_url=persisted_only) as http:
            # Until the subscription provably runs: it starts after the stream opens.
            created = None
            for _ in range(50):
                created = (await http.post("/graphql", json=add)).json()["data"]["createTodo"]
                try:
                    event = await asyncio.wait_for(stream.results.get(), 0.2)
                    break
                except TimeoutError:
                    continue
            else:
                raise AssertionError("the subscription never received an event")
        assert event is not None
        assert event["data"]["todoEvents"]["kind"] == "CREATED"
        assert created is not None


@pytest.mark.persisted_only
@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_persisted_only_holds_over_websockets(persisted_only: str, protocol: str) -> None:
    start = "subscribe" if protocol == TRANSPORT_WS else "start"
    changes = (FOLDER / "Changes.graphql").read_text()
    add = (FOLDER / "AddTodo.graphql").read_text()
    async with websockets.connect(
        persisted_only.replace("http", "ws", 1) + "/graphql", subprotocols=[Subprotocol(protocol)]
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        refused = {"query": "subscription { todoEvents { kind } }"}
        await ws.send(json.dumps({"type": start, "id": "no", "payload": refused}))
        answer = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert answer["type"] == "error"
        assert "PERSISTED_QUERY_NOT_ALLOWED" in json.dumps(answer["payload"])
        await ws.send(
            json.dumps(
                {"type": start, "id": "yes", "payload": {"extensions": persisted_query(changes)}}
            )
        )
        await asyncio.sleep(0.3)
        async with httpx.AsyncClient(base_url=persisted_only) as http:
            body = {"extensions": persisted_query(add), "variables": {"title": f"over {protocol}"}}
            assert (await http.post("/graphql", json=body)).json()["data"]["createTodo"]
        event = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert event["id"] == "yes"
        assert event["payload"]["data"]["todoEvents"]["kind"] == "CREATED"
