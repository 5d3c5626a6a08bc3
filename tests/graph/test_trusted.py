"""Trusted documents (PERSISTED_DOCUMENTS, an Apollo manifest; PERSISTED_ONLY): the manifest's
documents run by hash from the start; with PERSISTED_ONLY they alone run, by hash or by their
exact text, APQ registers nothing, and anything else gets PERSISTED_QUERY_NOT_ALLOWED."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graph.persisted import load_manifest, manifest, sha256
from settings import SettingError, Settings
from tests.conftest import AppClient
from tests.graphql import persisted_query

FOLDER = Path(__file__).resolve().parent.parent / "persisted"
DOCUMENTS = {path.stem: path.read_text() for path in FOLDER.glob("*.graphql")}


@pytest.fixture
def manifest_file(tmp_path: Path) -> str:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest({name: body for name, body in DOCUMENTS.items()})))
    return str(path)


def by_hash(name: str, **variables: Any) -> dict[str, Any]:
    return {"extensions": persisted_query(DOCUMENTS[name]), "variables": variables}


def code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or [{}]
    return str(errors[0].get("extensions", {}).get("code")) if body.get("errors") else None


async def test_persisted_only_runs_the_manifests_documents_alone(
    app_client: AppClient, manifest_file: str
) -> None:
    async with app_client(persisted_documents=manifest_file, persisted_only=True) as client:
        post = client.http.post
        created = (await post("/graphql", json=by_hash("AddTodo", title="trusted"))).json()
        assert created["data"]["createTodo"]["title"] == "trusted"
        exact = (await post("/graphql", json={"query": DOCUMENTS["Stats"]})).json()
        assert exact == {"data": {"todoStats": {"total": 1, "completed": 0, "active": 1}}}
        again = (await post("/graphql", json=by_hash("Stats"))).json()  # the fast path's turn
        assert again == exact
        extensions = json.dumps(by_hash("Todos")["extensions"])
        listed = (await client.http.get("/graphql", params={"extensions": extensions})).json()
        assert listed["data"]["todos"]["totalCount"] == 1
        for refused in (
            {"query": "{ todoStats { total } }"},
            {"query": DOCUMENTS["Stats"] + " "},  # not byte-identical
            {"query": "{ __schema { types { name } } }"},
        ):
            assert (
                code((await post("/graphql", json=refused)).json()) == "PERSISTED_QUERY_NOT_ALLOWED"
            )
        # APQ registers nothing: a new document's hash with its text is refused, then and later.
        other = "query Other { todoStats { total } }"
        apq = persisted_query(other)
        for body in ({"query": other, "extensions": apq}, {"extensions": apq}):
            assert code((await post("/graphql", json=body)).json()) == "PERSISTED_QUERY_NOT_ALLOWED"


async def test_without_persisted_only_the_manifest_is_known_from_the_start(
    app_client: AppClient, manifest_file: str
) -> None:
    async with app_client(persisted_documents=manifest_file) as client:
        stats = (await client.http.post("/graphql", json=by_hash("Stats"))).json()
        assert stats == {"data": {"todoStats": {"total": 0, "completed": 0, "active": 0}}}
        assert "errors" not in await client.post("{ todoStats { total } }")


def test_a_bad_manifest_or_persisted_only_without_one_stops_the_service(tmp_path: Path) -> None:
    with pytest.raises(SettingError, match="PERSISTED_ONLY"):
        Settings(persisted_only=True)
    wrong = tmp_path / "wrong.json"
    body = DOCUMENTS["Stats"]
    operation = {"id": sha256(body + "x"), "name": "Stats", "type": "query", "body": body}
    wrong.write_text(json.dumps({"format": "apollo-persisted-query-manifest", "version": 1,
                                 "operations": [operation]}))  # fmt: skip
    for path in (wrong, tmp_path / "missing.json"):
        with pytest.raises(SettingError, match="PERSISTED_DOCUMENTS"):
            load_manifest(str(path))
