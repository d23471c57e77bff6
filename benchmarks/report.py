"""The results as a table, in plain text for the terminal or Markdown for docs/performance.md."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from dataclasses import dataclass
from importlib.metadata import version

from benchmarks.inprocess import Answer, Build
from benchmarks.load import Measured
from benchmarks.scenarios import Scenario

# The yardstick in our brief: Indico serves a 200-meeting feed at about 2.5 requests a second
# with 800 SQL queries each; ours should be a hundred times faster on the same machine.
INDICO_PER_SECOND = 2.5
INDICO_QUERIES = 800
YARDSTICK_FACTOR = 100


@dataclass(frozen=True)
class Row:
    scenario: Scenario
    measured: Measured  # the round with the median requests per second
    answer: Answer
    ratio: float  # to the ceiling of the same round; the median over the rounds
    errors: int  # over all rounds
    small: Answer | None = None  # the same answer from a forum a twentieth the size

    @property
    def verdict(self) -> str:
        if self.scenario.target is None:
            return ""
        return "PASS" if self.ratio >= self.scenario.target else "FAIL"

    @property
    def problems(self) -> list[str]:
        found = list(self.answer.problems)
        if self.errors:
            found.append(f"{self.errors} failed or unexpected answers under load")
        if self.scenario.conditional and self.measured.bytes_per_request > 2048:
            found.append("answers under load too large for a 304")
        if self.small is not None and self.answer.queries > self.small.queries:
            found.append(f"SQL grows with the data ({self.small.queries} → "
                         f"{self.answer.queries})")
        return found


def machine(database: str, load_average: float) -> dict[str, str]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as info:
            found = re.search(r"^model name\s*:\s*(.+)$", info.read(), re.MULTILINE)
            cpu = found.group(1).strip() if found else cpu
    except OSError:
        pass
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "Python": platform.python_version(),
        "database": database,
        "gunicorn": version("gunicorn"),
        # Other work on the machine takes cores from the server and the load client.
        "load average before the run": f"{load_average:.2f}",
    }


def wrk_version() -> str:
    try:
        output = subprocess.run(["wrk", "--version"], capture_output=True, text=True,
                                check=False).stdout
    except OSError:
        return ""
    found = re.search(r"wrk (\S+)", output)
    return found.group(1) if found else ""


def _queries(n: int) -> str:
    return f"{n} SQL {'query' if n == 1 else 'queries'}"


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KiB" if n >= 1024 else f"{n} B"


def cells(row: Row) -> list[str]:
    target = f"≥ {row.scenario.target:g}" if row.scenario.target is not None else "–"
    check = "; ".join(row.problems) or f"ok {row.answer.checked}".strip()
    return [
        row.scenario.name,
        str(row.answer.status),
        f"{row.measured.per_second:,.0f}",
        f"{row.measured.p50_ms:.1f} ms",
        f"{row.measured.p95_ms:.1f} ms",
        f"{row.ratio:.2f}",
        f"{row.measured.server_cpu_ms:.2f} ms",
        f"{target} {row.verdict}".strip(),
        _size(row.answer.size),
        f"{row.answer.made_ms:.1f} ms",
        str(row.answer.queries),
        str(row.small.queries) if row.small is not None else "–",
        check,
    ]


HEADINGS = ["scenario", "status", "req/s", "median", "p95", "÷ ceiling", "CPU/req", "target",
            "size", "made in", "SQL/req", "at 1/20", "check"]
RIGHT = {1, 2, 3, 4, 5, 6, 8, 9, 10, 11}


def table(rows: list[Row], markdown: bool) -> str:
    body = [cells(row) for row in rows]
    if markdown:
        lines = ["| " + " | ".join(HEADINGS) + " |",
                 "|" + "|".join("---:" if i in RIGHT else "---" for i in range(len(HEADINGS)))
                 + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in body]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [HEADINGS, *body]) for i in range(len(HEADINGS))]

    def line(r: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in RIGHT else c.ljust(w)
                         for i, (c, w) in enumerate(zip(r, widths))).rstrip()

    return "\n".join([line(HEADINGS), line(["-" * w for w in widths]), *map(line, body)])


def yardstick(feed: Row, builds: list[Build], workers: int) -> list[str]:
    """Our public feed against Indico's, warm (the cache has it) and cold (every request a
    cache miss, from the in-process build time: each worker builds one at a time)."""
    wanted = INDICO_PER_SECOND * YARDSTICK_FACTOR
    rate = feed.measured.per_second
    cold = next(b for b in builds if b.name == "public feed")
    cold_rate = workers * 1000 / cold.median_ms
    verdict = "PASS" if rate >= wanted else "FAIL"
    indico = (f"Indico: a 200-meeting feed at about {INDICO_PER_SECOND} req/s with "
              f"{INDICO_QUERIES} SQL queries each; ours should be {YARDSTICK_FACTOR}× faster "
              f"(≥ {wanted:.0f} req/s).")
    ours = (f"Ours, {cold.events} meetings: {rate:,.0f} req/s with "
            f"{_queries(feed.answer.queries)} each = {rate / INDICO_PER_SECOND:,.0f}× Indico: "
            f"{verdict}.")
    missed = (f"Were every request a cache miss (in steady state none is): about "
              f"{cold_rate:,.0f} req/s ({workers} workers / {cold.median_ms:.1f} ms) with "
              f"{_queries(cold.queries + feed.answer.queries)} = "
              f"{cold_rate / INDICO_PER_SECOND:,.0f}× Indico.")
    return [indico, ours, missed]


def cold_lines(builds: list[Build], times: int) -> list[str]:
    return [
        (f"{b.name}: {b.median_ms:.1f} ms for {b.events} events, of which "
         f"{b.load_ms:.1f} ms loading the meetings ({_queries(b.queries)}) and "
         f"{b.median_ms - b.load_ms:.1f} ms writing the iCalendar (median of {times}, "
         "in-process)")
        for b in builds
    ]
