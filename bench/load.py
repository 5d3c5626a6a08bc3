"""What the bench measures with: wrk, sequential requests, the private MariaDB
(scripts/mysql-server.sh) with its counters and general log, and /proc."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import pymysql  # type: ignore[import-untyped]
from tortoise.backends.base.config_generator import expand_db_url

from bench.scenarios import TODOS, todo_row

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
CONNECTIONS = 32  # wrk's
LOCK = Path(tempfile.gettempdir()) / "todobackend-bench.lock"
COLUMNS = ("id", "title", "search_key", "completed", "order", "version", "created_at", "updated_at",
           "owner")  # fmt: skip
INSERT = f"INSERT INTO `todo` (`{'`,`'.join(COLUMNS)}`) VALUES ({','.join(['%s'] * len(COLUMNS))})"
_LITERAL = re.compile(r"'(?:[^'\\]|\\.|'')*'|(?<![\w`])-?\d+(?:\.\d+)?")
_COLUMNS = re.compile(r"^(SELECT |INSERT INTO \S+ \()(.*?)( FROM |\) VALUES)")


class BenchError(Exception):
    """Something the bench needs did not work; the message says what."""


class Run(NamedTuple):  # one wrk run
    requests: int
    seconds: float
    errors: int  # connect, read, write, non-2xx and timeouts
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Figures:  # what was measured of one scenario on one server
    runs: list[Run] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # the server's, per request, run by run
    sql: float = 0.0  # statements per request, over sequential requests
    statements: list[str] = field(default_factory=list)  # one request's, triggers' included
    answer: bytes = b""

    def median(self, name: str) -> float:
        values = self.cpu_ms if name == "cpu_ms" else [getattr(run, name) for run in self.runs]
        return statistics.median(values) if values else 0.0


def alone(stack: contextlib.ExitStack) -> None:
    """Refuses to run beside another bench on this machine (from any checkout): they would share
    the fixed ports of MariaDB and PostgreSQL, and each other's CPU."""
    lock = stack.enter_context(open(LOCK, "a"))  # noqa: SIM115  # held until the stack closes
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise BenchError(f"another bench is running on this machine (it holds {LOCK})") from None


def ensure_wrk() -> None:
    """Debian's wrk, installed when missing and the bench runs as root (as MariaDB is)."""
    if shutil.which("wrk") is not None:
        return
    if os.geteuid() != 0:
        raise BenchError("wrk is missing: install Debian's wrk (apt-get install wrk)")
    print("bench: installing Debian's wrk", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["update"], ["-o", "DPkg::Lock::Timeout=600", "install", "-y", "wrk"]):
        subprocess.run(["apt-get", "-qq", *command], env=env, check=True, stdout=subprocess.DEVNULL)


def wrk(url: str, bodies: tuple[str, ...], seconds: float, connections: int, token: str) -> Run:
    """A fixed-time wrk run, one thread, posting the bodies in turn (bench/post.lua), as `token`."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8") as file:
        file.write("\n".join(bodies) + "\n")
        file.flush()
        command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s"]
        command += ["-s", str(ROOT / "bench" / "post.lua"), url, "--", file.name, token]
        result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    lines = [line for line in result.stdout.splitlines() if line.startswith("BENCH ")]
    if result.returncode != 0 or not lines:
        raise BenchError(f"wrk failed ({result.returncode}): {result.stderr.strip()}")
    raw = json.loads(lines[-1].removeprefix("BENCH "))
    errors = sum(raw[key] for key in raw if key.endswith("_errors")) + raw["timeouts"]
    seconds = raw["duration_us"] / 1e6
    return Run(raw["requests"], seconds, errors, raw["p50_us"] / 1000, raw["p99_us"] / 1000)


def answer(client: httpx.Client, url: str, body: str, what: str, token: str) -> bytes:
    """The answer to a POST: a 200 with data and no errors, a Todo where a union answers."""
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post(url, content=body, headers={"Content-Type": "application/json", **auth})
    try:
        data = response.json()
        values = data["data"].values()
        ok = not data.get("errors") and all(v.get("__typename", "Todo") == "Todo" for v in values)
    except (ValueError, KeyError, AttributeError, TypeError):
        ok = False
    if response.status_code != 200 or not ok:
        raise BenchError(f"{what}: HTTP {response.status_code}: {response.content[:400]!r}")
    return response.content


def shape(value: Any) -> Any:
    """The JSON's structure and types, without its values."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


