"""The benchmarks' one entry point: generate a forum into a fresh database, serve it with
gunicorn as in production, load every scenario from a second process on loopback, and print
a table against the ceiling (/healthz) measured in the same run.

    .venv/bin/python -m benchmarks.run [--database-url postgresql://…] [--markdown] [--check]

It is a measurement, not a test: it exits 0 whatever the figures, unless --check is given.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import secrets
import shlex
import sqlite3
import statistics
import sys
import tempfile
from datetime import date
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from benchmarks import dataset, inprocess, load, report, server
from benchmarks.scenarios import SCENARIOS, Scenario
from forum import create_app
from forum.db import db


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="an EMPTY database to fill, e.g. "
                        "postgresql://forum:forum@127.0.0.1/forum_bench (default: SQLite in a "
                        "temporary folder)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="the generated forum's size: 1.0 is 5,000 people, 2,000 meetings "
                        "and 50,000 documents over 20 years (default 1.0; 0.05 for a quick run)")
    parser.add_argument("--no-compare", dest="compare", action="store_false",
                        help=f"do not count each answer's SQL again on a forum {SMALLER} times "
                        "smaller (it is counted by default: SQL per request must not grow "
                        "with the data)")
    parser.add_argument("--seconds", type=int, default=10, help="load per scenario (10)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure every scenario this many times, in turn, and take the "
                        "median (1); more rounds steady the figures on a busy machine")
    parser.add_argument("--connections", type=int, default=16, help="open connections (16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads (2)")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto",
                        help="the load client: wrk when installed, else Python (auto)")
    parser.add_argument("--builds", type=int, default=20,
                        help="cold builds of each feed, in-process, for the median (20)")
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="only the scenarios whose name contains TEXT (repeatable); the "
                        "ceiling is always measured")
    parser.add_argument("--markdown", action="store_true",
                        help="print the results as Markdown, for docs/performance.md")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a target or a check is missed")
    return parser.parse_args(argv)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def database_name(app) -> str:
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            return f"SQLite {sqlite3.sqlite_version}"
        raw = db.session.scalar(text("SHOW server_version"))
        return f"PostgreSQL {raw.split()[0]}"


def chosen(only: list[str]) -> list[Scenario]:
    return [s for s in SCENARIOS
            if s.ceiling or not only or any(t.lower() in s.name.lower() for t in only)]


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    client = load.client_name(args.client)
    scenarios = chosen(args.only)
    pressure = load.Load(args.connections, args.threads, args.seconds)
    load_average = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="forum-bench-") as folder:
        url = args.database_url or f"sqlite:///{folder}/forum.sqlite"
        port = server.free_port()
        environment = {
            "FORUM_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": url,
            "BLOB_STORAGE_PATH": f"{folder}/blobs",
            "STORAGE_PATH": f"{folder}/files",
            "BASE_URL": f"http://127.0.0.1:{port}",
            "MAIL_BACKEND": "console",
        }
        # The app in this process reads its settings as gunicorn's will.
        os.environ.update(environment)
        app = create_app()
        say(f"Generating a forum into {make_url(url).render_as_string()} …")
        with app.app_context():
            try:
                forum = dataset.build(db.engine, db.session, args.scale)
            except dataset.NotEmpty as refusal:
                say(f"Refused: {refusal}")
                return 2
        database = database_name(app)
        say("Counting queries and timing cold builds in-process …")
        answers = {s.name: inprocess.answer(app, forum, s) for s in scenarios}
        builds = inprocess.cold_builds(app, forum, args.builds)
        app.extensions["forum.db"]["engine"].dispose()
        small = (_small(folder, environment, args.scale / SMALLER, scenarios)
                 if args.compare else {})

        with server.gunicorn(port, environment, Path(folder) / "gunicorn.log") as served:
            prepared = [(s, _prepare(port, forum, s)) for s in scenarios]
            rounds: list[dict[str, load.Measured]] = []
            for number in range(1, args.rounds + 1):
                figures = {}
                for scenario, headers in prepared:
                    say(f"Round {number}/{args.rounds}: {scenario.name} for {args.seconds} s "
                        f"with {client} …")
                    cpu = served.cpu_seconds()
                    measured = load.measure(
                        client, port, scenario.path(forum), headers, pressure, scenario.status)
                    figures[scenario.name] = dataclasses.replace(
                        measured, server_cpu_ms=(served.cpu_seconds() - cpu) * 1000
                        / max(measured.requests, 1))
                rounds.append(figures)
        rows = [_row(s, rounds, answers[s.name], small.get(s.name)) for s in scenarios]

    failed = _print(args, client, report.machine(database, load_average), rows, builds)
    return 1 if args.check and failed else 0


# SQL per request must not grow with the data: each answer is counted again on a forum this
# many times smaller.
SMALLER = 20


def _small(folder: str, environment: dict[str, str], scale: float,
           scenarios: list[Scenario]) -> dict[str, inprocess.Answer]:
    """The scenarios' answers from a smaller forum, generated into SQLite beside the other."""
    app = create_app({**environment, "DATABASE_URL": f"sqlite:///{folder}/small.sqlite",
                      "BLOB_STORAGE_PATH": f"{folder}/small-blobs",
                      "STORAGE_PATH": f"{folder}/small-files"})
    say(f"Counting queries again on a forum {SMALLER} times smaller (scale {scale:g}) …")
    with app.app_context():
        forum = dataset.build(db.engine, db.session, scale)
    found = {s.name: inprocess.answer(app, forum, s, times=1) for s in scenarios}
    app.extensions["forum.db"]["engine"].dispose()
    return found


