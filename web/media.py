"""GraphQL over HTTP's media types: `application/graphql-response+json` for the clients that ask
for it (Apollo Client 4 asks for it first), with the spec's status codes; `application/json`,
as before, for everyone else."""

from __future__ import annotations

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
GRAPHQL_RESPONSE_CONTENT_TYPE = f"{GRAPHQL_RESPONSE}; charset=utf-8"


def _quality(accept: str, media_type: str) -> float:
    """The q a client's Accept gives `media_type` by name (0 when it does not name it)."""
    best = 0.0
    for entry in accept.split(","):
        name, *parameters = (part.strip() for part in entry.split(";"))
        if name.lower() != media_type:
            continue
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        best = max(best, quality)
    return best


def wants_graphql_response(accept: str | None) -> bool:
    """Whether a response should be `application/graphql-response+json`: the client names it,
    and prefers it at least as much as `application/json` (`*/*` or no Accept: JSON)."""
    if not accept:
        return False
    preferred = _quality(accept, GRAPHQL_RESPONSE)
    return preferred > 0 and preferred >= _quality(accept, JSON)


def is_request_error(result: dict[str, object]) -> bool:
    """Whether a GraphQL result is a request error (the document did not parse or validate, or
    its variables were wrong): no data, and no error with a path (a field's)."""
    errors = result.get("errors")
    if result.get("data") is not None or not isinstance(errors, list) or not errors:
        return False
    return all(isinstance(error, dict) and "path" not in error for error in errors)
