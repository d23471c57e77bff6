"""Load: a burst of 200 calendar feed requests and 50 page requests at the same moment,
against the app served as in production — gunicorn with threaded workers, production
settings, the default connection pool — on a database of its own. Every answer is a 200
or a 304, the logs hold no error and no "QueuePool limit … timed out", and afterwards
every database connection is back in the pool, idle.

And the other side of it: a pool deliberately too small for the threads, with a short
wait, answers the requests it cannot serve with the 503 page (never a 500), and says so in
the log — so that the checks above would see an exhausted pool if there were one."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
from faults_support import (
    Install,
    account,
    admin_engine,
    drop_database,
    fresh_database,
    meeting,
    nominate,
    person,
)
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from forum.calendars import feeds
from forum.db import database_url

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
THREADS = 8
FEEDS, PAGES = 200, 50
APPLICATION_NAME = "forum-burst"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, headers: dict[str, str] | None = None,
        timeout: float = 120) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@contextmanager
def gunicorn(environment: dict[str, str], log: Path):
    """gunicorn with threaded workers serving app:app until the block ends."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS),
               "--worker-class", "gthread", "--threads", str(THREADS),
               "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "5", "app:app"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FORUM_", "DATABASE_"))}
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env | environment, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-3000:]}")
            try:
                if get(port, "/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def environment(url: str, folder: Path, **more: str) -> dict[str, str]:
    if make_url(url).get_backend_name() == "postgresql":
        # Names the app's connections, so that the server can be asked about them.
        url = make_url(url).update_query_dict({"application_name": APPLICATION_NAME}) \
            .render_as_string(hide_password=False)
    return {
        "FORUM_ENV": "production",
        "SECRET_KEY": "burst-test-secret",
        "DATABASE_URL": url,
        "MAIL_DELIVERY": "worker",
        "BASE_URL": "http://forum.test",
        "STORAGE_PATH": str(folder / "files"),
        "BLOB_STORAGE_PATH": str(folder / "blobs"),
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        **more,
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def forum(request, tmp_path):
    """A forum with meetings and ten members who each have a personal feed: the database's
    URL, the meetings' ids and the members' feed tokens."""
    kind = request.param
    url = fresh_database(kind, tmp_path, f"ops_burst_{kind}")
    install = Install(url, tmp_path)
    try:
        with install.session() as session:
            meetings = [meeting(install, session, days_ahead=days, title=f"Forummöte {n}").id
                        for n, days in enumerate(range(-400, 400, 40), start=1)]
            tokens = []
            for code in ("01", "03", "04", "05", "06", "07", "08", "09", "10", "12"):
                member = person(session, "Ledamot", f"Region{code}",
                                email=f"ledamot.{code}@region{code}.se")
                nominate(install, session, member, code)
                tokens.append(feeds.issue_token(session, account(session, member)))
            session.commit()
    finally:
        install.close()
    yield url, meetings, tokens
    drop_database(url)


def burst(port: int, requests: list[tuple[str, dict[str, str]]]) -> list[tuple[str, object]]:
    """Every request from a thread of its own, all let go at the same moment."""
    start = threading.Barrier(len(requests), timeout=60)
    answers: list[tuple[str, object]] = [("", None)] * len(requests)

    def one(index: int, path: str, headers: dict[str, str]) -> None:
        start.wait()
        try:
            status, _headers, _body = get(port, path, headers)
            answers[index] = (path, status)
        except Exception as error:  # noqa: BLE001 - a failed request is a finding
            answers[index] = (path, error)

    threads = [threading.Thread(target=one, args=(i, path, headers))
               for i, (path, headers) in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return answers


def the_requests(port: int, meetings: list[int], tokens: list[str]):
    """200 feed requests (public and personal feeds, some asking with the ETag they hold)
    and 50 page requests."""
    public = "/calendar/politikerforum.ics"
    personal = [f"/calendar/personal/{token}.ics" for token in tokens]
    etags = {path: get(port, path)[1]["ETag"] for path in [public, *personal[:3]]}
    requests: list[tuple[str, dict[str, str]]] = []
    for n in range(FEEDS):
        if n % 5 == 0:  # a calendar that holds the newest version already
            path = [public, *personal[:3]][n // 5 % 4]
            requests.append((path, {"If-None-Match": etags[path]}))
        elif n % 2:
            requests.append((public + ("?lang=en" if n % 3 == 0 else ""), {}))
        else:
            requests.append((personal[n % len(personal)], {}))
    pages = ["/", "/meetings", f"/meetings/{meetings[len(meetings) // 2]}", "/regions",
             "/regions/12"]
    requests += [(pages[n % len(pages)], {}) for n in range(PAGES)]
    return requests


def app_connections() -> list[tuple[str, str]]:
    admin = admin_engine()
    with admin.connect() as connection:
        rows = connection.execute(
            text("SELECT state, coalesce(wait_event_type, '') FROM pg_stat_activity "
                 "WHERE application_name = :name"), {"name": APPLICATION_NAME}).all()
    admin.dispose()
    return [tuple(row) for row in rows]


def log_records(log: Path) -> list[dict]:
    records = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))
    return records


def test_a_burst_of_feed_and_page_requests_is_served_without_an_error(forum, tmp_path):
    url, meetings, tokens = forum
    log = tmp_path / "gunicorn.log"
    with gunicorn(environment(url, tmp_path), log) as port:
        requests = the_requests(port, meetings, tokens)
        answers = burst(port, requests)
        statuses = Counter(status for _path, status in answers)
        failed = [(path, status) for path, status in answers if status not in (200, 304)]
        assert failed == [], f"{statuses}: {failed[:10]}"
        assert statuses[304] == FEEDS // 5 and statuses[200] == FEEDS - FEEDS // 5 + PAGES

        if make_url(url).get_backend_name() == "postgresql":
            # Afterwards every connection is back in its worker's pool, idle: none is left
            # in a transaction, and the extra ones opened under load were closed again.
            def settled():
                found = app_connections()
                return found if all(state == "idle" for state, _ in found) else None

            deadline = time.monotonic() + 10
            while (found := settled()) is None and time.monotonic() < deadline:
                time.sleep(0.1)
            assert found is not None, app_connections()
            assert 0 < len(found) <= WORKERS * 5  # DATABASE_POOL_SIZE in each worker
    text_log = log.read_text(errors="replace")
    assert "QueuePool limit" not in text_log
    assert "Traceback" not in text_log
    records = log_records(log)
    assert not [r for r in records if r.get("level") in ("ERROR", "CRITICAL")]
    served = [r for r in records if r.get("logger") == "forum.access"]
    assert len(served) >= len(requests)
    assert {r["status"] for r in served} <= {200, 304}


@pytest.mark.postgresql
def test_an_exhausted_pool_answers_503_and_says_so_in_the_log(tmp_path):
    """One connection per worker for eight threads, and a wait of one second, while a
    long transaction elsewhere holds the meetings table: the requests that find no free
    connection get the 503 page, never a 500, and the log names the cause. The checks of
    the burst above would see an exhausted pool."""
    url = fresh_database("postgresql", tmp_path, "ops_burst_small_pool")
    try:
        install = Install(url, tmp_path)
        with install.session() as session:
            meeting(install, session)
        install.close()
        log = tmp_path / "gunicorn.log"
        small = environment(url, tmp_path, DATABASE_POOL_SIZE="1", DATABASE_MAX_OVERFLOW="0",
                            DATABASE_POOL_TIMEOUT="1")
        locker = create_engine(database_url(url, "."))
        with gunicorn(small, log) as port, locker.connect() as connection:
            # A maintenance job, say, holds the table: a page that reads it waits with
            # its connection, and its worker's other threads wait for a connection.
            connection.execute(text("LOCK TABLE meetings IN ACCESS EXCLUSIVE MODE"))
            release = threading.Timer(4, connection.rollback)
            release.start()
            answers = burst(port, [("/meetings", {})] * 40)
            release.join()
        locker.dispose()
        statuses = Counter(status for _path, status in answers)
        assert set(statuses) == {200, 503}, statuses
        text_log = log.read_text(errors="replace")
        assert "QueuePool limit of size 1 overflow 0 reached" in text_log
        unavailable = [r for r in log_records(log)
                       if r.get("logger") == "forum.access" and r.get("status") == 503]
        assert len(unavailable) == statuses[503]
    finally:
        drop_database(url)
