"""The benchmark of issue 6: the service against a raw Starlette ceiling, scenario by scenario.

    python bench/run.py [--only KEY]... [--seconds 10] [--rounds 3]   targets reported, not enforced
    python bench/run.py --quick                                       CI: 2 s, 1 round, no judging

With the .venv python: a private MariaDB (BENCH_MYSQL_DIR, BENCH_MYSQL_PORT: build/bench/mysql,
23062) with the tables of bench/scenarios.py, on each the service as the release image runs it and
the ceiling (bench/ceiling.py), checked to answer alike (bytes, or JSON shape for writes, and SQL),
loaded with wrk in turn, round after round; medians printed. All it started is stopped, on failure
and Ctrl-C too. Exit status: 0 when every scenario ran, 1 on failure, 130 interrupted."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import signal
import sys
import time
from argparse import ArgumentParser, Namespace, RawTextHelpFormatter
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # started as `python bench/run.py`
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench import load, peer  # noqa: E402
from bench.groups import CpuGroups  # noqa: E402
from bench.load import BenchError  # noqa: E402
from bench.scenarios import MANIFEST, OWNERS, SCENARIOS, SECRET, TOKENS, Scenario  # noqa: E402
from tests.servers import APP, Server, running_server  # noqa: E402

SERVICE, CEILING = KINDS = ("service", "ceiling")
APPS = {SERVICE: APP, CEILING: ("bench.ceiling:app",)}
QUIET = ("--no-access-log", "--log-level", "warning")
LOGS = ROOT / "build" / "bench" / "logs"
DOCUMENTS = str(LOGS / "manifest.json")  # the service's trusted documents (list10hash's)
CONNECTIONS = load.CONNECTIONS
COUNTED = 20  # sequential requests whose SQL statements are counted
MAX_RSS_MB = 80.0  # issue 6: per worker, after the runs
ROW = "{:<42} {:<8} {:>8} {:>7} {:>7} {:>5} {:>10} {:>13} {:>7}"


class Bench:
    def __init__(self, arguments: Namespace) -> None:
        self.quick: bool = arguments.quick
        self.seconds: float = arguments.seconds or (2 if self.quick else 10)
        self.rounds: int = arguments.rounds or (1 if self.quick else 3)
        self.workers = int(os.environ.get("WEB_CONCURRENCY", "2"))  # uvicorn's, per server
        self.chosen = [s for s in SCENARIOS if not arguments.only or s.key in arguments.only]
        self.peer = not arguments.only or "peer" in arguments.only  # bench/peer.py's table
        self.mysql = load.MariaDB()
        self.groups = CpuGroups()
        self.urls: dict[str, str] = {}  # DATABASE_URL by table
        self.servers: dict[tuple[str, str], Server] = {}  # by kind and table
        self.figures = {(s.key, kind): load.Figures() for s in self.chosen for kind in KINDS}
        self.notes: list[str] = []
        self.failures: list[str] = []

    def run(self, stack: contextlib.ExitStack) -> None:
        """Everything, in order; whatever it starts is stopped when `stack` closes."""
        load.alone(stack)
        load.ensure_wrk()
        stack.callback(self.groups.close)
        say(self.groups.describe())
        self.groups.place("load", os.getpid())  # wrk, started by the bench, runs in it too
        stack.callback(self.mysql.cleanup)
        self.mysql.start()
        self.groups.place("mariadb", self.mysql.pid())
        say(f"MariaDB on 127.0.0.1:{self.mysql.port} ({self.mysql.directory})")
        shutil.rmtree(LOGS, ignore_errors=True)
        LOGS.mkdir(parents=True)
        Path(DOCUMENTS).write_text(json.dumps(MANIFEST))
        for table in dict.fromkeys(s.table for s in self.chosen):
            self.urls[table] = self.mysql.create(f"bench_{table}")
            self.serve(stack, SERVICE, table)  # migrates the new database first
            load.seed(self.urls[table], table)
            self.serve(stack, CEILING, table)
        self.settle({f"{kind}-{table}": server for (kind, table), server in self.servers.items()})
        say(f"servers up, {self.workers} workers each; logs in {LOGS.relative_to(ROOT)}")
        if self.chosen:
            self.check()
            self.measure()
            self.report()
        if self.peer:
            peer.compare(stack, self.mysql, self, LOGS)
        if self.failures:
            raise BenchError("some scenarios did not run cleanly:\n  " + "\n  ".join(self.failures))

    def serve(self, stack: contextlib.ExitStack, kind: str, table: str) -> None:
        env = dict(DATABASE_URL=self.urls[table], GRAPHIQL="false", PERSISTED_DOCUMENTS=DOCUMENTS)
        if table in OWNERS:  # the service checks the user's token; the ceiling reads their todos
            env |= {"AUTH_MODE": "jwt", "JWT_SECRET": SECRET, "CEILING_OWNER": OWNERS[table]}
        server = running_server(
            env | {"WEB_CONCURRENCY": str(self.workers)}, migrate=kind == SERVICE,
            workers=self.workers, app=APPS[kind], options=QUIET, log=LOGS / f"{kind}-{table}.log",
            cwd=ROOT,
        )  # fmt: skip
        self.servers[kind, table] = stack.enter_context(server)

    def settle(self, servers: dict[str, Server]) -> None:
        """Waits for every worker of these servers, then puts each server in its CPU group."""
        deadline = time.monotonic() + 60  # /health answers once the first worker is up
        while any(len(self.pids(server)) < self.workers for server in servers.values()):
            if time.monotonic() > deadline:
                raise BenchError(f"not every server has {self.workers} workers after 60 s")
            time.sleep(0.2)
        for name, server in servers.items():
            self.groups.place(name, server.process.pid)

    def pids(self, server: Server) -> list[int]:
        return load.worker_pids(server.process.pid, self.workers)

    def cpu_seconds(self, server: Server) -> float:
        return load.cpu_seconds(list({server.process.pid, *self.pids(server)}))

    def url(self, kind: str, scenario: Scenario) -> str:
        return self.servers[kind, scenario.table].url + (
            "/graphql" if kind == SERVICE else scenario.path
        )

    def check(self) -> None:
        """Sequential requests: answers checked, one's SQL logged, statements counted, compared."""
        statements = load.Statements(next(iter(self.urls.values())))
        try:
            with httpx.Client(timeout=60) as client:
                for scenario, kind in itertools.product(self.chosen, KINDS):
                    self.calibrate(client, statements, scenario, kind)
        finally:
            statements.close()
        for scenario in self.chosen:
            self.compare(scenario)
        if not self.notes:
            say("checked: the service and the ceiling answer every scenario alike")

    def calibrate(
        self, client: httpx.Client, statements: load.Statements, scenario: Scenario, kind: str
    ) -> None:
        """Two requests to warm up (caches, the pool), one whose SQL is logged, n counted."""
        figures, url, n = self.figures[scenario.key, kind], self.url(kind, scenario), COUNTED

        def post(i: int) -> bytes:
            body = scenario.bodies[i % len(scenario.bodies)]
            what = f"{scenario.label} on the {kind}"
            return load.answer(client, url, body, what, TOKENS.get(scenario.table, ""))

        for i in (0, 1):
            post(i)
        statements.logged()  # what came before is dropped
        figures.answer, figures.statements = post(2), statements.logged()
        before = statements.questions()
        for i in range(3, n + 3):
            post(i)
        figures.sql = (statements.questions() - before - statements.overhead) / n
        if scenario.writes:
            load.seed(self.urls[scenario.table], scenario.table)

    def compare(self, scenario: Scenario) -> None:
        service, ceiling = (self.figures[scenario.key, kind] for kind in KINDS)
        if scenario.writes:
            same = load.shape(json.loads(service.answer)) == load.shape(json.loads(ceiling.answer))
        else:
            same = service.answer == ceiling.answer
        if not same:
            answers = f"service {service.answer[:200]!r}, ceiling {ceiling.answer[:200]!r}"
            self.notes.append(f"{scenario.label}: the servers answer otherwise: {answers}")
        if service.statements != ceiling.statements or service.sql != ceiling.sql:
            pairs = zip(KINDS, (service, ceiling), strict=True)
            sql = "".join(f"\n    {kind} ({f.sql:g}/request): {f.statements}" for kind, f in pairs)
            self.notes.append(f"{scenario.label}: the ceiling's SQL differs:{sql}")

    def measure(self) -> None:
        """wrk on each scenario, service and ceiling in turn, round after round."""
        say(f"load: {len(self.chosen) * len(KINDS) * self.rounds} runs of {self.seconds:g} s")
        for number in range(1, self.rounds + 1):
            for scenario, kind in itertools.product(self.chosen, KINDS):
                self.run_once(number, scenario, kind)

    def run_once(self, number: int, scenario: Scenario, kind: str) -> None:
        """One wrk run; then the requests in flight finish, and a table written to is seeded."""
        server, figures = self.servers[kind, scenario.table], self.figures[scenario.key, kind]
        before = self.cpu_seconds(server)
        url, token = self.url(kind, scenario), TOKENS.get(scenario.table, "")
        run = load.wrk(url, scenario.bodies, self.seconds, CONNECTIONS, token)
        cpu_ms = (self.cpu_seconds(server) - before) * 1000 / max(run.requests, 1)
        figures.runs.append(run)
        figures.cpu_ms.append(cpu_ms)
        if run.errors or not run.requests:
            self.failures.append(f"{scenario.label} on the {kind}: {run}")
        say(
            f"  round {number}  {scenario.label:<42} {kind:<8} {run.rps:8.1f} req/s  "
            f"p50 {run.p50_ms:6.2f} ms  p99 {run.p99_ms:7.2f} ms  CPU/req {cpu_ms:.2f} ms"
        )
        time.sleep(0.3)
        if scenario.writes:
            load.seed(self.urls[scenario.table], scenario.table)

    def report(self) -> None:
        """The medians, a row per scenario and server; in full mode, the targets too."""
        rss = {key: [load.rss_mb(p) for p in self.pids(s)] for key, s in self.servers.items()}
        print(
            f"\ntodobackend bench, issue 6 ({'quick' if self.quick else 'full'} mode): "
            f"{self.workers} uvicorn workers per server, wrk with {CONNECTIONS} connections, "
            f"{self.seconds:g} s runs, {self.rounds} round(s), medians\n"
        )
        header = ROW.format("scenario", "server", "req/s", "p50 ms", "p99 ms", "ratio",
                            "CPU ms/req", "RSS MB/worker", "SQL/req")  # fmt: skip
        print(header + ("" if self.quick else "  targets (reported only)"))
        print("-" * len(header))
        verdicts: list[tuple[str, bool]] = []
        for scenario, kind in itertools.product(self.chosen, KINDS):
            figures, sizes = self.figures[scenario.key, kind], rss[kind, scenario.table]
            rps, ceiling = figures.median("rps"), self.figures[scenario.key, CEILING].median("rps")
            row = ROW.format(
                scenario.label if kind == SERVICE else "", kind, f"{rps:.1f}",
                f"{figures.median('p50_ms'):.2f}", f"{figures.median('p99_ms'):.2f}",
                f"{rps / ceiling:.2f}" if kind == SERVICE and ceiling else "",
                f"{figures.median('cpu_ms'):.2f}", " ".join(f"{mb:.0f}" for mb in sizes),
                f"{figures.sql:g}",
            )  # fmt: skip
            if kind == SERVICE and not self.quick:
                judged = self.judge(scenario, sizes)
                verdicts += judged
                row += "  " + "; ".join(f"{t}: {'met' if ok else 'NOT MET'}" for t, ok in judged)
            print(row)
        if verdicts:
            met = sum(ok for _, ok in verdicts)
            print(f"\ntargets met: {met} of {len(verdicts)} (the exit status ignores them)")
        print("\nratio: the service's req/s over the ceiling's; SQL/req: statements sent")
        for note in self.notes:
            print(f"NOTE: {note}; update bench/ceiling.py")

    def judge(self, scenario: Scenario, rss: list[float]) -> list[tuple[str, bool]]:
        """The targets of issue 6 for the service in this scenario, and whether each is met."""
        figures = self.figures[scenario.key, SERVICE]
        rps, p50, p99 = (figures.median(name) for name in ("rps", "p50_ms", "p99_ms"))
        verdicts = [(f"RSS ≤ {MAX_RSS_MB:g} MB", max(rss, default=0) <= MAX_RSS_MB)]
        if scenario.max_sql is not None:
            verdicts.append((f"≤ {scenario.max_sql} SQL", figures.sql <= scenario.max_sql))
        if scenario.min_ratio is not None:
            ceiling = self.figures[scenario.key, CEILING].median("rps") * scenario.min_ratio
            verdicts.append((f"ratio ≥ {scenario.min_ratio:g}", rps >= ceiling))
        if scenario.max_tail is not None:
            verdicts.append((f"p99 ≤ {scenario.max_tail:g}x p50", p99 <= scenario.max_tail * p50))
        if scenario.near is not None and (scenario.near[0], SERVICE) in self.figures:
            key, slowdown = scenario.near
            other = self.figures[key, SERVICE].median("rps")
            verdicts.append((f"≤ {slowdown:.3g}x slower than {key}", other <= slowdown * rps))
        return verdicts


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = ArgumentParser(description=__doc__, formatter_class=RawTextHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="CI mode: seconds, no judging")
    parser.add_argument("--seconds", type=float, help="length of each run (default 10, quick 2)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 3, quick 1)")
    keys = [s.key for s in SCENARIOS] + ["peer"]
    parser.add_argument("--only", action="append", choices=keys, metavar="KEY",
                        help=f"run only this scenario (repeatable): {' '.join(keys)}")  # fmt: skip
    bench = Bench(parser.parse_args())
    # Ctrl-C, kill and a closed terminal all end in the cleanup (even when started with SIGINT
    # ignored, as shells start background jobs); a second one does not cut it short.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    began, status = time.monotonic(), 0
    try:
        with contextlib.ExitStack() as stack:
            try:
                bench.run(stack)
            finally:
                for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                    signal.signal(signum, signal.SIG_IGN)
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr, flush=True)
        status = 130
    except Exception as error:  # any failure: reported, and the exit status says so
        print(f"bench: FAILED: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
        status = 1
    say(f"took {time.monotonic() - began:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
