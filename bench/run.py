"""The benchmark of issue 6: the service against a raw Starlette ceiling, scenario by scenario.

    python bench/run.py            full: 10 s runs, 3 interleaved rounds, judged against issue 6
    python bench/run.py --quick    CI: 2 s runs, 1 round, no judging (exit 0 when everything ran)

Run from the repository root with the project's .venv python. It starts a private MariaDB
(scripts/mysql-server.sh, in build/bench/mysql on port 33062 unless BENCH_MYSQL_DIR and
BENCH_MYSQL_PORT say otherwise), migrates and seeds a 100-todo and a 100,000-todo database, starts
the service as the release image runs it and the ceiling (bench/ceiling.py) with the same worker
count and flags, checks that both answer alike and with the same SQL, then loads each with wrk
for a fixed time, service and ceiling in turn, and prints medians. Everything it started is
stopped at the end, on failure and on Ctrl-C too. The figures are also written to
build/bench/results.json. Exit status: 0 when every scenario ran (targets are reported, never
enforced), 1 when something failed, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # started as `python bench/run.py`
    sys.path.insert(0, str(ROOT))

from bench import load, seed  # noqa: E402
from bench import scenarios as sc  # noqa: E402
from bench.servers import BenchError, MariaDB, Server, machine_busy_seconds  # noqa: E402

WORK = ROOT / "build" / "bench"
SERVICE, CEILING = "service", "ceiling"
KINDS = (SERVICE, CEILING)
DATABASES = {sc.SMALL: "bench_small", sc.DEEP: "bench_deep"}
MAX_RSS_MB = 80.0  # issue 6: per worker, after the runs
MAX_LIST_STATEMENTS = 2  # issue 6: a list request


@dataclass(frozen=True)
class Mode:
    name: str
    seconds: float
    rounds: int
    warmup_seconds: float
    calibration_requests: int
    judge: bool


FULL = Mode("full", seconds=10, rounds=3, warmup_seconds=1, calibration_requests=20, judge=True)
QUICK = Mode("quick", seconds=2, rounds=1, warmup_seconds=0, calibration_requests=5, judge=False)


@dataclass
class Figures:
    """What was measured for one scenario on one server."""

    runs: list[load.WrkResult] = field(default_factory=list)
    statements_under_load: list[float] = field(default_factory=list)
    app_cpu_ms: list[float] = field(default_factory=list)  # per request, the server's processes
    db_cpu_ms: list[float] = field(default_factory=list)  # per request, MariaDB's
    statements: float = 0.0  # per request, counted over sequential requests
    kinds: str = ""
    sql: list[str] = field(default_factory=list)  # normalised statements of one request
    first_response: bytes = b""

    def median(self, attribute: str) -> float:
        values: list[float] = (
            getattr(self, attribute)
            if attribute.endswith("cpu_ms")
            else [getattr(run, attribute) for run in self.runs]
        )
        return statistics.median(values) if values else 0.0

    def spread(self) -> float:
        """Half the range of req/s over the rounds, as a fraction of the median."""
        rates = [run.rps for run in self.runs]
        middle = statistics.median(rates) if rates else 0.0
        return (max(rates) - min(rates)) / 2 / middle if middle else 0.0


class Bench:
    def __init__(self, mode: Mode, connections: int, workers: int, only: set[str]) -> None:
        self.mode = mode
        self.connections = connections
        self.workers = workers
        self.only = only
        self.mysql = MariaDB(
            Path(os.environ.get("BENCH_MYSQL_DIR", WORK / "mysql")).resolve(),
            int(os.environ.get("BENCH_MYSQL_PORT", "33062")),
        )
        self.created_databases: list[str] = []
        self.urls: dict[str, str] = {}
        self.tables: list[str] = []
        self.servers: dict[tuple[str, str], Server] = {}
        self.db: load.Database | None = None
        self.figures: dict[tuple[str, str], Figures] = {}
        self.notes: list[str] = []
        self.failures: list[str] = []
        self.info: dict[str, Any] = {}
        self.load_at_start = os.getloadavg()[0]
        # CPU time other programs took while the bench loaded a server, and the runs' length.
        self.foreign_cpu = 0.0
        self.loaded_seconds = 0.0

    # ---- setup -------------------------------------------------------------------------------

    def run(self) -> None:
        started = time.monotonic()
        wrk = ensure_wrk()
        WORK.mkdir(parents=True, exist_ok=True)
        self.mysql.start()
        origin = "started" if self.mysql.started else "already running, reused"
        say(f"MariaDB on 127.0.0.1:{self.mysql.port} ({origin}; {self.mysql.directory})")
        # The deep table only when a chosen scenario reads it.
        self.tables = [sc.SMALL] + [sc.DEEP] * any(s.table == sc.DEEP for s in self.chosen(""))
        self.migrate()
        self.db = load.Database(self.urls[sc.SMALL])
        self.start_servers()  # they start while the tables fill
        self.seed()
        self.wait_for_servers()
        chosen = self.chosen(self.find_deep_cursor() if sc.DEEP in self.tables else "")
        self.info = self.describe_setup(wrk)
        say(f"setup took {time.monotonic() - started:.0f} s")
        self.calibrate(chosen)
        self.measure(chosen)
        rss = {key: server.worker_rss_mb() for key, server in self.servers.items()}
        self.report(chosen, rss)
        self.save(chosen, rss)
        if self.failures:
            raise BenchError("some scenarios did not run cleanly:\n  " + "\n  ".join(self.failures))

    def chosen(self, deep_cursor: str) -> list[sc.Scenario]:
        return [
            s
            for s in sc.scenarios(deep_cursor)
            if (s.key in self.only if self.only else self.mode.judge or not s.full_only)
        ]

    def migrate(self) -> None:
        """Fresh bench databases, with the service's tables made by its own migrations."""
        names = [DATABASES[table] for table in self.tables]
        self.mysql.sql(
            " ".join(f"DROP DATABASE IF EXISTS `{n}`; CREATE DATABASE `{n}`;" for n in names)
        )
        self.created_databases += names
        migrations: dict[str, subprocess.Popen[bytes]] = {}
        try:
            self._migrate(migrations)
        finally:
            for process in migrations.values():
                if process.poll() is None:
                    process.kill()
                    process.wait()

    def _migrate(self, migrations: dict[str, subprocess.Popen[bytes]]) -> None:
        for table in self.tables:
            name = DATABASES[table]
            self.urls[table] = url = self.mysql.url(name)
            migrations[name] = subprocess.Popen(
                [sys.executable, "-m", "migrations", "upgrade"],
                cwd=ROOT,
                env={**os.environ, "DATABASE_URL": url},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
        for name, process in migrations.items():
            output, _ = process.communicate(timeout=300)
            if process.returncode != 0:
                raise BenchError(f"migrations on {name} failed:\n{output.decode().strip()}")

    def seed(self) -> None:
        began = time.monotonic()
        self.reseed_small()
        seeded = f"{sc.SMALL_TODOS} todos ({DATABASES[sc.SMALL]})"
        if sc.DEEP in self.tables:
            seed.seed_url(self.urls[sc.DEEP], sc.DEEP_TODOS, null_orders=False)
            seeded += f" and {sc.DEEP_TODOS:,} todos ({DATABASES[sc.DEEP]})"
        say(f"seeded {seeded} in {time.monotonic() - began:.1f} s")

    def reseed_small(self) -> None:
        """The 100-todo table as seeded: after every write run, so each starts alike."""
        seed.seed_url(self.urls[sc.SMALL], sc.SMALL_TODOS, null_orders=True)

    def start_servers(self) -> None:
        for table, url in self.urls.items():
            env = {**os.environ, "DATABASE_URL": url, "GRAPHIQL": "false"}
            env["WEB_CONCURRENCY"] = str(self.workers)
            for kind, app in (
                (SERVICE, "--factory app:main --no-proxy-headers"),
                (CEILING, "bench.ceiling:app"),
            ):
                name = f"{kind}-{table}"
                server = Server(name, app, env, self.workers, WORK / "logs" / f"{name}.log")
                self.servers[kind, table] = server
                server.start()

    def wait_for_servers(self) -> None:
        for server in self.servers.values():
            server.wait_ready()
        say(
            f"servers up ({self.workers} workers each): "
            + ", ".join(f"{s.name} :{s.port}" for s in self.servers.values())
        )

    def url(self, kind: str, scenario: sc.Scenario) -> str:
        server = self.servers[kind, scenario.table]
        return server.url + ("/graphql" if kind == SERVICE else scenario.ceiling_path)

    def find_deep_cursor(self) -> str:
        """The cursor of the todo at DEEP_POSITION, from the service's own pages (backwards from
        the end of the deep table, a hundred todos at a time)."""
        url = self.servers[SERVICE, sc.DEEP].url + "/graphql"
        before: str | None = None
        for _ in range(200):
            variables = {"before": before, "completed": False}
            body = json.dumps({"query": sc.BACKWARDS, "variables": variables})
            page = load.post_json(url, body)["data"]["todos"]
            for edge in reversed(page["edges"]):
                # Ids and positions agree in the deep table (see bench/seed.py).
                if position_of(edge["node"]["id"]) <= sc.DEEP_POSITION:
                    if position_of(edge["node"]["id"]) != sc.DEEP_POSITION:
                        raise BenchError("the deep table does not have the expected todos")
                    cursor: str = edge["cursor"]
                    return cursor
            before = page["pageInfo"]["startCursor"]
            if before is None:
                break
        raise BenchError(f"no cursor at position {sc.DEEP_POSITION} in the deep table")

    # ---- checks and statement counts ---------------------------------------------------------

    def calibrate(self, chosen: list[sc.Scenario]) -> None:
        """Sequential requests per scenario and server: the responses are checked, the service's
        and the ceiling's compared, their SQL statements counted and compared."""
        assert self.db is not None
        log_path = WORK / "general.log"
        log_path.unlink(missing_ok=True)
        self.db.general_log(log_path, on=True)
        try:
            for scenario in chosen:
                for kind in KINDS:
                    self.figures[scenario.key, kind] = self.count(scenario, kind, log_path)
                    if scenario.writes:
                        self.reseed_small()
                self.compare(scenario)
            if any(s.key == "list10" for s in chosen):
                self.count_total(log_path)
        finally:
            self.db.general_log(log_path, on=False)
        say("checked: the service and the ceiling answer every scenario alike")

    def count(self, scenario: sc.Scenario, kind: str, log_path: Path) -> Figures:
        assert self.db is not None
        figures = Figures()
        client = load.Client(self.url(kind, scenario))
        try:
            for body in scenario.bodies[:2]:  # warm: parser caches, the pool
                check(kind, scenario, *client.post(body))
            n = self.mode.calibration_requests
            before, offset = self.db.counters(), load.log_size(log_path)
            for i in range(n):
                body = scenario.bodies[(i + 2) % len(scenario.bodies)]
                content = check(kind, scenario, *client.post(body))
                if i == 0:
                    figures.first_response = content
            change = self.db.delta(before)
        finally:
            client.close()
        figures.statements = change["Questions"] / n
        logged = load.logged_statements(log_path, offset, self.db.thread_id)
        if len(logged) == change["Questions"]:
            per_request = len(logged) // n
            figures.sql = [load.normalised(s) for s in logged[:per_request]]
            figures.kinds = load.kinds(logged[:per_request])
        else:  # the general log missed some: the counters still say which kinds
            figures.kinds = load.describe(change, n)
        return figures

    def compare(self, scenario: sc.Scenario) -> None:
        service, ceiling = self.figures[scenario.key, SERVICE], self.figures[scenario.key, CEILING]
        if scenario.writes:
            same = shape(json.loads(service.first_response)) == shape(
                json.loads(ceiling.first_response)
            )
            what = "JSON shape"
        else:
            same = service.first_response == ceiling.first_response
            what = "response bytes"
        if not same:
            self.notes.append(
                f"{scenario.label}: the ceiling's {what} differ from the service's "
                f"(service {service.first_response[:200]!r}, "
                f"ceiling {ceiling.first_response[:200]!r}); update bench/ceiling.py"
            )
        if service.sql != ceiling.sql:
            self.notes.append(
                f"{scenario.label}: the ceiling's SQL differs from the service's; update "
                f"bench/ceiling.py\n    service: {service.sql}\n    ceiling: {ceiling.sql}"
            )

    def count_total(self, log_path: Path) -> None:
        """What totalCount costs: the list10 request with and without it, statements counted."""
        with_count = sc.Scenario(
            "list10+count", "todos(first: 10) + totalCount", sc.SMALL, "/todos",
            (sc.body(sc.LIST_WITH_COUNT, first=10),),
        )  # fmt: skip
        self.figures[with_count.key, SERVICE] = self.count(with_count, SERVICE, log_path)

    # ---- load --------------------------------------------------------------------------------

    def measure(self, chosen: list[sc.Scenario]) -> None:
        assert self.db is not None
        by_key = {s.key: s for s in chosen}
        mode = self.mode
        legs = sum(len([k for k in g if k in by_key]) for g in sc.GROUPS) * len(KINDS)
        estimate = legs * (mode.rounds * (mode.seconds + 0.5) + mode.warmup_seconds)
        say(
            f"load: {self.info['load']}; about {estimate / 60:.1f} min "
            f"({legs // 2} scenarios, {mode.rounds} round(s), service and ceiling)"
        )
        for group in sc.GROUPS:
            members = [by_key[key] for key in group if key in by_key]
            if mode.warmup_seconds:
                for scenario in members:
                    for kind in KINDS:
                        self.load(scenario, kind, mode.warmup_seconds)
            for round_number in range(1, mode.rounds + 1):
                for scenario in members:
                    for kind in KINDS:
                        server = self.servers[kind, scenario.table]
                        before = self.db.counters()
                        app_cpu, db_cpu = server.cpu_seconds(), self.mysql.cpu_seconds()
                        busy, own = machine_busy_seconds(), own_cpu_seconds()
                        result = self.load(scenario, kind, mode.seconds, reseed=False)
                        app_cpu = server.cpu_seconds() - app_cpu
                        db_cpu = self.mysql.cpu_seconds() - db_cpu
                        busy = machine_busy_seconds() - busy
                        own = own_cpu_seconds() - own  # the bench and wrk
                        self.foreign_cpu += max(0.0, busy - app_cpu - db_cpu - own)
                        self.loaded_seconds += result.seconds
                        change = self.db.delta(before)
                        self.settle(server)
                        if scenario.writes:
                            self.reseed_small()
                        figures = self.figures[scenario.key, kind]
                        figures.runs.append(result)
                        if result.requests:
                            figures.statements_under_load.append(
                                change["Questions"] / result.requests
                            )
                            figures.app_cpu_ms.append(app_cpu * 1000 / result.requests)
                            figures.db_cpu_ms.append(db_cpu * 1000 / result.requests)
                        if not result.requests:
                            self.notes.append(
                                f"{scenario.label} on the {kind}: no request finished in "
                                f"{mode.seconds:g} s"
                            )
                        if result.errors:
                            self.failures.append(
                                f"{scenario.label} on the {kind}: {result.errors} failed "
                                f"requests (wrk: {result.raw})"
                            )
                        cpu = (
                            f"CPU/req {figures.app_cpu_ms[-1]:.2f} ms, db "
                            f"{figures.db_cpu_ms[-1]:.2f} ms"
                            if result.requests
                            else ""
                        )
                        say(
                            f"  round {round_number}  {scenario.label:<42} {kind:<8} "
                            f"{result.rps:9.1f} req/s  p50 {result.p50_ms:7.2f} ms  "
                            f"p99 {result.p99_ms:7.2f} ms  {cpu}"
                        )

    def settle(self, server: Server, timeout: float = 120.0) -> None:
        """Waits until the requests still in flight when wrk stopped are done (the server's CPU
        time still, MariaDB running no statement), so that they do not load the next run."""
        assert self.db is not None
        deadline = time.monotonic() + timeout
        last, still = server.cpu_seconds(), 0
        while time.monotonic() < deadline and still < 3:
            time.sleep(0.05)
            now = server.cpu_seconds()
            idle = now == last and self.db.running_statements() == 0
            still = still + 1 if idle else 0
            last = now

    def load(
        self, scenario: sc.Scenario, kind: str, seconds: float, reseed: bool = True
    ) -> load.WrkResult:
        result = load.run_wrk(self.url(kind, scenario), scenario.bodies, seconds, self.connections)
        if scenario.writes and reseed:
            self.reseed_small()
        return result

    # ---- report ------------------------------------------------------------------------------

    def describe_setup(self, wrk: str) -> dict[str, Any]:
        assert self.db is not None
        mode = self.mode
        return {
            "mode": mode.name,
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "load_average_at_start": self.load_at_start,
            "python": platform.python_version(),
            "mariadb": self.db.scalar("SELECT VERSION()"),
            "wrk": wrk,
            "commit": git_commit(),
            "service": f"uvicorn --factory app:main --workers {self.workers} --no-access-log "
            "--log-level warning (DATABASE_URL=mysql://..., GRAPHIQL=false)",
            "ceiling": "uvicorn bench.ceiling:app, same flags: Starlette + aiomysql, same SQL",
            "load": f"{wrk}, 1 thread, {self.connections} connections, {mode.seconds:g} s per run, "
            f"{mode.rounds} round(s) interleaved service/ceiling, medians",
        }

    def report(self, chosen: list[sc.Scenario], rss: dict[tuple[str, str], list[float]]) -> None:
        info = self.info
        print()
        print(f"todobackend bench, issue 6 ({info['mode']} mode), {info['date']}")
        print(f"machine:  {info['machine']}; load average {info['load_average_at_start']:.2f}")
        print(f"software: Python {info['python']}, MariaDB {info['mariadb']}, {info['commit']}")
        print(f"service:  {info['service']}")
        print(f"ceiling:  {info['ceiling']}")
        print(f"load:     {info['load']}")
        print()
        header = (
            f"{'scenario':<42} {'server':<8} {'req/s':>8} {'±':>4} {'p50 ms':>7} {'p99 ms':>7} "
            f"{'ratio':>5} {'CPU ms/req':>10} {'db ms/req':>9}  {'RSS MB/worker':<13}  "
            f"{'SQL/req':<30}"
        )
        if self.mode.judge:
            header += "  targets (issue 6)"
        print(header)
        print("-" * len(header))
        met = total = 0
        by_key = {s.key: s for s in chosen}
        for scenario in chosen:
            ceiling_rps = self.figures[scenario.key, CEILING].median("rps")
            for kind in KINDS:
                figures = self.figures[scenario.key, kind]
                rps = figures.median("rps")
                ratio = f"{rps / ceiling_rps:5.2f}" if kind == SERVICE and ceiling_rps else ""
                sizes = " ".join(f"{size:.0f}" for size in rss[kind, scenario.table])
                sql = f"{figures.statements:g} ({figures.kinds})"
                row = (
                    f"{scenario.label if kind == SERVICE else '':<42} {kind:<8} {rps:8.1f} "
                    f"{figures.spread() * 100:3.0f}% {figures.median('p50_ms'):7.2f} "
                    f"{figures.median('p99_ms'):7.2f} {ratio:>5} "
                    f"{figures.median('app_cpu_ms'):10.2f} {figures.median('db_cpu_ms'):9.2f}  "
                    f"{sizes:<13}  {sql:<30}"
                )
                if self.mode.judge and kind == SERVICE:
                    verdicts = self.judge(scenario, by_key, rss[SERVICE, scenario.table])
                    met += sum(ok for _, ok in verdicts)
                    total += len(verdicts)
                    row += "  " + "; ".join(f"{text}: {mark(ok)}" for text, ok in verdicts)
                print(row.rstrip())
        print()
        counted = self.figures.get(("list10+count", SERVICE))
        if counted is not None:
            plain = self.figures["list10", SERVICE]
            print(
                f"totalCount: todos(first: 10) costs {plain.statements:g} SQL statement(s) "
                f"({plain.kinds}); with totalCount {counted.statements:g} ({counted.kinds})"
                + (f": {mark(self.total_count_free())}" if self.mode.judge else "")
            )
            if self.mode.judge:
                met += self.total_count_free()
                total += 1
        if self.mode.judge:
            print(f"targets met: {met} of {total} (reported only; the exit status ignores them)")
        print(
            "±: half the range of req/s over the rounds. ratio: the service's median req/s over "
            "the ceiling's.\nCPU ms/req: CPU time of the server's processes per request; "
            "db ms/req: MariaDB's. RSS: each worker after all runs.\n"
            "SQL/req: statements per request (MariaDB's Questions) over sequential requests."
        )
        foreign = self.foreign_share()
        print(f"other programs used {foreign:.0%} of the machine's CPU during the runs")
        if foreign > 0.1:
            print(
                "WARNING: the machine was busy with other work: req/s and latencies are "
                "unreliable (CPU ms/req is the steadier figure); rerun on a quiet machine."
            )
        for note in self.notes:
            print(f"NOTE: {note}")

    def foreign_share(self) -> float:
        capacity = self.loaded_seconds * (os.cpu_count() or 1)
        return self.foreign_cpu / capacity if capacity else 0.0

    def judge(
        self, scenario: sc.Scenario, by_key: dict[str, sc.Scenario], rss: list[float]
    ) -> list[tuple[str, bool]]:
        figures = self.figures[scenario.key, SERVICE]
        verdicts: list[tuple[str, bool]] = []
        rps = figures.median("rps")
        if scenario.min_ratio is not None:
            ceiling = self.figures[scenario.key, CEILING].median("rps")
            ratio = rps / ceiling if ceiling else 0.0
            verdicts.append((f"ratio ≥ {scenario.min_ratio:g}", ratio >= scenario.min_ratio))
        if scenario.max_tail is not None:
            p50 = figures.median("p50_ms")
            tail = figures.median("p99_ms") / p50 if p50 else float("inf")
            verdicts.append(
                (f"p99 ≤ {scenario.max_tail:g}x p50 ({tail:.1f}x)", tail <= scenario.max_tail)
            )
        if scenario.max_slowdown is not None and scenario.compare_to in by_key:
            assert scenario.compare_to is not None
            other = self.figures[scenario.compare_to, SERVICE]
            slowdown = other.median("rps") / rps if rps else float("inf")
            # The CPU the two cost (server and database), steadier on a busy machine.
            cost = other.median("app_cpu_ms") + other.median("db_cpu_ms")
            ours = figures.median("app_cpu_ms") + figures.median("db_cpu_ms")
            label = by_key[scenario.compare_to].label
            verdicts.append(
                (
                    f"≤ {scenario.max_slowdown:g}x slower than {label} ({slowdown:.2f}x by "
                    f"req/s; {ours / cost if cost else 0:.2f}x by CPU/req)",
                    slowdown <= scenario.max_slowdown,
                )
            )
        if scenario.list_query:
            verdicts.append(
                (f"≤ {MAX_LIST_STATEMENTS} SQL", figures.statements <= MAX_LIST_STATEMENTS)
            )
        if rss:
            verdicts.append((f"RSS ≤ {MAX_RSS_MB:g} MB", max(rss) <= MAX_RSS_MB))
        return verdicts

    def total_count_free(self) -> bool:
        plain = self.figures["list10", SERVICE].statements
        counted = self.figures["list10+count", SERVICE].statements
        return counted <= MAX_LIST_STATEMENTS and plain < counted

    def save(self, chosen: list[sc.Scenario], rss: dict[tuple[str, str], list[float]]) -> None:
        results: dict[str, Any] = {
            "setup": self.info,
            "foreign_cpu_share": self.foreign_share(),
            "scenarios": [],
            "notes": self.notes,
        }
        for scenario in chosen:
            entry: dict[str, Any] = {"key": scenario.key, "label": scenario.label}
            for kind in KINDS:
                figures = self.figures[scenario.key, kind]
                entry[kind] = {
                    "rps": figures.median("rps"),
                    "p50_ms": figures.median("p50_ms"),
                    "p99_ms": figures.median("p99_ms"),
                    "rss_mb": rss[kind, scenario.table],
                    "sql_per_request": figures.statements,
                    "sql_kinds": figures.kinds,
                    "sql": figures.sql,
                    "sql_per_request_under_load": figures.statements_under_load,
                    "app_cpu_ms_per_request": figures.app_cpu_ms,
                    "db_cpu_ms_per_request": figures.db_cpu_ms,
                    "runs": [run.raw for run in figures.runs],
                }
            results["scenarios"].append(entry)
        path = WORK / "results.json"
        path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        print(f"figures written to {path.relative_to(ROOT)}")

    # ---- cleanup -----------------------------------------------------------------------------

    def cleanup(self) -> None:
        for server in self.servers.values():
            try:
                server.stop()
            except Exception as error:  # keep stopping the others
                say(f"could not stop {server.name}: {error}")
        if self.db is not None:
            with contextlib.suppress(Exception):
                self.db.close()
        try:
            if self.mysql.started:
                self.mysql.stop()
                say("MariaDB stopped")
            elif self.created_databases and self.mysql.running():
                names = "; ".join(f"DROP DATABASE IF EXISTS `{n}`" for n in self.created_databases)
                self.mysql.sql(names)
                say("bench databases dropped (MariaDB left running: the bench did not start it)")
        except BenchError as error:
            say(f"could not clean up MariaDB: {error}")


def check(kind: str, scenario: sc.Scenario, status: int, content: bytes) -> bytes:
    """A response must be a 200 with data and no errors (a union answer must be a Todo)."""
    problem = ""
    try:
        decoded = json.loads(content)
    except ValueError:
        decoded, problem = None, "not JSON"
    if status != 200:
        problem = f"HTTP {status}"
    elif isinstance(decoded, dict):
        data = decoded.get("data")
        if decoded.get("errors") or not data:
            problem = "errors"
        elif any(
            isinstance(v, dict) and v.get("__typename", "Todo") != "Todo" for v in data.values()
        ):
            problem = "not a Todo"
    if problem:
        raise BenchError(f"{scenario.label} on the {kind}: {problem}: {content[:400]!r}")
    return content


def shape(value: Any) -> Any:
    """The JSON's structure and types, without its values."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def position_of(global_id: str) -> int:
    import base64

    return int(base64.b64decode(global_id).decode().partition(":")[2])


def own_cpu_seconds() -> float:
    """CPU time of the bench and of its finished children (wrk)."""
    usage = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return sum(u.ru_utime + u.ru_stime for u in usage)


def mark(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)


def ensure_wrk() -> str:
    """Debian's wrk, installed when missing and the bench runs as root (as MariaDB is)."""
    if shutil.which("wrk") is None:
        if os.geteuid() != 0:
            raise BenchError("wrk is missing: install Debian's wrk (apt-get install wrk)")
        say("installing Debian's wrk")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (
            ["apt-get", "update", "-qq"],
            ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-qq", "wrk"],
        ):
            subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return load.wrk_version()


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} CPUs ({model or platform.machine()}), {memory:.1f} GiB, "
        f"{platform.system()} {platform.release()}"
    )


