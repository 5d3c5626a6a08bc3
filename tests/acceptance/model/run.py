"""Running the model test against a service: the load, the subscribers, the final reads, the checks.

    python -m tests.acceptance.model [--seconds 120] [--seed N] [--clients 8] [--only CONFIG]

(`make soak`) starts each configuration itself, as tests/acceptance/test_model.py does for a
CI-sized run, and prints the seed of every run so that a failure can be replayed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.acceptance.conftest import JWT_MODE, LocalRedis, running_server
from tests.acceptance.model.clients import Client
from tests.acceptance.model.documents import CREATE
from tests.acceptance.model.invariants import Checker
from tests.acceptance.model.records import Ack, Event, History, State
from tests.acceptance.model.subscribers import PROTOCOLS, Subscriber
from tests.databases import database_url, recreate
from tests.tokens import bearer, token

# "jwt": AUTH_MODE=jwt, with two users racing, each checked against a history of their own.
CONFIGURATIONS = ("sqlite", "mysql", "mysql-2-workers-redis", "mysql-jwt")
USERS = ("alice", "bob")

SYNC_SECONDS = 30
PAGE_SIZE = 7
SORTS: list[list[dict[str, str]] | None] = [None] + [
    [{"field": sort_field, "direction": direction}]
    for sort_field in ("ORDER", "TITLE", "CREATED_AT", "UPDATED_AT")
    for direction in ("ASC", "DESC")
]
PAGE = """query Page($sort: [TodoSort!], $after: String, $first: Int) {
  todos(sort: $sort, first: $first, after: $after) {
    totalCount nodes { id title completed order version } pageInfo { hasNextPage endCursor }
  }
}"""
STATS = "{ todoStats { total completed active } }"


@dataclass
class Report:
    seed: int
    seconds: float
    requests: int = 0
    acknowledged: int = 0
    refused: int = 0
    events: int = 0
    resumes: int = 0
    todos_left: int = 0
    violations: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"seed {self.seed}: {self.requests} requests in {self.seconds:.0f} s, "
            f"{self.acknowledged} changes acknowledged, {self.refused} refused, "
            f"{self.events} events, {self.resumes} resumes, {self.todos_left} todos left, "
            f"{len(self.violations)} violations"
        )


async def _create(http: httpx.AsyncClient, title: str) -> tuple[Ack, State]:
    sent = time.monotonic()
    response = await http.post(
        "/graphql", json={"query": CREATE, "variables": {"input": {"title": title}}}
    )
    state = State.from_graphql(response.json()["data"]["createTodo"])
    return Ack("createTodo", sent, time.monotonic(), written=[state]), state


async def _every_page(
    http: httpx.AsyncClient, sort: list[dict[str, str]] | None, violations: list[str]
) -> list[State]:
    todos: list[State] = []
    after = None
    while True:
        variables: dict[str, Any] = {"sort": sort, "after": after, "first": PAGE_SIZE}
        body = (await http.post("/graphql", json={"query": PAGE, "variables": variables})).json()
        page = body["data"]["todos"]
        todos += [State.from_graphql(node) for node in page["nodes"]]
        if page["totalCount"] < len(todos) or (
            not page["pageInfo"]["hasNextPage"] and page["totalCount"] != len(todos)
        ):
            violations.append(f"sort {sort}: totalCount {page['totalCount']}, {len(todos)} listed")
        if not page["pageInfo"]["hasNextPage"]:
            return todos
        after = page["pageInfo"]["endCursor"]


def _from(events: list[Event], todo_id: str) -> int:
    return next(i for i, e in enumerate(events) if e.id == todo_id and e.kind == "CREATED")


async def run_model(
    url: str,
    *,
    seed: int,
    seconds: float,
    clients: int = 8,
    rest_deletes_all: bool = True,
    headers: dict[str, str] | None = None,
    known: dict[str, State] | None = None,
    strangers: dict[str, State] | None = None,
) -> Report:
    """Load the service at `url` (which starts with no todos, for this user: `headers` carry
    their token in jwt mode) and check what it answered. `known` gathers the clients' view of
    the user's todos; `strangers` is another user's, whose todos the clients try now and then."""
    known = {} if known is None else known
    rng = random.Random(seed)
    history = History()
    report = Report(seed, seconds)
    listeners = [
        Subscriber(url, protocol, history, headers=headers)
        for protocol in (*PROTOCOLS, PROTOCOLS[0])
    ]
    tasks = [asyncio.create_task(listener.run()) for listener in listeners]
    resumer = Subscriber(url, rng.choice(PROTOCOLS), history, random.Random(seed + 1), headers)
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as http:
        try:
            # Subscriptions start asynchronously: a todo seen by all marks where checks begin;
            # the ones before it are where the replay starts from.
            before: dict[str, State] = {}
            while True:
                start_ack, start = await _create(http, "start")
                seen = [await listener.until_seen(start.id, "CREATED", 1) for listener in listeners]
                if all(seen):
                    break
                before[start.id] = start
            first = listeners[0].events[_from(listeners[0].events, start.id)]
            tasks.append(asyncio.create_task(resumer.run(after=first.cursor)))
            history.acks.append(start_ack)
            known.update({**before, start.id: start})
            until = time.monotonic() + seconds
            await asyncio.gather(
                *(
                    Client(
                        url, random.Random(rng.random()), known, history, headers, strangers
                    ).run(until, rest_deletes_all)
                    for _ in range(clients)
                )
            )
            # Everything answered is in the stream before this todo's creation.
            resumer.settle()
            end_ack, end = await _create(http, "end")
            history.acks.append(end_ack)
            for listener in (*listeners, resumer):
                if not await listener.until_seen(end.id, "CREATED", SYNC_SECONDS):
                    history.violation(
                        f"subscriber {listener.name} never received {end}; it received "
                        f"{len(listener.events)} events, the first subscriber "
                        f"{len(listeners[0].events)}"
                    )
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        report.violations += history.violations
        if report.violations:
            return report

        streams = [
            listener.events[_from(listener.events, start.id) : _from(listener.events, end.id) + 1]
            for listener in listeners
        ]
        reference = streams[0]
        for other in streams[1:]:
            if other != reference:
                report.violations.append("two subscribers received different streams")
        resumed = resumer.events[: _from(resumer.events, end.id) + 1]
        if resumed != reference[1:]:
            report.violations.append("a resumed subscription differs from the uninterrupted one")

        checker = Checker(reference, initial=before)
        checker.match(history.acks)
        expected = checker.replay(history.acks)
        checker.real_time_order(history.acks)
        report.violations += checker.violations

        for sort in SORTS:
            listed = await _every_page(http, sort, report.violations)
            if len({todo.id for todo in listed}) != len(listed):
                report.violations.append(f"sort {sort}: a todo listed twice")
            if {todo.id: todo for todo in listed} != expected:
                report.violations.append(f"sort {sort}: the list is not what the stream made")
        stats = (await http.post("/graphql", json={"query": STATS})).json()["data"]["todoStats"]
        completed = sum(todo.completed for todo in expected.values())
        if stats != {
            "total": len(expected),
            "completed": completed,
            "active": len(expected) - completed,
        }:
            report.violations.append(f"todoStats {stats} disagrees with the list")

    report.requests = history.requests
    report.acknowledged = len(history.acks)
    report.refused = sum(history.refused.values())
    report.events = len(reference)
    report.resumes = resumer.resumes
    report.todos_left = len(expected)
    return report


async def run_users(
    url: str, users: list[dict[str, str]], *, seed: int, seconds: float, clients: int = 8
) -> list[Report]:
    """The model test for each user at once (each with its own seed, from `seed` on), each
    user's answers checked against that user's own history: another's todo or event in them
    is a violation. Each user's clients also try the next user's todos."""
    known: list[dict[str, State]] = [{} for _ in users]
    runs = [
        run_model(
            url,
            seed=seed + n,
            seconds=seconds,
            clients=clients,
            headers=headers,
            known=known[n],
            strangers=known[(n + 1) % len(users)] if len(users) > 1 else None,
        )
        for n, headers in enumerate(users)
    ]
    return list(await asyncio.gather(*runs))


@contextlib.contextmanager
def configured_service(
    configuration: str, folder: str
) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """The URL of a service with no todos, in one of CONFIGURATIONS, started here, and the
    headers of each user that acts on it (one user, with none, but in jwt mode)."""
    backend = configuration.split("-")[0]
    database = database_url(backend, folder, f"model_{configuration.replace('-', '_')}")
    asyncio.run(recreate(database))
    env = {"DATABASE_URL": database}
    users: list[dict[str, str]] = [{}]
    if configuration.endswith("jwt"):
        env |= JWT_MODE
        users = [bearer(token(user, lifetime=4 * 3600)) for user in USERS]
    with contextlib.ExitStack() as stack:
        workers = 1
        if configuration.endswith("redis"):
            redis = LocalRedis(folder)
            redis.start()
            stack.callback(redis.stop)
            env["REDIS_URL"] = redis.url
            workers = 2
        yield stack.enter_context(running_server(env, workers=workers)).url, users


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.acceptance.model", description=__doc__)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--only", choices=CONFIGURATIONS)
    arguments = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory(prefix="todobackend-soak-") as folder:
        for configuration in [arguments.only] if arguments.only else CONFIGURATIONS:
            seed = arguments.seed if arguments.seed is not None else random.randrange(10**9)
            with configured_service(configuration, folder) as (url, users):
                reports = asyncio.run(
                    run_users(
                        url, users, seed=seed, seconds=arguments.seconds, clients=arguments.clients
                    )
                )
            for report in reports:
                print(f"{configuration}: {report.summary()}", flush=True)
                for violation in report.violations[:20]:
                    print(f"  {violation}")
                failed = failed or bool(report.violations)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
