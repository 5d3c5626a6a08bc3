"""Sending the fuzz's HTTP requests a few at a time, and tallying and checking the answers."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from tests.acceptance.fuzzing.answers import changed, problems_in
from tests.acceptance.fuzzing.budget import IN_FLIGHT
from tests.acceptance.fuzzing.request import Request


@dataclass
class Tally:
    """What the fuzz sent and what came back."""

    statuses: Counter[int] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    websocket_sessions: int = 0
    websocket_messages: int = 0
    websocket_closes: Counter[str] = field(default_factory=Counter)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())


async def send(http: httpx.AsyncClient, request: Request) -> httpx.Response:
    url = "/graphql" + (f"?{request.query_string}" if request.query_string is not None else "")
    return await http.request(request.method, url, content=request.content, headers=request.headers)


async def run_requests(
    url: str,
    make: Callable[[int], Request],
    count: int,
    seconds: float,
    tally: Tally,
    on_answer: Callable[[Request, httpx.Response], None] | None = None,
) -> None:
    """Sends requests 0..count-1, IN_FLIGHT at a time, until done or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    numbers = iter(range(count))

    async def worker(http: httpx.AsyncClient) -> None:
        for n in numbers:
            if time.monotonic() > deadline:
                return
            request = make(n)
            try:
                response = await send(http, request)
            except httpx.TransportError as error:
                tally.problems.append(f"{request.label} #{n}: no answer ({error!r})")
                continue
            tally.statuses[response.status_code] += 1
            tally.kinds[request.label.split(" '")[0]] += 1
            label = f"{request.label} #{n}"
            tally.problems += problems_in(
                label, response.status_code, response.content, request.sent()
            )
            if request.must_refuse and changed(response):
                tally.problems.append(
                    f"{label}: carried out a change it must refuse: {response.text}"
                )
            if on_answer is not None:
                on_answer(request, response)

    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        await asyncio.gather(*(worker(http) for _ in range(IN_FLIGHT)))
