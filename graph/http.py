"""The GraphQL endpoint: Strawberry's ASGI view, strict about the bodies it accepts, with a
GraphiQL that loads nothing from outside the service."""

from __future__ import annotations

import json
import posixpath

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import NoMatchFound
from strawberry.asgi import GraphQL

from graph import graphiql

# Where app.py mounts static/graphiql/, and the route of this view: the page links its files
# relative to itself, so that it works under any path prefix a proxy adds.
ASSETS_ROUTE = "graphiql"
PAGE_ROUTE = "graphql"


class GraphQLView(GraphQL):
    """Refuses (400) every body that is not a UTF-8 JSON object, instead of failing on it (500);
    serves the offline GraphiQL (graph/graphiql.py) to browsers."""

    async def render_graphql_ide(self, request: Request) -> Response:
        page = graphiql.render_page(_assets_url(request))
        headers = {
            "content-security-policy": graphiql.CONTENT_SECURITY_POLICY,
            "cache-control": "no-cache",
            "x-content-type-options": "nosniff",
        }
        return HTMLResponse(page, headers=headers)

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


def _assets_url(request: Request) -> str:
    """The URL of the GraphiQL files relative to the page: 'graphiql/' as app.py routes them."""
    try:
        assets = str(request.app.url_path_for(ASSETS_ROUTE, path="/"))
        page = str(request.app.url_path_for(PAGE_ROUTE))
    except (NoMatchFound, AttributeError):
        return "graphiql/"
    return posixpath.relpath(assets, posixpath.dirname(page)).rstrip("/") + "/"
