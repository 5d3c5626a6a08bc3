"""Each server, each database and the load tool in a CPU cgroup of its own, with equal shares, as
Compose or systemd run them, so that no side of a comparison gets more CPU from how its processes
happen to be grouped.

Without this, Linux's autogroup decides: each session gets an equal share of a busy CPU, and the
processes the bench starts land in sessions by accident. PostgreSQL puts every backend in a
session of its own (each as heavy as the whole service), the bench started MariaDB in one of its
own, and the service's workers shared one with wrk; list10's p99 came out 31-37 ms in the bench
against 13-17 ms with MariaDB started in the bench's session. Needs root and cgroup v1's cpu
controller (as on the CI machine); elsewhere the bench says so and runs as before.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from bench.load import BenchError, children

CPU = Path("/sys/fs/cgroup/cpu")  # cgroup v1's cpu controller


class CpuGroups:
    def __init__(self) -> None:
        self.base = CPU / f"todobackend-bench-{os.getpid()}"
        self.groups: list[Path] = []
        self.why_not = self._why_not()

    @staticmethod
    def _why_not() -> str:
        if not (CPU / "cpu.shares").is_file():
            return "no cgroup v1 cpu controller at /sys/fs/cgroup/cpu"
        if not os.access(CPU / "cgroup.procs", os.W_OK):
            return "/sys/fs/cgroup/cpu is not writable (not root)"
        return ""

    def describe(self) -> str:
        if self.why_not:
            return f"CPU groups: none ({self.why_not}); CPU shared as Linux's autogroup has it"
        return "CPU groups: each server, database and wrk in a cgroup of its own, equal shares"

    def place(self, name: str, *pids: int) -> None:
        """These processes and their descendants (and what they start later) in group `name`."""
        if self.why_not:
            return
        group = self.base / name
        if group not in self.groups:
            group.mkdir(parents=True, exist_ok=True)
            self.groups.append(group)
        for process in {found for pid in pids for found in _with_descendants(pid)}:
            try:
                (group / "cgroup.procs").write_text(f"{process}\n")
            except ProcessLookupError:
                continue  # gone since it was listed
            except OSError as error:
                raise BenchError(f"cannot move {process} into {group}: {error}") from error

    def close(self) -> None:
        """Every process left in a group back in the root group, and the groups removed (one
        that cannot be is reported and left: the results stand)."""
        for group in [*reversed(self.groups), self.base] if self.groups else []:
            try:
                for pid in (group / "cgroup.procs").read_text().split():
                    with contextlib.suppress(ProcessLookupError):
                        (CPU / "cgroup.procs").write_text(f"{pid}\n")
                group.rmdir()
            except OSError as error:
                print(f"bench: CPU group {group} left behind: {error}", flush=True)
        self.groups.clear()


def _with_descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue += children(current)
    return found
