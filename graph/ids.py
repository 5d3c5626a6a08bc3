"""Relay global IDs: base64 of "Todo:<primary key>", as Strawberry's relay support makes them."""

from __future__ import annotations

from strawberry import relay

from models import parse_primary_key

TODO_TYPE = "Todo"


def todo_global_id(pk: int) -> str:
    return relay.to_base64(TODO_TYPE, pk)


def todo_pk(global_id: str) -> int | None:
    """The primary key in a Todo's global ID; None for a malformed ID or one of another type."""
    try:
        decoded = relay.GlobalID.from_id(global_id)
    except relay.GlobalIDValueError:
        return None
    if decoded.type_name != TODO_TYPE:
        return None
    return parse_primary_key(decoded.node_id)
