"""Persisted queries across replicas: a document registered through one process runs by its hash
alone through another (they share Redis), over POST and GET."""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest

from tests.acceptance.conftest import Service

pytestmark = pytest.mark.acceptance

STATS = "query Stats { todoStats { total completed active } }"
EXTENSIONS = {
    "persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(STATS.encode()).hexdigest()}
}


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
