"""A client of the model test: a random mix of GraphQL and REST operations, valid and invalid,
on todos that every client shares; each answer is recorded as an acknowledged change or a
refusal, and any answer no correct service gives as a violation."""

from __future__ import annotations

import base64
import json
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from tests.acceptance.model.records import Ack, Filter, History, State, global_id

TODO = "id title completed order version"
CREATE = f"""mutation Create($input: CreateTodoInput!) {{
  createTodo(input: $input) {{ __typename ... on Todo {{ {TODO} }} }}
}}"""
UPDATE = f"""mutation Update($id: ID!, $input: UpdateTodoInput!) {{
  updateTodo(id: $id, input: $input) {{
    __typename ... on Todo {{ {TODO} }} ... on VersionConflictError {{ current {{ {TODO} }} }}
  }}
}}"""
DELETE = """mutation Delete($id: ID!, $version: Int) {
  deleteTodo(id: $id, expectedVersion: $version) { __typename ... on DeletedTodo { id } }
}"""
SET_COMPLETED = f"""mutation Set($completed: Boolean!, $filter: TodoFilter) {{
  setTodosCompleted(completed: $completed, filter: $filter) {{ affectedCount todos {{ {TODO} }} }}
}}"""
DELETE_MATCHING = """mutation Clear($filter: TodoFilter) {
  deleteTodos(filter: $filter) { affectedCount deletedIds }
}"""
READ = f"""query Read($id: ID!, $filter: TodoFilter) {{
  todo(id: $id) {{ {TODO} }}
  todos(first: 10, filter: $filter) {{ totalCount nodes {{ {TODO} }} }}
  todoStats {{ total completed active }}
}}"""

WORDS = ("milk", "Bread", "EGGS", "tea", "Café", "🍣", "100%", "a_b", "Kırmızı", "漢字")  # noqa: RUF001
NEEDLES = ("milk", "MILK", "bread", "eggs", "tea", "100%", "a_b")
BAD_TITLES = ("", "   ", "x" * 257, "lone \ud800 surrogate", "\t\n")
JSON = {"content-type": "application/json"}
UNKNOWN_ID = global_id(2_000_000_000)


