"""What the WebSocket handlers treat as a subscriber gone, rather than an error to log."""

from __future__ import annotations

from strawberry.http.exceptions import WebSocketDisconnected
from websockets.exceptions import ConnectionClosedOK, InvalidState
from websockets.frames import Close

from graph.websockets import _went_away


def test_a_socket_that_closed_under_a_send_is_a_subscriber_gone() -> None:
    # uvicorn's websockets implementation raises InvalidState when the socket is closing.
    assert _went_away(InvalidState("connection is closing"))
    assert _went_away(WebSocketDisconnected())
    assert _went_away(ConnectionClosedOK(Close(1000, ""), Close(1000, ""), rcvd_then_sent=True))


def test_other_failures_are_still_errors() -> None:
    assert not _went_away(ValueError("a bug"))
    assert not _went_away(RuntimeError("connection is closing"))