def _row(scenario: Scenario, rounds: list[dict[str, load.Measured]],
         answer: inprocess.Answer, small: inprocess.Answer | None) -> report.Row:
    ceiling = next(s for s in SCENARIOS if s.ceiling).name
    runs = sorted(rounds, key=lambda figures: figures[scenario.name].per_second)
    ratio = statistics.median(
        figures[scenario.name].per_second / figures[ceiling].per_second for figures in rounds)
    return report.Row(scenario, runs[len(runs) // 2][scenario.name], answer, ratio,
                      sum(figures[scenario.name].errors for figures in rounds), small)


def _prepare(port: int, forum: dataset.Forum, scenario: Scenario) -> dict[str, str]:
    """Over HTTP once before the load: the ETag for a conditional request, the answer's
    status, and each worker's cache warmed (a calendar has fetched the feed before)."""
    path = scenario.path(forum)
    status, headers, _ = server.get(port, path)
    sent = {"If-None-Match": headers["ETag"]} if scenario.conditional else {}
    for _ in range(4 * server.WORKERS):
        status, _, _ = server.get(port, path, sent)
    if status != scenario.status:
        raise RuntimeError(f"{path} answered {status} over HTTP, not {scenario.status}")
    return sent


def _shown(argument: str) -> str:
    """An argument as the printed command shows it: a database URL without its password."""
    if "://" not in argument:
        return argument
    option, equals, url = argument.partition("=") if argument.startswith("--") else (
        "", "", argument)
    return option + equals + make_url(url).render_as_string()


def _print(args: argparse.Namespace, client: str, machine: dict[str, str],
           rows: list[report.Row], builds: list[inprocess.Build]) -> bool:
    """Print the results; True when a target or a check was missed."""
    command = " ".join([".venv/bin/python -m benchmarks.run",
                        *(shlex.quote(_shown(a)) for a in sys.argv[1:] if a != "--markdown")])
    loader = (f"wrk {report.wrk_version()} -t{args.threads} -c{args.connections} "
              f"-d{args.seconds}s --latency" if client == "wrk"
              else f"Python client, {args.connections} connections, {args.seconds} s")
    if args.rounds > 1:
        loader += f", median of {args.rounds} rounds"
    served = f"gunicorn -w {server.WORKERS} --threads 1 (FORUM_ENV=production)"
    database = machine["database"]
    feed = next((r for r in rows if r.scenario.name == "public feed"), None)
    lines = report.yardstick(feed, builds, server.WORKERS) if feed else []
    if args.rounds > 1:
        lines.insert(0, "req/s, latency and CPU are those of each scenario's median round; "
                     "÷ ceiling is the median of the rounds' ratios, each to the ceiling of "
                     "its own round.")
    cold = report.cold_lines(builds, args.builds)
    failed = any(r.verdict == "FAIL" or r.problems for r in rows) or any(
        "FAIL" in line for line in lines)
    facts = ", ".join(f"{k} {v}" for k, v in machine.items())
    if args.markdown:
        print(f"### {database}, {date.today().isoformat()}\n")
        print(f"`{command}`: {served}; load from {loader} on loopback.\n")
        print(f"Machine: {facts}.\n")
        print(report.table(rows, markdown=True) + "\n")
        print("\n".join(f"- {line}" for line in lines + ["Cold build, " + c for c in cold]))
    else:
        print(f"\nCalendar feeds, {database}: {served}; {loader} on loopback")
        print(report.table(rows, markdown=False) + "\n")
        print("\n".join(lines))
        print("Cold build (no cache):")
        print("\n".join(f"  {c}" for c in cold))
        print(f"Machine: {facts}")
        print(f"Command: {command}")
    return failed


if __name__ == "__main__":
    sys.exit(main())
