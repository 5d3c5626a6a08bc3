"""The REST operations of a model-test client: POST, PUT, PATCH, DELETE (of one todo and of the
list) and GET, valid and invalid; every answer is an acknowledged change, a refusal or a
violation."""

from __future__ import annotations

import time
from typing import Any

from tests.acceptance.model.client_core import ClientCore
from tests.acceptance.model.records import Ack, Filter, State, global_id


class RestOperations(ClientCore):
    """The operations of a client over REST."""

    async def rest_create(self) -> None:
        title = self._title()
        completed = self.rng.random() < 0.3
        sent = time.monotonic()
        response = await self._send(
            "POST", "/todos", {"title": title, "completed": completed, "order": None}
        )
        if response is None:
            return
        if response.status_code != 201:
            return self._unexpected("POST /todos", response.text)
        answer = response.json()
        state = State(global_id(answer["url"].rsplit("/", 1)[1]), title, completed, None, 1)
        if (answer["title"], answer["completed"], answer["order"]) != state.fields():
            return self._unexpected("POST /todos (other values)", answer)
        self._acknowledge(Ack("POST /todos", sent, time.monotonic(), written=[state]))

    async def rest_create_invalid(self) -> None:
        body = self.rng.choice(
            [{"title": 5}, {"title": "x", "completed": "yes"}, {"title": "x", "order": 2**31},
             {}, {"title": ""}, {"title": "lone \ud800"}, [1, 2]]
        )  # fmt: skip
        response = await self._send("POST", "/todos", body)
        if response is None:
            return
        if response.status_code != 400:
            return self._unexpected("POST /todos (invalid)", response.text)
        self.history.refusal("POST /todos (invalid)")

    async def _rest_update(self, method: str, full: bool) -> None:
        target = self._pick()
        fields: dict[str, Any] = {}
        if full or self.rng.random() < 0.5:
            fields["title"] = self._title()
        if full or self.rng.random() < 0.6:
            fields["completed"] = self.rng.random() < 0.5
        if full or self.rng.random() < 0.3:
            fields["order"] = self.rng.choice([None, self.rng.randrange(-50, 50)])
        path = f"/todos/{self._pk(target)}"
        sent = time.monotonic()
        response = await self._send(method, path, fields)
        if response is None:
            return
        if response.status_code == 404:
            self.history.refusal(f"{method} /todos/<id> (not found)")
            return
        if response.status_code != 200 or target is None:
            return self._unexpected(f"{method} {path}", response.text)
        answer = response.json()
        state = State(target.id, answer["title"], answer["completed"], answer["order"])
        if any(answer[name] != value for name, value in fields.items()):
            return self._unexpected(f"{method} {path} (other values)", answer)
        self._acknowledge(Ack(f"{method} /todos/<id>", sent, time.monotonic(), written=[state]))

    async def rest_replace(self) -> None:
        await self._rest_update("PUT", full=True)

    async def rest_patch(self) -> None:
        await self._rest_update("PATCH", full=False)

    async def rest_invalid(self) -> None:
        body = self.rng.choice(
            [{"completed": "yes"}, {"title": None}, {"order": 1.5}, {"title": "  "}, "text"]
        )
        method = self.rng.choice(["PUT", "PATCH"])
        response = await self._send(method, f"/todos/{self._pk(self._pick())}", body)
        if response is None:
            return
        if response.status_code not in (400, 404):
            return self._unexpected(f"{method} /todos/<id> (invalid)", response.text)
        self.history.refusal(f"{method} /todos/<id> (invalid)")

    async def rest_delete(self) -> None:
        target = self._pick()
        sent = time.monotonic()
        response = await self._send("DELETE", f"/todos/{self._pk(target)}")
        if response is None:
            return
        if response.status_code == 404:
            self.history.refusal("DELETE /todos/<id> (not found)")
        elif response.status_code == 204 and target is not None:
            ack = Ack("DELETE /todos/<id>", sent, time.monotonic(), deleted=[target.id])
            self._acknowledge(ack)
        else:
            self._unexpected("DELETE /todos/<id>", response.text)

    async def rest_delete_all(self) -> None:
        sent = time.monotonic()
        response = await self._send("DELETE", "/todos")
        if response is None:
            return
        if response.status_code != 204:
            return self._unexpected("DELETE /todos", response.text)
        ack = Ack("DELETE /todos", sent, time.monotonic(), deletes_all=True)
        ack.bulk = Filter()
        self.history.acks.append(ack)
        self.known.clear()

    async def rest_read(self) -> None:
        path = f"/todos/{self._pk(self._pick())}" if self.rng.random() < 0.7 else "/todos"
        response = await self._send("GET", path)
        if response is not None and response.status_code not in (200, 404):
            self._unexpected(f"GET {path}", response.text)
