"""web/protocol.py: a turn of the event loop's writes leave in one, nothing lost or reordered; and
every command that serves the app uses it (the acceptance tests all run through it)."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.servers import APP, SERVE
from web.protocol import CoalescingTransport

ROOT = Path(__file__).parents[2]


class RecordingTransport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = self.aborted = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed or self.aborted

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def get_extra_info(self, name: str) -> Any:
        return ("127.0.0.1", 8000) if name == "sockname" else None


async def coalescing() -> tuple[CoalescingTransport, RecordingTransport]:
    recording = RecordingTransport()
    transport: Any = recording
    return CoalescingTransport(transport, asyncio.get_running_loop()), recording


async def test_one_turns_writes_leave_as_one_at_its_end() -> None:
    transport, recording = await coalescing()
    transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
    transport.write(memoryview(b"{}"))
    assert recording.writes == []
    await asyncio.sleep(0)
    assert recording.writes == [b"HTTP/1.1 200 OK\r\n\r\n{}"]
    transport.write(b"next")
    await asyncio.sleep(0)
    assert recording.writes == [b"HTTP/1.1 200 OK\r\n\r\n{}", b"next"]


async def test_closing_sends_what_was_written_first_and_aborting_drops_it() -> None:
    transport, recording = await coalescing()
    transport.write(b"last words")
    transport.close()
    assert (recording.writes, recording.closed) == ([b"last words"], True)
    await asyncio.sleep(0)
    assert recording.writes == [b"last words"]
    transport, recording = await coalescing()
    transport.write(b"dropped")
    transport.abort()
    await asyncio.sleep(0)
    assert (recording.writes, recording.aborted) == ([], True)


async def test_everything_else_is_the_transports() -> None:
    transport, _ = await coalescing()
    assert transport.get_extra_info("sockname") == ("127.0.0.1", 8000)


@pytest.mark.repository
def test_the_makefile_and_the_image_serve_the_app_as_the_tests_do() -> None:
    # The last stage's CMD: the release image's (the test stage's runs pytest).
    commands = re.findall(r"^CMD (\[.*\])$", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    command: list[str] = json.loads(commands[-1])
    recipe = (ROOT / "Makefile").read_text().split("\nrun:")[1].split("\n\n")[0]
    run = recipe.replace("\\\n", " ").split()
    for served in (command, run):
        start = served.index(APP[0])
        assert tuple(served[start - len(SERVE) : start + len(APP)]) == SERVE + APP, served