class Client:
    def __init__(
        self, url: str, rng: random.Random, known: dict[str, State], history: History
    ) -> None:
        self.http = httpx.AsyncClient(base_url=url, timeout=30)
        self.rng = rng
        self.known = known  # every client's last view of each todo, shared
        self.history = history
        self.operations: list[tuple[Callable[[], Awaitable[None]], float]] = [
            (self.create, 10),
            (self.create_invalid, 2),
            (self.rest_create, 5),
            (self.rest_create_invalid, 1),
            (self.update, 14),
            (self.update_invalid, 2),
            (self.rest_replace, 3),
            (self.rest_patch, 4),
            (self.rest_invalid, 1),
            (self.delete, 3),
            (self.rest_delete, 2),
            (self.set_completed, 2),
            (self.delete_matching, 1),
            (self.bulk_invalid, 1),
            (self.wrong_types, 1),
            (self.read, 3),
            (self.rest_read, 2),
        ]

    async def run(self, until: float, rest_deletes_all: bool) -> None:
        operations = [operation for operation, _ in self.operations]
        weights = [weight for _, weight in self.operations]
        if rest_deletes_all:
            operations.append(self.rest_delete_all)
            weights.append(0.2)  # rare: it empties the list that the others work on
        try:
            while time.monotonic() < until:
                await self.rng.choices(operations, weights)[0]()
        finally:
            await self.http.aclose()

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

    # The operations.

    async def create(self) -> None:
        title = self._title()
        todo_input = {"title": f" {title} ", "completed": self.rng.random() < 0.3}
        if self.rng.random() < 0.7:
            todo_input["order"] = self.rng.choice([None, self.rng.randrange(-50, 50)])
        sent = time.monotonic()
        body = await self._graphql(CREATE, input=todo_input)
        if body is None:
            return
        created = (body.get("data") or {}).get("createTodo") or {}
        if created.get("__typename") != "Todo":
            return self._unexpected("createTodo", body)
        state = State.from_graphql(created)
        if state.fields() != (title, todo_input["completed"], todo_input.get("order")):
            return self._unexpected("createTodo (other values)", body)
        if state.version != 1:
            return self._unexpected("createTodo (version)", body)
        self._acknowledge(Ack("createTodo", sent, time.monotonic(), written=[state]))

    async def create_invalid(self) -> None:
        body = await self._graphql(CREATE, input={"title": self.rng.choice(BAD_TITLES)})
        if body is None:
            return
        created = (body.get("data") or {}).get("createTodo") or {}
        if created.get("__typename") != "ValidationError":
            return self._unexpected("createTodo (invalid)", body)
        self.history.refusal("createTodo (invalid)")

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

    async def update(self) -> None:
        target = self._pick()
        changes: dict[str, Any] = {}
        if self.rng.random() < 0.5:
            changes["title"] = self._title()
        if self.rng.random() < 0.6:
            changes["completed"] = self.rng.random() < 0.5
        if self.rng.random() < 0.3:
            changes["order"] = self.rng.choice([None, self.rng.randrange(-50, 50)])
        expected = None
        if target is not None and target.version is not None and self.rng.random() < 0.4:
            expected = target.version
            changes["expectedVersion"] = expected
        todo_id = UNKNOWN_ID if target is None else target.id
        sent = time.monotonic()
        body = await self._graphql(UPDATE, id=todo_id, input=changes)
        if body is None:
            return
        updated = (body.get("data") or {}).get("updateTodo") or {}
        kind = updated.get("__typename")
        if kind == "Todo":
            state = State.from_graphql(updated)
            sent_fields = {"title": state.title, "completed": state.completed, "order": state.order}
            if any(sent_fields[name] != changes[name] for name in changes if name in sent_fields):
                return self._unexpected("updateTodo (other values)", body)
            if expected is not None and state.version != expected + 1:
                return self._unexpected("updateTodo (version)", body)
            self._acknowledge(Ack("updateTodo", sent, time.monotonic(), written=[state]))
        elif kind == "NotFoundError" or (kind == "VersionConflictError" and expected is not None):
            self.history.refusal(f"updateTodo ({kind})")
        else:
            self._unexpected("updateTodo", body)

    async def update_invalid(self) -> None:
        target = self._pick()
        changes = self.rng.choice(
            [{"title": None}, {"completed": None}, {"title": self.rng.choice(BAD_TITLES)}]
        )
        todo_id = UNKNOWN_ID if target is None else target.id
        body = await self._graphql(UPDATE, id=todo_id, input=changes)
        if body is None:
            return
        updated = (body.get("data") or {}).get("updateTodo") or {}
        if updated.get("__typename") != "ValidationError":
            return self._unexpected("updateTodo (invalid)", body)
        self.history.refusal("updateTodo (invalid)")

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

    async def delete(self) -> None:
        target = self._pick()
        version = None
        if target is not None and target.version is not None and self.rng.random() < 0.5:
            version = target.version
        todo_id = UNKNOWN_ID if target is None else target.id
        sent = time.monotonic()
        body = await self._graphql(DELETE, id=todo_id, version=version)
        if body is None:
            return
        deleted = (body.get("data") or {}).get("deleteTodo") or {}
        kind = deleted.get("__typename")
        if kind == "DeletedTodo" and deleted["id"] == todo_id:
            self._acknowledge(Ack("deleteTodo", sent, time.monotonic(), deleted=[todo_id]))
        elif kind == "NotFoundError" or (kind == "VersionConflictError" and version is not None):
            self.history.refusal(f"deleteTodo ({kind})")
        else:
            self._unexpected("deleteTodo", body)

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

    async def set_completed(self) -> None:
        completed = self.rng.random() < 0.5
        todo_filter = self._filter()
        sent = time.monotonic()
        body = await self._graphql(
            SET_COMPLETED, completed=completed, filter=self._filter_input(todo_filter)
        )
        if body is None:
            return
        result = (body.get("data") or {}).get("setTodosCompleted")
        if result is None or result["affectedCount"] != len(result["todos"]):
            return self._unexpected("setTodosCompleted", body)
        written = [State.from_graphql(todo) for todo in result["todos"]]
        if any(state.completed != completed for state in written):
            return self._unexpected("setTodosCompleted (a todo left unchanged)", body)
        ack = Ack("setTodosCompleted", sent, time.monotonic(), written=written)
        ack.bulk, ack.completed = todo_filter, completed
        self._acknowledge(ack)

    async def delete_matching(self) -> None:
        # Mostly TodoMVC's "clear completed".
        todo_filter = Filter(True) if self.rng.random() < 0.7 else self._filter()
        sent = time.monotonic()
        body = await self._graphql(DELETE_MATCHING, filter=self._filter_input(todo_filter))
        if body is None:
            return
        result = (body.get("data") or {}).get("deleteTodos")
        if result is None or result["affectedCount"] != len(result["deletedIds"]):
            return self._unexpected("deleteTodos", body)
        ack = Ack("deleteTodos", sent, time.monotonic(), deleted=list(result["deletedIds"]))
        ack.bulk = todo_filter
        self._acknowledge(ack)

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

    async def bulk_invalid(self) -> None:
        query = self.rng.choice([SET_COMPLETED, DELETE_MATCHING])
        body = await self._graphql(query, completed=True, filter={"titleContains": "a\ud800"})
        if body is None:
            return
        codes = [(error.get("extensions") or {}).get("code") for error in body.get("errors", [])]
        if codes != ["BAD_USER_INPUT"] or body.get("data") is not None:
            return self._unexpected("bulk change (filter not text)", body)
        self.history.refusal("bulk change (filter not text)")

    async def wrong_types(self) -> None:
        target = self._pick()
        wrong: list[tuple[str, dict[str, Any]]] = [
                (CREATE, {"input": {"title": 5}}),
                (CREATE, {"input": {"title": "x", "order": 2**40}}),
                (UPDATE, {"id": UNKNOWN_ID if target is None else target.id,
                          "input": {"completed": "yes"}}),
                (DELETE, {"id": 5, "version": "one"}),
        ]  # fmt: skip
        query, variables = self.rng.choice(wrong)
        body = await self._graphql(query, **variables)
        if body is None:
            return
        if not body.get("errors") or body.get("data") is not None:
            return self._unexpected("wrong types", body)
        self.history.refusal("wrong types")

    async def read(self) -> None:
        target = self._pick()
        todo_filter = self._filter_input(self._filter())
        body = await self._graphql(
            READ, id=UNKNOWN_ID if target is None else target.id, filter=todo_filter
        )
        if body is not None and body.get("errors"):
            self._unexpected("read", body)

    async def rest_read(self) -> None:
        path = f"/todos/{self._pk(self._pick())}" if self.rng.random() < 0.7 else "/todos"
        response = await self._send("GET", path)
        if response is not None and response.status_code not in (200, 404):
            self._unexpected(f"GET {path}", response.text)
