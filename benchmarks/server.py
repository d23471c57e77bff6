"""gunicorn as in production (README, Deployment), on a free loopback port, for one run."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def command(port: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "--threads", "1",
            "-b", f"127.0.0.1:{port}", "app:app"]


def get(port: int, path: str, headers: dict[str, str] | None = None,
        timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


TICKS = os.sysconf("SC_CLK_TCK")


class Served:
    """The running gunicorn: its master's process id, and the CPU its processes have used."""

    def __init__(self, pid: int):
        self.pid = pid

    def cpu_seconds(self) -> float:
        """User and system time of the master and its workers so far (from /proc)."""
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            # After the command: state, ppid, …; utime and stime are fields 14 and 15.
            if int(entry.name) == self.pid or int(fields[1]) == self.pid:
                total += int(fields[11]) + int(fields[12])
        return total / TICKS


@contextmanager
def gunicorn(port: int, environment: dict[str, str], log: Path) -> Iterator[Served]:
    """gunicorn serving the app until the block ends; ready when /healthz answers."""
    with open(log, "wb") as output:
        process = subprocess.Popen(command(port), cwd=ROOT, env={**os.environ, **environment},
                                   stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        _wait_until_healthy(process, port, log)
        yield Served(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)  # the master stops its workers
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # its own process group (new session)
            process.wait()


def _wait_until_healthy(process: subprocess.Popen, port: int, log: Path,
                        within: float = 30) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if get(port, "/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"gunicorn did not answer /healthz on port {port}:\n{tail}")
