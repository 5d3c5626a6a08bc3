"""What every operation of a model-test client builds on: talking to the service (any 5xx, lost
answer or internal error is a violation), recording acknowledged changes in the shared view of
the todos, and picking what to send."""

from __future__ import annotations

import base64
import json
import random
from typing import Any

import httpx

from tests.acceptance.model.documents import NEEDLES, WORDS
from tests.acceptance.model.records import Ack, Filter, History, State

JSON = {"content-type": "application/json"}


class ClientCore:
    """One client's connection to the service and its share of the model's records."""

    def __init__(
        self,
        url: str,
        rng: random.Random,
        known: dict[str, State],
        history: History,
        headers: dict[str, str] | None = None,
        strangers: dict[str, State] | None = None,
    ) -> None:
        # `headers`: the user's bearer token in jwt mode; `strangers`: another user's view of
        # their todos, which this one then tries to read and change now and then (each answer
        # must be the one for a todo that does not exist).
        self.http = httpx.AsyncClient(base_url=url, headers=headers, timeout=30)
        self.strangers = strangers if strangers is not None else {}
        self.rng = rng
        self.known = known  # every client's last view of each todo, shared
        self.history = history

    # Talking to the service.

    async def _send(self, method: str, path: str, body: object = None) -> httpx.Response | None:
        # ASCII JSON, as a browser may send it: escapes such as a lone "\ud800" reach the server.
        content = None if body is None else json.dumps(body)
        try:
            response = await self.http.request(
                method, path, content=content, headers=JSON if content else None
            )
        except httpx.HTTPError as error:
            self.history.violation(f"{method} {path}: no answer ({error!r})")
            return None
        self.history.requests += 1
        if response.status_code >= 500:
            self.history.violation(f"{method} {path}: {response.status_code} {response.text[:200]}")
            return None
        return response

    async def _graphql(self, query: str, **variables: Any) -> dict[str, Any] | None:
        response = await self._send("POST", "/graphql", {"query": query, "variables": variables})
        if response is None:
            return None
        body: dict[str, Any] = response.json()
        for error in body.get("errors") or []:
            if (error.get("extensions") or {}).get("code") == "INTERNAL_SERVER_ERROR":
                self.history.violation(f"INTERNAL_SERVER_ERROR for {query.split('(')[0]}")
                return None
        return body

    def _unexpected(self, operation: str, answer: object) -> None:
        self.history.violation(f"{operation}: unexpected answer {str(answer)[:300]}")

    def _acknowledge(self, ack: Ack) -> None:
        self.history.acks.append(ack)
        for state in ack.written:
            if state.version is not None or state.id not in self.known:
                self.known[state.id] = state
        for todo_id in ack.deleted:
            self.known.pop(todo_id, None)

    # What to send.

    def _title(self) -> str:
        words = self.rng.sample(WORDS, self.rng.randint(1, 3))
        return f"{' '.join(words)} {self.rng.randrange(1000)}"

    def _pick(self) -> State | None:
        if self.strangers and self.rng.random() < 0.1:
            return self.rng.choice(list(self.strangers.values()))
        if not self.known or self.rng.random() < 0.05:
            return None
        return self.rng.choice(list(self.known.values()))

    def _filter(self) -> Filter:
        completed = self.rng.choice([None, True, False])
        needle = self.rng.choice([None, None, *NEEDLES])
        return Filter(completed, needle)

    @staticmethod
    def _filter_input(todo_filter: Filter) -> dict[str, Any]:
        value: dict[str, Any] = {}
        if todo_filter.completed is not None:
            value["completed"] = todo_filter.completed
        if todo_filter.title_contains is not None:
            value["titleContains"] = todo_filter.title_contains
        return value

    @staticmethod
    def _pk(state: State | None) -> str:
        if state is None:
            return "2000000000"
        return base64.b64decode(state.id).decode().removeprefix("Todo:")
