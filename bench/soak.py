"""Soak: many clients making mixed mutations for a while, then the final state checked against
every write the service acknowledged.

    python bench/soak.py [--clients 32] [--seconds 60] [--sqlite] [--quick]

Starts a private MariaDB (or, with --sqlite, a SQLite file) in a temporary folder, applies the
migrations, and serves the app as the release image does (two uvicorn workers, production mode).
Each client owns the todos it creates and is their only writer (creates, updates with and without
expectedVersion, deletes, setTodosCompleted and deleteTodos filtered to its own todos), so their
final state is exactly what its last acknowledged writes say. All clients also race on a few
shared todos with updateTodo: there every acknowledged success must have its own version, and the
final version must count them all. Prints the figures and the verdict; it reports, it does not
gate (exit status 0). Everything it started is stopped again.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
SHARED_TODOS = 8
STARTUP_SECONDS = 60
REQUEST_TIMEOUT_SECONDS = 30
TARGET_OWNED = 12  # live todos a client keeps, about

TODO_FIELDS = "fragment T on Todo { id title completed order version }"
CREATE = f"""mutation Create($input: CreateTodoInput!) {{
  createTodo(input: $input) {{ __typename ...T ... on ValidationError {{ field message }} }}
}} {TODO_FIELDS}"""
UPDATE = f"""mutation Update($id: ID!, $input: UpdateTodoInput!) {{
  updateTodo(id: $id, input: $input) {{
    __typename ...T
    ... on VersionConflictError {{ current {{ ...T }} }}
    ... on NotFoundError {{ id }}
    ... on ValidationError {{ field message }}
  }}
}} {TODO_FIELDS}"""
DELETE = f"""mutation Delete($id: ID!, $version: Int) {{
  deleteTodo(id: $id, expectedVersion: $version) {{
    __typename
    ... on DeletedTodo {{ id }}
    ... on VersionConflictError {{ current {{ ...T }} }}
    ... on NotFoundError {{ id }}
  }}
}} {TODO_FIELDS}"""
SET_COMPLETED = f"""mutation SetCompleted($completed: Boolean!, $filter: TodoFilter) {{
  setTodosCompleted(completed: $completed, filter: $filter) {{ affectedCount todos {{ ...T }} }}
}} {TODO_FIELDS}"""
DELETE_MATCHING = """mutation DeleteMatching($filter: TodoFilter) {
  deleteTodos(filter: $filter) { affectedCount deletedIds }
}"""
PAGE = f"""query Page($after: String, $filter: TodoFilter) {{
  todos(first: 100, after: $after, filter: $filter, sort: [{{field: CREATED_AT}}]) {{
    totalCount nodes {{ ...T }} pageInfo {{ hasNextPage endCursor }}
  }}
}} {TODO_FIELDS}"""


@dataclass
class Todo:
    """A todo as the last acknowledged write left it."""

    id: str
    title: str
    completed: bool
    order: int | None
    version: int

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Todo:
        return cls(data["id"], data["title"], data["completed"], data["order"], data["version"])


class Unexpected(Exception):
    """An answer no correct service gives to this client (kind, detail)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


@dataclass
class Figures:
    """Counts and latencies over every client."""

    outcomes: Counter[str] = field(default_factory=Counter)  # "operation: outcome"
    expected: Counter[str] = field(default_factory=Counter)
    unexpected: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)  # the first few unexpected ones
    latencies: list[float] = field(default_factory=list)
    resyncs: int = 0  # clients that read their todos back after an unexpected answer

    def unexpected_answer(self, operation: str, error: Unexpected) -> None:
        self.unexpected[error.kind] += 1
        if len(self.examples) < 10:
            self.examples.append(f"{operation}: {error}")


@dataclass
class Shared:
    """A todo every client updates: the acknowledged successes, as (version, title, completed)."""

    id: str
    version_seen: int = 1
    successes: list[tuple[int, str, bool]] = field(default_factory=list)
    uncertain: int = 0  # requests whose outcome is unknown (no answer)


