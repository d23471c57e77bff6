"""What is measured inside one process, against the same database: the SQL statements a
request sends (counted on the app's engine, as tests/conftest.py's count_queries does), the
answer itself, and what building a feed costs when the per-process cache has not got it."""

from __future__ import annotations

import html
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import event, select

from benchmarks.dataset import Forum
from benchmarks.scenarios import Scenario
from forum import answers as kept_answers
from forum.calendars import feeds
from forum.db import db
from forum.roster.models import Body

# Transaction control is not a query.
NOT_QUERIES = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    engine = app.extensions["forum.db"]["engine"]
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(NOT_QUERIES):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@dataclass(frozen=True)
class Answer:
    status: int
    size: int  # bytes of the body
    queries: int  # SQL statements to make it (not kept in memory for a few seconds)
    etag: str
    checked: str  # what was counted in it, e.g. "200 events"
    problems: list[str]
    made_ms: float  # median time to make it in-process, without the answers kept in memory


def _made(client, path: str, headers: dict[str, str]):
    """A request made from the database: the answers kept in memory forgotten first (the
    feeds' built bytes, kept by fingerprint, stay: they are never stale)."""
    kept_answers.memory(client.application).clear()
    return client.get(path, headers=headers)


def answer(app: Flask, forum: Forum, scenario: Scenario, times: int = 10) -> Answer:
    """The scenario's answer in its steady state (a feed built and its Last-Modified
    recorded by a first fetch), what making it costs: its SQL statements and the median
    time of `times`, each without the answers kept in memory (forum/answers.py)."""
    client = app.test_client()
    path = scenario.path(forum)
    first = _made(client, path, {})
    etag = first.headers.get("ETag", "")
    headers = {"If-None-Match": etag} if scenario.conditional else {}
    _made(client, path, headers)
    with counting(app) as statements:
        response = _made(client, path, headers)
    durations = []
    for _ in range(times):
        began = time.perf_counter()
        _made(client, path, headers)
        durations.append(time.perf_counter() - began)
    problems, checked = [], ""
    if response.status_code != scenario.status:
        problems.append(f"status {response.status_code}, not {scenario.status}")
    if scenario.expect is not None:
        what, count, expected = scenario.expect(forum)
        found = count(response.data)
        checked = f"{found} {what if found != 1 else what.removesuffix('s')}"
        if found != expected:
            problems.append(f"{checked}, not {expected}")
    if scenario.contains is not None:
        wanted = html.escape(scenario.contains(forum), quote=False)
        if wanted not in response.get_data(as_text=True):
            problems.append(f"{wanted!r} not in the answer")
    return Answer(response.status_code, len(response.data), len(statements), etag, checked,
                  problems, statistics.median(durations) * 1000)


@dataclass(frozen=True)
class Build:
    name: str
    median_ms: float
    load_ms: float  # of which: the query and loading the meetings (median)
    queries: int
    events: int


def _median(app: Flask, setup: Callable, build: Callable, times: int):
    """(median ms, SQL statements, result) of build(session, setup(session)), each time in a
    new session, so that the meetings are loaded anew."""
    durations = []
    for _ in range(times):
        with db.sessionmaker() as session:
            subject = setup(session)
            with counting(app) as statements:
                began = time.perf_counter()
                result = build(session, subject)
                durations.append(time.perf_counter() - began)
    return statistics.median(durations) * 1000, len(statements), result


def cold_builds(app: Flask, forum: Forum, times: int) -> list[Build]:
    """Each feed built from the database without the per-process cache: what a cache miss
    costs (the median of `times`)."""
    def body(session):
        return session.scalar(select(Body).where(Body.slug == forum.body_slug))

    def account(session):
        return feeds.find_token(session, forum.personal_token).account

    kinds = [
        ("public feed", body, lambda s, b: feeds.body_feed(s, b, "sv"),
         lambda s, b: feeds.body_meetings(s, b)),
        ("personal feed", account, feeds.personal_feed,
         lambda s, a: feeds.personal_meetings(s, a.person_id)),
    ]
    builds = []
    with app.test_request_context():
        for name, setup, build, load in kinds:
            _median(app, setup, build, 1)  # imports, the VTIMEZONE's cache, compiled SQL
            median, queries, built = _median(app, setup, build, times)
            load_median, _, _ = _median(app, setup, load, times)
            builds.append(Build(name, median, load_median, queries,
                                built.count(b"BEGIN:VEVENT")))
    return builds
