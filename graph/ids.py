"""Relay global IDs: base64 of "Todo:<primary key>", as Strawberry's relay support makes them."""

from __future__ import annotations

from strawberry import relay

TODO_TYPE = "Todo"
# Primary keys are signed 32-bit integers in both databases.
MAX_PRIMARY_KEY = 2**31 - 1


def todo_global_id(pk: int) -> str:
    return relay.to_base64(TODO_TYPE, pk)


def todo_pk(global_id: str) -> int | None:
    """The primary key in a Todo's global ID; None for a malformed ID or one of another type."""
    try:
        decoded = relay.GlobalID.from_id(global_id)
    except relay.GlobalIDValueError:
        return None
    node_id = decoded.node_id
    if decoded.type_name != TODO_TYPE or not node_id.isascii() or not node_id.isdigit():
        return None
    if len(node_id) > len(str(MAX_PRIMARY_KEY)):  # too long for a key (and for int() to parse)
        return None
    pk = int(node_id)
    return pk if 0 < pk <= MAX_PRIMARY_KEY else None
