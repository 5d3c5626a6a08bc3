"""Load and counting: wrk runs, single requests, MariaDB's statement counters and general log."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pymysql  # type: ignore[import-untyped]

from bench.servers import BenchError

LUA = Path(__file__).resolve().parent / "post.lua"
# The statement counters read around each run: Questions (every statement a client sent), and the
# kinds the service sends, to say which statements a request costs.
COUNTERS = ("Questions", "Com_select", "Com_insert", "Com_update", "Com_delete", "Com_begin",
            "Com_commit", "Com_rollback", "Com_set_option")  # fmt: skip


def wrk_version() -> str:
    path = shutil.which("wrk")
    if path is None:
        return ""
    result = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    first = (result.stdout or result.stderr).splitlines()
    return first[0].split(" Copyright")[0].strip() if first else "wrk"


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    errors: int  # connect, read, write, non-2xx and timeouts
    p50_ms: float
    p99_ms: float
    raw: dict[str, Any]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_wrk(url: str, bodies: tuple[str, ...], seconds: float, connections: int) -> WrkResult:
    """One fixed-time wrk run, one thread, posting the bodies in turn."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8") as file:
        file.write("\n".join(bodies) + "\n")
        file.flush()
        command = [
            "wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s",
            "-s", str(LUA), url, "--", file.name,
        ]  # fmt: skip
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out, err = process.communicate(timeout=seconds + 60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    lines = [line for line in out.decode().splitlines() if line.startswith("BENCH ")]
    if process.returncode != 0 or not lines:
        raise BenchError(f"wrk failed ({process.returncode}): {err.decode().strip()}")
    raw = json.loads(lines[-1][len("BENCH ") :])
    errors = sum(raw[key] for key in raw if key.endswith("_errors")) + raw["timeouts"]
    return WrkResult(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        errors=errors,
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        raw=raw,
    )


class Client:
    """Sequential requests over one keep-alive connection."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.path = parts.path or "/"
        self.connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)

    def post(self, body: str) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json"}
        self.connection.request("POST", self.path, body.encode(), headers)
        response = self.connection.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self.connection.close()


def post_json(url: str, body: str) -> dict[str, Any]:
    client = Client(url)
    try:
        status, content = client.post(body)
    finally:
        client.close()
    if status != 200:
        raise BenchError(f"POST {url}: HTTP {status}: {content[:300]!r}")
    decoded: dict[str, Any] = json.loads(content)
    if decoded.get("errors"):
        raise BenchError(f"POST {url}: {decoded['errors']}")
    return decoded


class Database:
    """A connection of the bench's own to the MariaDB: counters, the general log, housekeeping.
    Its own statements are left out of every count."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.connection = pymysql.connect(
            host=parts.hostname,
            port=parts.port or 3306,
            user=parts.username or "",
            password=parts.password or "",
            database=parts.path.lstrip("/"),
            charset="utf8mb4",
            autocommit=True,
        )
        self.thread_id = int(self.scalar("SELECT CONNECTION_ID()"))
        # What one reading of the counters adds to the counters itself.
        first = self._read()
        second = self._read()
        self.own = {name: second[name] - first[name] for name in COUNTERS}

    def scalar(self, sql: str) -> Any:
        with self.connection.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
        return row[0] if row else None

    def execute(self, sql: str) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql)

    def _read(self) -> dict[str, int]:
        names = ",".join(f"'{name}'" for name in COUNTERS)
        with self.connection.cursor() as cursor:
            cursor.execute(f"SHOW GLOBAL STATUS WHERE Variable_name IN ({names})")
            return {name: int(value) for name, value in cursor.fetchall()}

    def running_statements(self) -> int:
        """Statements MariaDB is running for other clients."""
        with self.connection.cursor() as cursor:
            cursor.execute("SHOW GLOBAL STATUS LIKE 'Threads_running'")
            row = cursor.fetchone()
        return int(row[1]) - 1  # this one

    def counters(self) -> dict[str, int]:
        return self._read()

    def delta(self, before: dict[str, int]) -> dict[str, int]:
        """The statements other clients sent since `before` (this connection's own left out)."""
        after = self._read()
        return {name: after[name] - before[name] - self.own[name] for name in COUNTERS}

    # The general log, to compare the SQL of the service and of the ceiling.
    def general_log(self, path: Path, on: bool) -> None:
        if on:
            self.execute(f"SET GLOBAL general_log_file='{path}'")
            self.execute("SET GLOBAL log_output='FILE'")
        self.execute(f"SET GLOBAL general_log={int(on)}")

    def close(self) -> None:
        self.connection.close()


def describe(change: dict[str, int], requests: int) -> str:
    """The statement kinds per request, e.g. "SELECT" or "BEGIN UPDATE SELECT COMMIT"."""
    names = {"Com_begin": "BEGIN", "Com_select": "SELECT", "Com_insert": "INSERT",
             "Com_update": "UPDATE", "Com_delete": "DELETE", "Com_commit": "COMMIT",
             "Com_rollback": "ROLLBACK", "Com_set_option": "SET"}  # fmt: skip
    parts = []
    for counter, name in names.items():
        per_request = change.get(counter, 0) / requests
        if per_request:
            parts.append(name if per_request == 1 else f"{per_request:g}x{name}")
    return " ".join(parts) or "none"


_LOG_LINE = re.compile(r"^(?:\d{6}\s+\d{1,2}:\d\d:\d\d)?\s+(\d+)\s(\w+(?: \w+)?)\t(.*)$")
_STRING = re.compile(r"'(?:[^'\\]|\\.|'')*'")
_NUMBER = re.compile(r"(?<![\w`])-?\d+(?:\.\d+)?")


def logged_statements(path: Path, offset: int, exclude_thread: int) -> list[str]:
    """The statements in the general log after `offset`, but those of `exclude_thread`."""
    try:
        with path.open("rb") as file:
            file.seek(offset)
            text = file.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return []
    statements = []
    for line in text.splitlines():
        match = _LOG_LINE.match(line)
        if match and match.group(2) == "Query" and int(match.group(1)) != exclude_thread:
            statements.append(match.group(3))
    return statements


_SELECT_LIST = re.compile(r"^SELECT (.*?) FROM ")


def normalised(statement: str) -> str:
    """A statement with its literal values replaced by ?, so that two requests compare equal, and
    its select list sorted (Tortoise lists the columns in a different order in each process)."""
    statement = _NUMBER.sub("?", _STRING.sub("?", statement))
    match = _SELECT_LIST.match(statement)
    if match:
        columns = ",".join(sorted(match.group(1).split(",")))
        statement = f"SELECT {columns} FROM {statement[match.end() :]}"
    return statement


def kinds(statements: list[str]) -> str:
    """The kinds of a request's statements in order, e.g. "BEGIN UPDATE SELECT COMMIT"."""
    return " ".join(statement.split(None, 1)[0].upper() for statement in statements) or "none"


def log_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
