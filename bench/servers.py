"""The processes the bench starts: the private MariaDB (through scripts/mysql-server.sh) and the
uvicorn servers; each stopped again by its own process id, the MariaDB only if the bench started
it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MYSQL_SCRIPT = ROOT / "scripts" / "mysql-server.sh"


class BenchError(Exception):
    """Something the bench needs did not work; the message says what."""


@dataclass
class MariaDB:
    """The private MariaDB of scripts/mysql-server.sh, in its own directory and port so that it
    never shares state with the test suite's instance (build/mysql, 33061)."""

    directory: Path
    port: int
    started: bool = False

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "MYSQL_TEST_DIR": str(self.directory),
            "MYSQL_TEST_PORT": str(self.port),
        }

    def running(self) -> bool:
        pid_file = self.directory / "mysqld.pid"
        try:
            os.kill(int(pid_file.read_text().strip()), 0)
        except (OSError, ValueError):
            return False
        return True

    def cpu_seconds(self) -> float:
        try:
            return cpu_seconds(int((self.directory / "mysqld.pid").read_text().strip()))
        except (OSError, ValueError):
            return 0.0

    def _script(self, *arguments: str) -> str:
        result = subprocess.run(
            [str(MYSQL_SCRIPT), *arguments],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            # Its own session: a Ctrl-C in the terminal reaches the bench, which stops the server.
            start_new_session=True,
            check=False,
        )
        if result.returncode != 0:
            raise BenchError(
                f"scripts/mysql-server.sh {arguments[0]} failed:\n{result.stderr.strip()}"
            )
        return result.stdout.strip()

    def start(self) -> None:
        already = self.running()
        self._script("start")
        self.started = not already

    def stop(self) -> None:
        if self.started:
            self._script("stop")
            self.started = False

    def url(self, database: str) -> str:
        return self._script("url", database)

    def sql(self, statements: str) -> str:
        return self._script("sql", statements)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    """A uvicorn server started as the release image starts the service."""

    name: str
    app: str
    env: dict[str, str]
    workers: int
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "uvicorn", *self.app.split(),
            "--host", "127.0.0.1", "--port", str(self.port),
            "--workers", str(self.workers), "--no-access-log", "--log-level", "warning",
        ]  # fmt: skip

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: its workers are stopped with it
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise BenchError(f"{self.name} exited at start:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as response:
                    if response.status == 200 and len(self.worker_pids()) == self.workers:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise BenchError(
            f"{self.name} did not answer /health in {timeout:.0f} s:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def worker_pids(self) -> list[int]:
        """uvicorn's worker processes: the master's children started by multiprocessing."""
        if self.process is None:
            return []
        return [pid for pid in _children(self.process.pid) if b"spawn_main" in _cmdline(pid)]

    def cpu_seconds(self) -> float:
        """The CPU time the master and its workers have used so far."""
        if self.process is None:
            return 0.0
        return sum(cpu_seconds(pid) for pid in [self.process.pid, *self.worker_pids()])

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _signal_group(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        # Workers left behind by a master that died are in the same group.
        _signal_group(self.process.pid, signal.SIGKILL)
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process (all its threads), from /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU time the whole machine has spent busy (all CPUs, not idle nor waiting), from /proc."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signum)


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return children


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