class MariaDB:
    """The private MariaDB of scripts/mysql-server.sh in BENCH_MYSQL_DIR on BENCH_MYSQL_PORT."""

    def __init__(self) -> None:
        self.directory = Path(os.environ.get("BENCH_MYSQL_DIR", ROOT / "build/bench/mysql"))
        self.port = int(os.environ.get("BENCH_MYSQL_PORT", "23062"))
        self.started = False  # by the bench: stopped at the end, else only its databases dropped
        self.databases: list[str] = []

    def script(self, *arguments: str) -> str:
        """scripts/mysql-server.sh, in its own session (a Ctrl-C reaches only the bench)."""
        env = {"MYSQL_TEST_DIR": str(self.directory.resolve()), "MYSQL_TEST_PORT": str(self.port)}
        command = [str(ROOT / "scripts" / "mysql-server.sh"), *arguments]
        result = subprocess.run(command, cwd=ROOT, env=os.environ | env, capture_output=True,
                                text=True, start_new_session=True)  # fmt: skip
        if result.returncode != 0:
            raise BenchError(f"mysql-server.sh {arguments[0]} failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def running(self) -> bool:
        try:
            os.kill(self.pid(), 0)
        except (OSError, ValueError):
            return False
        return True

    def pid(self) -> int:
        return int((self.directory / "mysqld.pid").read_text())

    def start(self) -> None:
        self.started = not self.running()  # so stopped at the end, even if it fails to start
        self.script("start")

    def create(self, name: str) -> str:
        """A new empty database, and its URL."""
        self.databases.append(name)
        self.script("sql", f"DROP DATABASE IF EXISTS `{name}`; CREATE DATABASE `{name}`")
        return self.script("url", name)

    def cleanup(self) -> None:
        if self.started:
            self.script("stop")
            print("bench: MariaDB stopped", flush=True)
        elif self.databases and self.running():
            self.script("sql", "; ".join(f"DROP DATABASE `{n}`" for n in self.databases))
            print("bench: its databases dropped (MariaDB was running before it)", flush=True)


def connect(url: str, autocommit: bool = True) -> Any:
    """A pymysql connection to the database of a mysql:// URL."""
    given = expand_db_url(url)["credentials"]
    return pymysql.connect(host=given["host"], port=int(given["port"]), user=given["user"],
                           password=given["password"], database=given["database"],
                           charset="utf8mb4", autocommit=autocommit)  # fmt: skip


def seed(url: str, table: str) -> None:
    """The todo table of that database emptied and filled with the table's todos at once."""
    connection = connect(url, autocommit=False)
    try:
        with connection.cursor() as sql:
            sql.execute("TRUNCATE TABLE `todo`")
            count = TODOS[table]
            sql.executemany(INSERT, [todo_row(i, table) for i in range(1, count + 1)])
            sql.execute(f"ALTER TABLE `todo` AUTO_INCREMENT = {count + 1}")
        connection.commit()
        with connection.cursor() as sql:
            sql.execute("ANALYZE TABLE `todo`")
            sql.fetchall()
    finally:
        connection.close()


def normalised(statement: str) -> str:
    """A statement with its literals as ?, its columns sorted (Tortoise's order varies)."""
    statement = _LITERAL.sub("?", statement)
    return _COLUMNS.sub(lambda m: m[1] + ",".join(sorted(m[2].split(","))) + m[3], statement, 1)


class Statements:
    """What other connections send MariaDB: its Questions counter, and its general log."""

    def __init__(self, url: str) -> None:
        self.connection = connect(url)
        self.own = self.run("SELECT CONNECTION_ID()")[0][0]
        self.run("SET GLOBAL log_output = 'TABLE'", "SET GLOBAL general_log = 1")
        first = self.questions()
        self.overhead = self.questions() - first  # what a call to questions() adds

    def run(self, *statements: str) -> Any:
        with self.connection.cursor() as sql:
            for statement in statements:
                sql.execute(statement)
            return sql.fetchall()

    def questions(self) -> int:
        return int(self.run("SHOW GLOBAL STATUS LIKE 'Questions'")[0][1])

    def logged(self) -> list[str]:
        """The statements logged since the last call, normalised."""
        rows = self.run(
            "SELECT argument FROM mysql.general_log WHERE command_type = 'Query' "
            f"AND thread_id <> {self.own}"
        )
        self.run("TRUNCATE TABLE mysql.general_log")
        return [normalised(arg if isinstance(arg, str) else arg.decode()) for (arg,) in rows]

    def close(self) -> None:
        self.run("SET GLOBAL general_log = 0", "TRUNCATE TABLE mysql.general_log")
        self.connection.close()


def worker_pids(pid: int, workers: int) -> list[int]:
    """uvicorn's workers: the master itself, or its children started by multiprocessing."""
    if workers == 1:
        return [pid]
    return [child for child in children(pid) if b"spawn_main" in _read(f"/proc/{child}/cmdline")]


def children(pid: int) -> list[int]:
    """The processes `pid` started (any of its threads), from /proc; none once it has gone."""
    tasks = Path(f"/proc/{pid}/task").glob("*")
    return [int(child) for task in tasks for child in _read(f"{task}/children").split()]


def cpu_seconds(pids: list[int]) -> float:
    """The user and system CPU time of these processes, from /proc."""
    total = 0
    for pid in pids:
        fields = _read(f"/proc/{pid}/stat").rsplit(b")", 1)[-1].split()
        total += int(fields[11]) + int(fields[12]) if len(fields) > 12 else 0
    return total / TICKS


def rss_mb(pid: int) -> float:
    lines = _read(f"/proc/{pid}/status").splitlines()
    return sum(int(line.split()[1]) for line in lines if line.startswith(b"VmRSS:")) / 1024


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError:
        return b""
