"""What the GraphQL endpoint answers before any GraphQL runs: refusals in the form GraphQL clients
expect; and request bodies taken as JSON objects."""

from __future__ import annotations

import json

from starlette.responses import JSONResponse

from web import observations
from web.jsonbody import parse_json
from web.media import GRAPHQL_RESPONSE_CONTENT_TYPE, wants_graphql_response


def graphql_error_response(
    message: str, status_code: int, code: str, accept: str | None = None
) -> JSONResponse:
    """A request refused before any GraphQL ran, answered as GraphQL clients expect errors (in
    application/graphql-response+json, without `data`, to the clients that accept it)."""
    errors = [{"message": message, "extensions": {"code": code}}]
    observations.note(codes=[code])
    if wants_graphql_response(accept):
        return JSONResponse(
            {"errors": errors}, status_code, media_type=GRAPHQL_RESPONSE_CONTENT_TYPE
        )
    return JSONResponse({"data": None, "errors": errors}, status_code=status_code)


def decode_object(data: str | bytes, allow_list: bool) -> object:
    """The JSON in `data`, if it is an object (or a list of objects, when allowed)."""
    decoded = parse_json(data)
    if isinstance(decoded, dict):
        return decoded
    if allow_list and isinstance(decoded, list) and all(isinstance(i, dict) for i in decoded):
        return decoded
    raise json.JSONDecodeError("Expected a JSON object.", "", 0)
