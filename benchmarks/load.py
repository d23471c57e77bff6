"""Load from a second process on loopback: wrk when it is installed, else a Python client
(threads, one keep-alive connection each) that gives the same figures, more slowly."""

from __future__ import annotations

import http.client
import re
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

WRK_SCRIPT = Path(__file__).with_name("wrk_summary.lua")
# In a path, FRESH becomes a number of its own in every request (wrk_fresh.lua).
FRESH = "FRESH"
WRK_FRESH_SCRIPT = Path(__file__).with_name("wrk_fresh.lua")


@dataclass(frozen=True)
class Load:
    connections: int = 16
    threads: int = 2
    seconds: int = 10


@dataclass(frozen=True)
class Measured:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    bytes_per_request: float
    errors: int  # failed connections, and answers other than the expected status
    server_cpu_ms: float = 0.0  # the server's CPU time per request (all its processes)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def client_name(choice: str) -> str:
    """'wrk' or 'python': what `auto` picks on this machine."""
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if choice == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (on Debian: apt-get install wrk)")
    return choice


def measure(client: str, port: int, path: str, headers: dict[str, str], load: Load,
            status: int) -> Measured:
    if client == "wrk":
        return _wrk(port, path, headers, load)
    return _python(port, path, headers, load, status)


def _wrk(port: int, path: str, headers: dict[str, str], load: Load) -> Measured:
    command = ["wrk", f"-t{load.threads}", f"-c{load.connections}", f"-d{load.seconds}s",
               "--latency", "-s", str(WRK_FRESH_SCRIPT if FRESH in path else WRK_SCRIPT)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True,
                            timeout=load.seconds + 60).stdout
    found = re.search(r"^BENCHMARK (.*)$", output, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"wrk printed no summary:\n{output}")
    figures = {k: int(v) for k, v in (pair.split("=") for pair in found.group(1).split())}
    requests = figures["requests"]
    return Measured(
        requests=requests,
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p95_ms=figures["p95_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        bytes_per_request=figures["bytes"] / requests if requests else 0.0,
        errors=figures["errors"],
    )


def _python(port: int, path: str, headers: dict[str, str], load: Load,
            status: int) -> Measured:
    latencies: list[list[float]] = [[] for _ in range(load.connections)]
    sizes = [0] * load.connections
    errors = [0] * load.connections
    start = time.perf_counter()
    deadline = start + load.seconds

    def run(n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sent = 0
        while True:
            began = time.perf_counter()
            if began >= deadline:
                break
            sent += 1
            try:
                connection.request("GET", path.replace(FRESH, f"{n}-{sent}"), headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                errors[n] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            latencies[n].append(time.perf_counter() - began)
            sizes[n] += len(body)
            if response.status != status:
                errors[n] += 1
        connection.close()

    workers = [threading.Thread(target=run, args=(n,)) for n in range(load.connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - start
    every = sorted(t for per in latencies for t in per)
    if len(every) < 2:
        raise RuntimeError(f"{path}: fewer than two answers in {load.seconds} s")
    cuts = statistics.quantiles(every, n=100, method="inclusive")
    return Measured(
        requests=len(every),
        seconds=elapsed,
        p50_ms=statistics.median(every) * 1000,
        p95_ms=cuts[94] * 1000,
        p99_ms=cuts[98] * 1000,
        bytes_per_request=sum(sizes) / len(every),
        errors=sum(errors),
    )
