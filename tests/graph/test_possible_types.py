"""possibleTypes.json (written by `make schema`) is what Apollo Client's cache needs where there
is no introspection to ask (production mode): every union and interface the service's own
introspection names, with exactly the object types it can be."""

from __future__ import annotations

import json
from pathlib import Path

from tests.graphql import GraphQLClient

POSSIBLE_TYPES = Path(__file__).resolve().parent.parent.parent / "possibleTypes.json"
INTROSPECTION = "{ __schema { types { name kind possibleTypes { name } } } }"


async def test_possible_types_are_what_introspection_says(client: GraphQLClient) -> None:
    types = (await client.data(INTROSPECTION))["__schema"]["types"]
    introspected = {
        t["name"]: sorted(p["name"] for p in t["possibleTypes"])
        for t in types
        if t["kind"] in ("UNION", "INTERFACE") and not t["name"].startswith("__")
    }
    assert json.loads(POSSIBLE_TYPES.read_text()) == introspected
    assert {"CreateTodoResult", "UpdateTodoResult", "DeleteTodoResult", "Node"} <= set(introspected)