class Api:
    """GraphQL over HTTP, timed, with every answer that no correct service gives raised."""

    def __init__(self, http: httpx.AsyncClient, figures: Figures) -> None:
        self.http = http
        self.figures = figures

    async def call(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            response = await self.http.post(
                "/graphql", json={"query": query, "variables": variables}
            )
        except httpx.TimeoutException as error:
            raise Unexpected("timeout", repr(error)) from None
        except httpx.TransportError as error:
            raise Unexpected("transport error", repr(error)) from None
        finally:
            self.figures.latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise Unexpected(f"HTTP {response.status_code}", response.text[:300])
        body = response.json()
        if body.get("errors"):
            first = body["errors"][0]
            code = (first.get("extensions") or {}).get("code", "no code")
            raise Unexpected(f"GraphQL error {code}", first.get("message", "")[:300])
        data: dict[str, Any] = body["data"]
        return data


class Client:
    """One client: the only writer of the todos it creates, and one of many on the shared ones."""

    def __init__(self, number: int, api: Api, shared: list[Shared], figures: Figures) -> None:
        self.number = number
        self.api = api
        self.shared = shared
        self.figures = figures
        self.rng = random.Random(f"soak:{number}")
        self.marker = f"[c{number:02d}]"  # in every title: a filter on it selects this client's
        self.owned: dict[str, Todo] = {}
        self.deleted: set[str] = set()
        self.uncertain: set[str] = set()  # no answer: the outcome is unknown
        self.unanswered_creates = 0
        self.writes = 0

    def title(self) -> str:
        self.writes += 1
        return f"{self.marker} {self.rng.choice(['walk', 'read', 'cook', 'call'])} #{self.writes}"

    async def run(self, until: float) -> None:
        operations = [
            (self.create, 18),
            (self.update_expected, 18),
            (self.update_blind, 10),
            (self.update_stale, 4),
            (self.delete_expected, 6),
            (self.delete_blind, 3),
            (self.delete_again, 2),
            (self.set_completed, 5),
            (self.delete_completed, 3),
            (self.update_shared_expected, 18),
            (self.update_shared_blind, 13),
        ]
        choices = [operation for operation, _ in operations]
        weights = [weight for _, weight in operations]
        while time.monotonic() < until:
            operation = self.rng.choices(choices, weights)[0]
            if not self.owned or (len(self.owned) < TARGET_OWNED // 2 and self.rng.random() < 0.5):
                operation = self.create
            name = operation.__name__
            try:
                outcome = await operation()
            except Unexpected as error:
                self.figures.unexpected_answer(name, error)
                outcome = f"unexpected {error.kind}"
                if error.kind not in ("timeout", "transport error"):
                    await self.resync()
            self.figures.outcomes[f"{name}: {outcome}"] += 1

    async def resync(self) -> None:
        """After an answer that left an outcome unknown, reads this client's todos back: as
        their only writer, what the service has now is what the model must hold (a request
        that timed out may still be running, so then the todos stay unknown instead)."""
        try:
            listed = await read_all(self.api, {"titleContains": self.marker})
        except Unexpected as error:
            self.figures.unexpected_answer("resync", error)
            return
        self.figures.resyncs += 1
        for todo_id in (set(self.owned) | self.uncertain) - set(listed):
            self.deleted.add(todo_id)
        # A todo acknowledged deleted stays in `deleted`: the final check reports it if it is back.
        self.owned = listed
        self.uncertain.clear()
        self.unanswered_creates = 0  # any todo they created is in `owned` now

    def pick(self) -> Todo:
        return self.rng.choice(list(self.owned.values()))

    def forget(self, todo_id: str, reason: str) -> Unexpected:
        """The todo's state is no longer known; the answer that made it so is unexpected."""
        self.owned.pop(todo_id, None)
        self.uncertain.add(todo_id)
        return Unexpected(reason, todo_id)

    async def create(self) -> str:
        todo_input = {
            "title": self.title(),
            "completed": self.rng.random() < 0.3,
            "order": self.rng.choice([None, self.rng.randrange(-1000, 1000)]),
        }
        try:
            data = await self.api.call(CREATE, {"input": todo_input})
        except Unexpected:
            self.unanswered_creates += 1  # a todo may or may not have been created
            raise
        created = data["createTodo"]
        if created["__typename"] != "Todo":
            raise Unexpected("refused create", str(created))
        todo = Todo.from_api(created)
        if (todo.title, todo.completed, todo.order, todo.version) != (
            todo_input["title"],
            todo_input["completed"],
            todo_input["order"],
            1,
        ):
            raise Unexpected("create answered other values", str(created))
        self.owned[todo.id] = todo
        return "created"

    def changes(self) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        while not changes:
            if self.rng.random() < 0.6:
                changes["title"] = self.title()
            if self.rng.random() < 0.5:
                changes["completed"] = self.rng.random() < 0.5
            if self.rng.random() < 0.3:
                changes["order"] = self.rng.choice([None, self.rng.randrange(-1000, 1000)])
        return changes

    async def update(self, todo: Todo, expected_version: int | None) -> dict[str, Any]:
        changes = self.changes()
        todo_input = {**changes}
        if expected_version is not None:
            todo_input["expectedVersion"] = expected_version
        try:
            data = await self.api.call(UPDATE, {"id": todo.id, "input": todo_input})
        except Unexpected as error:
            raise self.forget(todo.id, error.kind) from None
        updated: dict[str, Any] = data["updateTodo"]
        if updated["__typename"] == "Todo":
            after = Todo.from_api(updated)
            wanted = Todo(
                todo.id,
                changes.get("title", todo.title),
                changes.get("completed", todo.completed),
                changes.get("order", todo.order),
                todo.version + 1,
            )
            if after != wanted:
                raise self.forget(todo.id, f"update answered {after}, not {wanted}")
            self.owned[todo.id] = after
        return updated

    async def update_expected(self) -> str:
        todo = self.pick()
        updated = await self.update(todo, todo.version)
        if updated["__typename"] != "Todo":
            # The only writer, with the current version: nothing may conflict.
            raise self.forget(todo.id, f"own update {updated['__typename']}")
        return "updated"

    async def update_blind(self) -> str:
        todo = self.pick()
        updated = await self.update(todo, None)
        if updated["__typename"] != "Todo":
            raise self.forget(todo.id, f"own update {updated['__typename']}")
        return "updated"

    async def update_stale(self) -> str:
        todo = self.pick()
        updated = await self.update(todo, todo.version - 1)
        if updated["__typename"] != "VersionConflictError":
            raise self.forget(todo.id, f"stale update answered {updated['__typename']}")
        current = Todo.from_api(updated["current"])
        if current != todo:
            raise self.forget(todo.id, f"conflict reported {current}, not {todo}")
        self.figures.expected["VersionConflictError (stale version)"] += 1
        return "conflict, as expected"

    async def delete(self, todo: Todo, version: int | None) -> str:
        try:
            data = await self.api.call(DELETE, {"id": todo.id, "version": version})
        except Unexpected as error:
            raise self.forget(todo.id, error.kind) from None
        deleted = data["deleteTodo"]
        if deleted["__typename"] != "DeletedTodo" or deleted["id"] != todo.id:
            raise self.forget(todo.id, f"own delete answered {deleted}")
        del self.owned[todo.id]
        self.deleted.add(todo.id)
        return "deleted"

    async def delete_expected(self) -> str:
        todo = self.pick()
        return await self.delete(todo, todo.version)

    async def delete_blind(self) -> str:
        return await self.delete(self.pick(), None)

    async def delete_again(self) -> str:
        if not self.deleted:
            return await self.delete_blind()
        todo_id = self.rng.choice(sorted(self.deleted))
        data = await self.api.call(DELETE, {"id": todo_id, "version": None})
        if data["deleteTodo"]["__typename"] != "NotFoundError":
            raise Unexpected("deleted todo found again", str(data["deleteTodo"]))
        self.figures.expected["NotFoundError (deleted before)"] += 1
        return "not found, as expected"

    async def set_completed(self) -> str:
        completed = self.rng.random() < 0.5
        todo_filter: dict[str, Any] = {"titleContains": self.marker}
        if self.rng.random() < 0.5:
            todo_filter["completed"] = not completed
        wanted = {t.id for t in self.owned.values() if t.completed != completed}
        try:
            data = await self.api.call(
                SET_COMPLETED, {"completed": completed, "filter": todo_filter}
            )
        except Unexpected as error:
            for todo_id in wanted:
                self.forget(todo_id, error.kind)
            raise
        result = data["setTodosCompleted"]
        touched = {todo["id"]: Todo.from_api(todo) for todo in result["todos"]}
        if set(touched) != wanted or result["affectedCount"] != len(wanted):
            for todo_id in wanted | set(touched):
                self.forget(todo_id, "bulk update")
            raise Unexpected("setTodosCompleted touched others", f"{sorted(touched)} != {wanted}")
        for todo_id, after in touched.items():
            before = self.owned[todo_id]
            if after != Todo(todo_id, before.title, completed, before.order, before.version + 1):
                raise self.forget(todo_id, f"bulk update answered {after} after {before}")
            self.owned[todo_id] = after
        return f"{len(touched)} changed"

    async def delete_completed(self) -> str:
        todo_filter = {"titleContains": self.marker, "completed": True}
        wanted = {t.id for t in self.owned.values() if t.completed}
        try:
            data = await self.api.call(DELETE_MATCHING, {"filter": todo_filter})
        except Unexpected as error:
            for todo_id in wanted:
                self.forget(todo_id, error.kind)
            raise
        deleted = set(data["deleteTodos"]["deletedIds"])
        for todo_id in deleted & set(self.owned):
            del self.owned[todo_id]
        self.deleted |= deleted
        if deleted != wanted:
            raise Unexpected("deleteTodos deleted others", f"{sorted(deleted)} != {sorted(wanted)}")
        return f"{len(deleted)} deleted"

    async def update_shared(self, expect_version: bool) -> str:
        shared = self.rng.choice(self.shared)
        # Not the client's marker: its filtered bulk changes must not reach the shared todos.
        title = f"shared, by client {self.number} #{self.rng.randrange(10**6)}"
        todo_input: dict[str, Any] = {"title": title, "completed": self.rng.random() < 0.5}
        if expect_version:
            todo_input["expectedVersion"] = shared.version_seen
        try:
            data = await self.api.call(UPDATE, {"id": shared.id, "input": todo_input})
        except Unexpected:
            shared.uncertain += 1
            raise
        updated = data["updateTodo"]
        if updated["__typename"] == "VersionConflictError" and expect_version:
            shared.version_seen = max(shared.version_seen, updated["current"]["version"])
            self.figures.expected["VersionConflictError (shared todo)"] += 1
            return "conflict, as expected"
        if updated["__typename"] != "Todo":
            raise Unexpected(f"shared update {updated['__typename']}", str(updated))
        if (updated["title"], updated["completed"]) != (title, todo_input["completed"]):
            raise Unexpected("shared update answered other values", str(updated))
        shared.successes.append((updated["version"], title, updated["completed"]))
        shared.version_seen = max(shared.version_seen, updated["version"])
        return "updated"

    async def update_shared_expected(self) -> str:
        return await self.update_shared(expect_version=True)

    async def update_shared_blind(self) -> str:
        return await self.update_shared(expect_version=False)


# --- the final state ---------------------------------------------------------------------------


async def read_all(api: Api, todo_filter: dict[str, Any] | None = None) -> dict[str, Todo]:
    """Every todo (matching the filter), through the API, a page at a time."""
    todos: dict[str, Todo] = {}
    after = None
    total = None
    while True:
        page = (await api.call(PAGE, {"after": after, "filter": todo_filter}))["todos"]
        total = page["totalCount"]
        todos.update({todo["id"]: Todo.from_api(todo) for todo in page["nodes"]})
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    if total != len(todos):
        raise Unexpected("paging", f"{len(todos)} todos read, totalCount {total}")
    return todos


def check_final_state(
    final: dict[str, Todo], clients: list[Client], shared: list[Shared]
) -> tuple[list[str], Counter[str]]:
    """What the final state contradicts of the acknowledged writes; and what was checked."""
    wrong: list[str] = []
    checked: Counter[str] = Counter()
    for client in clients:
        for todo_id, todo in client.owned.items():
            checked["owned todos compared field by field"] += 1
            if final.get(todo_id) != todo:
                wrong.append(
                    f"{client.marker} {todo_id}: {final.get(todo_id)}, acknowledged {todo}"
                )
        for todo_id in client.deleted:
            checked["acknowledged deletions"] += 1
            if todo_id in final:
                wrong.append(f"{client.marker} {todo_id}: deleted, yet there: {final[todo_id]}")
        # Todos of this client the model does not know: creates that got no answer, at most.
        known = set(client.owned) | client.deleted | client.uncertain
        stray = [
            t for t in final.values() if t.title.startswith(client.marker) and t.id not in known
        ]
        if len(stray) > client.unanswered_creates:
            wrong.append(f"{client.marker}: {len(stray)} todos nobody acknowledged creating")
        checked["todos of unknown state (no answer)"] += len(client.uncertain)
    for racing in shared:
        checked["shared todos"] += 1
        checked["acknowledged shared updates"] += len(racing.successes)
        current = final.get(racing.id)
        versions = sorted(version for version, _, _ in racing.successes)
        if current is None:
            wrong.append(f"shared {racing.id}: gone")
            continue
        if len(set(versions)) != len(versions):
            wrong.append(f"shared {racing.id}: two acknowledged updates got the same version")
        if racing.uncertain == 0 and current.version != 1 + len(versions):
            wrong.append(
                f"shared {racing.id}: version {current.version} after {len(versions)} updates"
            )
        if versions and current.version < versions[-1]:
            wrong.append(
                f"shared {racing.id}: version {current.version} < acknowledged {versions[-1]}"
            )
        if racing.uncertain == 0 and racing.successes:
            _, title, completed = max(racing.successes)
            if (current.title, current.completed) != (title, completed):
                wrong.append(f"shared {racing.id}: {current}, last acknowledged {title!r}")
    return wrong, checked


# --- the service and its database --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class MariaDB:
    """A private MariaDB through scripts/mysql-server.sh, in a folder and on a port of its own
    (not the tests' build/mysql on 33061, which other runs may be using)."""

    def __init__(self, folder: Path) -> None:
        self.env = {
            **os.environ,
            "MYSQL_TEST_DIR": str(folder / "mysql"),
            "MYSQL_TEST_PORT": str(free_port()),
        }
        self.started = False

    def script(self, *arguments: str) -> str:
        result = subprocess.run(
            ["scripts/mysql-server.sh", *arguments],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()

    def start(self) -> str:
        self.started = True
        self.script("start")
        self.script("sql", "CREATE DATABASE soak")
        return self.script("url", "soak")

    def stop(self) -> None:
        if self.started:
            self.script("stop")


@contextlib.contextmanager
def database(sqlite: bool, folder: Path) -> Iterator[str]:
    if sqlite:
        yield f"sqlite://{folder / 'soak.sqlite3'}"
        return
    mariadb = MariaDB(folder)
    try:
        yield mariadb.start()
    finally:
        mariadb.stop()


@contextlib.contextmanager
def service(database_url: str, folder: Path) -> Iterator[tuple[str, Path]]:
    """The app as the release image runs it; yields its URL and its log file."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PRODUCTION": "true",
        "GRAPHIQL": "false",
        "LOG_LEVEL": "WARNING",  # errors only: the access log would be most of the run's work
    }
    subprocess.run(
        [sys.executable, "-m", "migrations", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "app:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", "2", "--no-access-log"]
    command += ["--timeout-graceful-shutdown", "3"]
    log = folder / "service.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url, log
    finally:
        # uvicorn's supervisor stops its workers on SIGTERM.
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the service exited with {process.returncode}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{url}/health").status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the service was not healthy within {STARTUP_SECONDS} s")


# --- the run -----------------------------------------------------------------------------------


async def soak(url: str, clients_count: int, seconds: float) -> None:
    figures = Figures()
    limits = httpx.Limits(max_connections=clients_count + 4)
    async with httpx.AsyncClient(
        base_url=url, timeout=REQUEST_TIMEOUT_SECONDS, limits=limits
    ) as http:
        api = Api(http, figures)
        shared = []
        for n in range(SHARED_TODOS):
            data = await api.call(CREATE, {"input": {"title": f"shared #{n}"}})
            shared.append(Shared(data["createTodo"]["id"]))
        clients = [Client(n, api, shared, figures) for n in range(clients_count)]
        figures.latencies.clear()
        started = time.monotonic()
        await asyncio.gather(*(client.run(started + seconds) for client in clients))
        elapsed = time.monotonic() - started
        requests = len(figures.latencies)
        latencies = sorted(figures.latencies)
        final = await read_all(api)
    wrong, checked = check_final_state(final, clients, shared)
    report(figures, requests, elapsed, latencies, final, wrong, checked)


def percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(
    figures: Figures,
    requests: int,
    elapsed: float,
    latencies: list[float],
    final: dict[str, Todo],
    wrong: list[str],
    checked: Counter[str],
) -> None:
    print(f"requests: {requests} in {elapsed:.1f} s ({requests / elapsed:.0f} req/s)")
    print(
        f"latency: p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, "
        f"max {percentile(latencies, 1.0) * 1000:.1f} ms"
    )
    print("operations:")
    by_operation: dict[str, Counter[str]] = {}
    for key, count in figures.outcomes.items():
        operation, outcome = key.split(": ", 1)
        by_operation.setdefault(operation, Counter())[outcome] += count
    for operation, outcomes in sorted(by_operation.items()):
        print(f"  {operation}: {outcomes.total()} {dict(outcomes.most_common(4))}")
    print(f"expected errors: {sum(figures.expected.values())} {dict(figures.expected)}")
    print(f"unexpected errors: {sum(figures.unexpected.values())} {dict(figures.unexpected)}")
    for example in figures.examples:
        print(f"  {example}")
    if figures.resyncs:
        print(f"clients that read their todos back after an unexpected answer: {figures.resyncs}")
    print(f"final state: {len(final)} todos; checked {dict(checked)}")
    if wrong:
        print(f"final state check: FAILED, {len(wrong)} contradictions")
        for line in wrong[:20]:
            print(f"  {line}")
    else:
        print("final state check: OK, equal to the acknowledged writes")
    verdict = "OK" if not wrong and not figures.unexpected else "NOT OK"
    print(f"verdict: {verdict}")


def report_log(log: Path) -> None:
    """The service's ERROR lines, grouped by the exception they end with."""
    errors: Counter[str] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        if "ERROR" not in line:
            continue
        try:
            entry = json.loads(line)  # production mode logs JSON lines
            exception = str(entry.get("exception") or entry.get("message"))
            errors[f"{entry.get('message')}: {exception.strip().splitlines()[-1]}"] += 1
        except (ValueError, AttributeError):
            errors[line[:200]] += 1
    print(f"service log: {errors.total()} ERROR lines")
    for error, count in errors.most_common(8):
        print(f"  {count} x {error[:250]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of MariaDB")
    parser.add_argument("--quick", action="store_true", help="4 clients for 5 s")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.clients, arguments.seconds = 4, 5.0
    kind = "SQLite" if arguments.sqlite else "MariaDB"
    print(f"soak: {arguments.clients} clients x {arguments.seconds:g} s on {kind}, 2 workers")
    folder = Path(tempfile.mkdtemp(prefix="todobackend-soak-"))
    started = time.monotonic()
    try:
        with database(arguments.sqlite, folder) as url, service(url, folder) as (base, log):
            asyncio.run(soak(base, arguments.clients, arguments.seconds))
            report_log(log)
    except Exception as error:  # it reports: a failure to run is a figure too
        print(f"soak did not complete: {error!r}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"run time: {time.monotonic() - started:.1f} s (setup and checks included)")


if __name__ == "__main__":
    main()
