"""The peer: PostGraphile 4.14.1 (bench/peer/, `--cluster-workers` as many as the service's) on a
private PostgreSQL (scripts/postgres-server.sh), beside the service as production runs it
(PRODUCTION=true, its access log on) on the bench's MariaDB; and the service with METRICS=true.
Each gets the same 100 todos through its own API, its answers checked, then wrk on each in turn,
round after round: req/s, p50, p99, the ratio, and RSS per process."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from bench import load
from bench.load import BenchError
from bench.scenarios import TITLES, body
from tests.servers import APP, Server, _free_port, running_server

ROOT = Path(__file__).resolve().parent.parent
PEER = ROOT / "bench" / "peer"
POSTGRES = ROOT / "scripts" / "postgres-server.sh"
PG_ENV = {"PG_BENCH_DIR": str(ROOT / "build" / "bench" / "postgres"), "PG_BENCH_PORT": "25432"}
# The same TodoMVC fields from both; the service's default sort is PostGraphile's orderBy.
LIST = "query Todos($first: Int) { todos(first: $first) { nodes { id title completed order } } }"
PG_LIST = ("query Todos($first: Int) { allTodos(first: $first, orderBy: [ORDER_ASC, "
           "CREATED_AT_ASC]) { nodes { nodeId title completed order } } }")  # fmt: skip
CREATE = ("mutation Create($title: String!, $order: Int) { createTodo(input: {title: $title, "
          "order: $order}) { ... on Todo { id title completed order } } }")  # fmt: skip
PG_CREATE = ("mutation Create($title: String!, $order: Int) { createTodo(input: {todo: {title: "
             "$title, order: $order}}) { todo { nodeId title completed order } } }")  # fmt: skip
CREATES = [{"title": f"Bench todo {i}: ÉCLAIRS", "order": 1000 + i} for i in range(100)]
# (key, label, the service's bodies, PostGraphile's, the target: the service's req/s over its)
SCENARIOS = (
    ("list10", "todos(first: 10), TodoMVC fields", (body(LIST, first=10),),
     (body(PG_LIST, first=10),), 1.0),
    ("list100", "todos(first: 100)", (body(LIST, first=100),), (body(PG_LIST, first=100),), 1.0),
    ("create", "createTodo", tuple(body(CREATE, **v) for v in CREATES),
     tuple(body(PG_CREATE, **v) for v in CREATES), 1.5),
)  # fmt: skip
# The service's columns; its default sort's index (nulls last, as PostgreSQL sorts them).
TABLE = ('CREATE TABLE todo (id serial PRIMARY KEY, title text NOT NULL, completed boolean NOT '
         'NULL DEFAULT false, "order" integer, version integer NOT NULL DEFAULT 1, created_at '
         'timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now()); '
         'CREATE INDEX todo_default_sort ON todo ("order", created_at, id)')  # fmt: skip


def postgres(*arguments: str) -> str:
    env = {**os.environ, **PG_ENV}
    done = subprocess.run([str(POSTGRES), *arguments], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"postgres-server.sh {arguments[0]}: {done.stderr.strip()}")
    return done.stdout.strip()


@contextlib.contextmanager
def postgraphile(url: str, workers: int, log: Path) -> Any:
    """PostGraphile with its production flags, and its cluster's pids; stopped on leaving."""
    if not (PEER / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--prefix", str(PEER), "--loglevel=error"], check=True)
    port = _free_port()
    command = [str(PEER / "node_modules" / ".bin" / "postgraphile"), "-c", url, "--host",
               "127.0.0.1", "--port", str(port), "--cluster-workers", str(workers),
               "--disable-query-log", "--disable-graphiql", "--no-setof-functions-contain-nulls",
               "--dynamic-json", "--retry-on-init-fail"]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
    try:
        yield f"http://127.0.0.1:{port}/graphql", process.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def put_todos(client: httpx.Client, url: str, create: str) -> None:
    """The same 100 todos, through the server's own createTodo, one by one."""
    for i in range(1, 101):
        title = f"{TITLES[i % len(TITLES)].format(i=i)} #{i}"
        load.answer(client, url, body(create, title=title, order=i), f"seeding {url}", "")


def compare(stack: contextlib.ExitStack, mysql: load.MariaDB, bench: Any, logs: Path) -> None:
    """Starts the peer and the two services, fills them, checks them, runs the rounds, and
    prints the table (`bench`: run.py's, for its workers, seconds, rounds, failures)."""
    postgres("start")
    stack.callback(postgres, "stop")
    postmaster = Path(PG_ENV["PG_BENCH_DIR"]) / "data" / "postmaster.pid"
    bench.groups.place("postgres", int(postmaster.read_text().split()[0]))
    postgres("sql", "DROP DATABASE IF EXISTS bench_peer")
    postgres("sql", "CREATE DATABASE bench_peer OWNER todo")
    peer_url = postgres("url", "bench_peer")
    subprocess.run(["psql", "-X", "-q", peer_url, "-c", TABLE], check=True)
    peer, peer_pid = stack.enter_context(postgraphile(peer_url, bench.workers, logs / "peer.log"))
    servers: dict[str, Server] = {}
    for kind, extra in (("service", {}), ("metrics on", {"METRICS": "true"})):
        env = {"DATABASE_URL": mysql.create(f"bench_peer_{len(servers)}"), "PRODUCTION": "true",
               "LOG_LEVEL": "INFO", "WEB_CONCURRENCY": str(bench.workers), **extra}  # fmt: skip
        log = logs / f"peer-{kind.replace(' ', '-')}.log"
        servers[kind] = stack.enter_context(
            running_server(env, workers=bench.workers, app=APP, log=log, cwd=ROOT)
        )
    urls = {kind: server.url + "/graphql" for kind, server in servers.items()} | {"peer": peer}
    with httpx.Client(timeout=30) as client:
        deadline = time.monotonic() + 60
        while True:  # PostGraphile introspects the database before it answers
            with contextlib.suppress(httpx.HTTPError, BenchError):
                load.answer(client, peer, body(PG_LIST, first=1), "PostGraphile", "")
                break
            if time.monotonic() > deadline:
                raise BenchError(f"PostGraphile did not answer within 60 s: see {logs}/peer.log")
            time.sleep(0.5)
        bench.groups.place("postgraphile", peer_pid)
        bench.settle({f"peer-{kind.replace(' ', '-')}": server for kind, server in servers.items()})
        for kind, url in urls.items():
            put_todos(client, url, PG_CREATE if kind == "peer" else CREATE)
        titles = {}
        for kind, url in urls.items():  # warm-up, and the same todos in the same order
            for _ in range(20):
                answer = load.answer(client, url, body(PG_LIST if kind == "peer" else LIST,
                                                       first=10), kind, "")  # fmt: skip
            data = next(iter(json.loads(answer)["data"].values()))
            titles[kind] = [node["title"] for node in data["nodes"]]
        if len({tuple(t) for t in titles.values()}) != 1:
            raise BenchError(f"the servers list different todos: {titles}")
    # Warm-up under load, not counted: V8's JIT, the pools, the plans and caches.
    for (_, _, ours, theirs, _), kind in itertools.product(SCENARIOS, urls):
        load.wrk(urls[kind], theirs if kind == "peer" else ours, 1 if bench.quick else 5,
                 load.CONNECTIONS, "")  # fmt: skip
    runs: dict[tuple[str, str], list[load.Run]] = {}
    for number in range(1, bench.rounds + 1):
        for key, label, ours, theirs, _ in SCENARIOS:
            kinds = ["service", "peer", *(["metrics on"] if key == "list10" else [])]
            # Each round starts with the next server: no one always runs after the same one.
            shift = (number - 1) % len(kinds)
            for kind in kinds[shift:] + kinds[:shift]:
                run = load.wrk(urls[kind], theirs if kind == "peer" else ours, bench.seconds,
                               load.CONNECTIONS, "")  # fmt: skip
                if run.errors or not run.requests:
                    bench.failures.append(f"peer {label} on {kind}: {run}")
                runs.setdefault((key, kind), []).append(run)
                print(f"bench:   round {number}  {label:<36} {kind:<11} {run.rps:8.1f} req/s  p50 "
                      f"{run.p50_ms:6.2f} ms  p99 {run.p99_ms:7.2f} ms", flush=True)  # fmt: skip
    pids = {kind: load.worker_pids(server.process.pid, bench.workers)
            for kind, server in servers.items()} | {"peer": load.children(peer_pid)}  # fmt: skip
    report(runs, pids, bench.quick)


def report(
    runs: dict[tuple[str, str], list[load.Run]], pids: dict[str, list[int]], quick: bool
) -> None:
    def median(key: str, kind: str, name: str) -> float:
        return float(statistics.median(getattr(run, name) for run in runs[key, kind]))

    rss = {
        kind: " ".join(f"{load.rss_mb(pid):.0f}" for pid in found) for kind, found in pids.items()
    }
    print("\nthe peer: PostGraphile 4.14.1 on PostgreSQL against the service on MariaDB "
          "(PRODUCTION=true, access log on), medians\n")  # fmt: skip
    row = "{:<36} {:<11} {:>8} {:>7} {:>7} {:>6}  {}"
    print(row.format("scenario", "server", "req/s", "p50 ms", "p99 ms", "ratio", "RSS MB/process"))
    verdicts = []
    for key, label, _, _, target in SCENARIOS:
        peer_rps = median(key, "peer", "rps")
        for kind in ("service", "peer", "metrics on"):
            if (key, kind) not in runs:
                continue
            rps, p99 = median(key, kind, "rps"), median(key, kind, "p99_ms")
            ratio = f"{rps / peer_rps:.2f}" if kind != "peer" and peer_rps else ""
            p50 = median(key, kind, "p50_ms")
            print(row.format(label if kind == "service" else "", kind, f"{rps:.1f}",
                             f"{p50:.2f}", f"{p99:.2f}", ratio, rss[kind]))  # fmt: skip
        ours = median(key, "service", "rps")
        verdicts.append((f"{label} ≥ {target:g}x PostGraphile", ours >= target * peer_rps))
        if key == "list10":
            verdicts.append(("list10 p99 ≤ PostGraphile's", median(key, "service", "p99_ms")
                             <= median(key, "peer", "p99_ms")))  # fmt: skip
            verdicts.append(("list10 with metrics within 5%",
                             median(key, "metrics on", "rps") >= 0.95 * ours))  # fmt: skip
    if not quick:
        for name, ok in verdicts:
            print(f"  {name}: {'met' if ok else 'NOT MET'}")