def git_commit() -> str:
    def git(*arguments: str) -> str:
        result = subprocess.run(
            ["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=False
        )
        return result.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = " + uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    return f"git {commit}{dirty}"


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python bench/run.py",
        description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="CI mode: seconds, no judging")
    parser.add_argument("--seconds", type=float, help="length of each run (default 10, quick 2)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 3, quick 1)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", "2")),
        help="uvicorn workers of each server (WEB_CONCURRENCY, default 2)",
    )
    parser.add_argument(
        "--only", action="append", default=[], metavar="KEY",
        help="run only this scenario (repeatable): list10 list100 stats page1 deep deep1 create "
        "update",
    )  # fmt: skip
    arguments = parser.parse_args()
    unknown = set(arguments.only) - {s.key for s in sc.scenarios("")}
    if unknown:
        parser.error(f"unknown scenario: {', '.join(sorted(unknown))}")
    mode = QUICK if arguments.quick else FULL
    overrides: dict[str, Any] = {}
    if arguments.seconds:
        overrides["seconds"] = arguments.seconds
    if arguments.rounds:
        overrides["rounds"] = arguments.rounds
    if overrides:
        mode = Mode(**{**mode.__dict__, **overrides})

    # Ctrl-C, kill and a closed terminal all end in the cleanup (even when started with SIGINT
    # ignored, as shells start background jobs).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    began = time.monotonic()
    bench = Bench(mode, arguments.connections, arguments.workers, set(arguments.only))
    status = 0
    try:
        bench.run()
    except BenchError as error:
        print(f"bench: FAILED: {error}", file=sys.stderr, flush=True)
        status = 1
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr, flush=True)
        status = 130
    finally:
        # A second Ctrl-C must not cut the cleanup short.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        bench.cleanup()
        say(f"{mode.name} mode took {time.monotonic() - began:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
