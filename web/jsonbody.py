"""Request bodies as JSON, strictly: UTF-8 text and nothing else, shared by GraphQL and REST;
and GraphQL's answers written as JSON."""

from __future__ import annotations

import json

import orjson


def dump_json(data: object) -> str:
    """`data` as compact JSON text: orjson's (a page of 100 todos in a twentieth of json's time),
    or json's (ASCII) for what orjson refuses, such as a lone surrogate in a message."""
    try:
        return orjson.dumps(data).decode()
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(data, separators=(",", ":"), default=_unfragment)


def _unfragment(value: object) -> object:
    """JSON the database wrote (graph/fast/written.py), for json: the value it holds."""
    if isinstance(value, orjson.Fragment):
        return orjson.loads(value.contents)
    raise TypeError(f"{type(value).__name__} is not JSON")


def parse_json(data: str | bytes) -> object:
    """The JSON value in `data`. Anything else raises json.JSONDecodeError (a ValueError): bytes
    that are not UTF-8, a byte order mark, malformed or absurdly nested JSON, or an integer with
    more digits than Python converts."""
    try:
        # Plain utf-8, not utf-8-sig: a byte order mark is not JSON (json.loads refuses it).
        text = data if isinstance(data, str) else data.decode("utf-8")
    except UnicodeDecodeError:
        raise json.JSONDecodeError("The body is not UTF-8.", "", 0) from None
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("The JSON is nested too deeply.", text, 0) from None
    except json.JSONDecodeError:
        raise
    except ValueError as error:  # e.g. an integer of more digits than Python converts
        raise json.JSONDecodeError(str(error), text, 0) from None
