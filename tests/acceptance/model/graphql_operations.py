"""The GraphQL operations of a model-test client: creates, updates and deletes of one todo, bulk
changes, reads, and invalid variants of each; every answer is an acknowledged change, a refusal
or a violation."""

from __future__ import annotations

import time
from typing import Any

from tests.acceptance.model.client_core import ClientCore
from tests.acceptance.model.documents import (
    BAD_TITLES,
    CREATE,
    DELETE,
    DELETE_MATCHING,
    READ,
    SET_COMPLETED,
    UNKNOWN_ID,
    UPDATE,
)
from tests.acceptance.model.records import Ack, Filter, State


class GraphQLOperations(ClientCore):
    """The operations of a client over GraphQL."""

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
