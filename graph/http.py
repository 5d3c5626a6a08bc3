"""The GraphQL endpoint: Strawberry's ASGI view, strict about the bodies it accepts."""

from __future__ import annotations

import json

from strawberry.asgi import GraphQL


class GraphQLView(GraphQL):
    """Refuses (400) every body that is not a UTF-8 JSON object, instead of failing on it (500)."""

    def decode_json(self, data: str | bytes) -> object:
        # The base view turns a JSONDecodeError into a 400 (HTTP) or a protocol error (WebSocket);
        # every other way a body can be wrong is reported the same way.
        text = data if isinstance(data, str) else _utf8(data)
        try:
            decoded = json.loads(text)
        except RecursionError:  # absurdly nested
            raise json.JSONDecodeError("The JSON is nested too deeply.", text, 0) from None
        if not isinstance(decoded, dict):
            raise json.JSONDecodeError("Expected a JSON object.", text, 0)
        return decoded


def _utf8(data: bytes) -> str:
    try:
        # Plain utf-8, not utf-8-sig: a byte order mark is not JSON.
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise json.JSONDecodeError("The body is not UTF-8.", "", 0) from None
