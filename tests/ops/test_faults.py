"""Faults: the database goes away and comes back, a change is cut off in the middle, the
mail server is down, and two people take the same seat at the same moment.

Everything here is real: a PostgreSQL server that refuses or disappears (its connections
terminated, the database closed to connections, or a TCP proxy on loopback cut), a worker
process killed with SIGKILL in the middle of a transaction, the loopback SMTP server of
tests/mail_fixtures.py stopped and started, and threads with connections of their own.
Each test has a database of its own (tests/ops/faults_support.py), since these tests need
real commits and separate connections."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from faults_support import (
    Install,
    TcpProxy,
    account,
    admin_engine,
    drop_database,
    fresh_database,
    meeting,
    members,
    move_form,
    nominate,
    person,
    region,
    seat,
    staff,
)
from flask_babel import force_locale
from mail_fixtures import SmtpServer
from sqlalchemy import event, func, select, text, update
from sqlalchemy.engine import make_url

from forum import mail
from forum.audit.models import AuditEntry
from forum.db import db
from forum.mail_models import OutboxMessage, OutboxStatus
from forum.meetings.models import Meeting
from forum.proposals import services as proposals
from forum.proposals.models import NominationProposal, ProposalStatus
from forum.roster import services as roster
from forum.roster.models import Nomination, Person
from forum.timeutil import utcnow

ROOT = Path(__file__).resolve().parents[2]


# --- installs -------------------------------------------------------------------------------


@pytest.fixture
def own_database(request, tmp_path):
    """own_database(kind) -> the URL of a fresh database of this test's own, dropped after."""
    made = []

    def make(kind: str) -> str:
        name = f"ops_{request.node.name}"
        name = "".join(c if c.isalnum() else "_" for c in name)[:40].lower() + f"_{len(made)}"
        url = fresh_database(kind, tmp_path, name)
        made.append(url)
        return url

    yield make
    for url in made:
        drop_database(url)


@pytest.fixture
def installs(tmp_path):
    """installs(url, **config) -> an Install on that database, closed after the test."""
    made: list[Install] = []

    def make(url: str, **config) -> Install:
        install = Install(url, tmp_path / f"install{len(made)}", **config)
        made.append(install)
        return install

    yield make
    for install in made:
        install.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def kind(request) -> str:
    return request.param


def backend_pids(url: str) -> list[int]:
    """The server processes connected to the test's database (the app's connections)."""
    admin = admin_engine()
    with admin.connect() as connection:
        pids = connection.scalars(
            text("SELECT pid FROM pg_stat_activity WHERE datname = :name "
                 "AND pid <> pg_backend_pid()"),
            {"name": make_url(url).database},
        ).all()
    admin.dispose()
    return list(pids)


def terminate(pids) -> None:
    admin = admin_engine()
    with admin.connect() as connection:
        for pid in pids:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


def allow_connections(url: str, allowed: bool) -> None:
    admin = admin_engine()
    with admin.connect() as connection:
        connection.execute(text(
            f'ALTER DATABASE "{make_url(url).database}" ALLOW_CONNECTIONS {str(allowed).lower()}'
        ))
    admin.dispose()


def wait_until(condition, timeout: float = 15.0, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def assert_unavailable_page(response, language: str = "sv") -> None:
    assert response.status_code == 503, response.status_code
    assert response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    assert f'<html lang="{language}">' in page and "<main" in page
    assert "Traceback" not in page and "OperationalError" not in page
    assert "psycopg" not in page and "127.0.0.1" not in page


# --- the database goes away and comes back --------------------------------------------------


class Outage:
    """Takes the database away and brings it back, in one of two real ways."""

    def __init__(self, how: str, url: str, proxy: TcpProxy | None):
        self.how, self.url, self.proxy = how, url, proxy

    def begin(self) -> None:
        if self.how == "refused":
            # The server is up but closed to this database; what was connected is cut off.
            allow_connections(self.url, False)
            terminate(backend_pids(self.url))
        else:
            # The server is gone: nothing answers on its port and open connections break.
            assert self.proxy is not None
            self.proxy.stop()

    def end(self) -> None:
        if self.how == "refused":
            allow_connections(self.url, True)
        else:
            assert self.proxy is not None
            self.proxy.start()


@pytest.mark.postgresql
@pytest.mark.parametrize("how", ["refused", "unreachable"])
def test_while_the_database_is_away_pages_answer_503_and_the_app_recovers_by_itself(
    own_database, installs, how
):
    url = own_database("postgresql")
    proxy = None
    app_url = url
    if how == "unreachable":
        server = make_url(url)
        proxy = TcpProxy(server.host or "127.0.0.1", server.port or 5432)
        proxy.start()
        app_url = proxy.url_for(url)
    install = installs(app_url)
    with install.session() as session:
        secretariat = staff(session)
        someone = person(session, "Ingrid", "Ekholm", email="ingrid.ekholm@regionkalmar.se")
        seat_id, region_code = seat(session).id, "08"
    anonymous, signed_in = install.client(), install.client(secretariat)
    nomination = {"person_id": str(someone.id), "seat_id": str(seat_id), "party": "C",
                  "start_date": "2025-01-01", "end_date": "", "nominated_by_id": "", "note": ""}
    # Before: the pool holds working connections.
    for client in (anonymous, signed_in):
        assert client.get("/regions").status_code == 200
    assert anonymous.get("/readyz").status_code == 200

    outage = Outage(how, url, proxy)
    outage.begin()
    try:
        for client in (anonymous, signed_in):
            for path in ("/regions", "/meetings", "/", f"/regions/{region_code}"):
                assert_unavailable_page(client.get(path))
            # The probes: the process is alive, but not ready to serve.
            assert client.get("/healthz").status_code == 200
            ready = client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json["checks"]["database"] == "unreachable"
        # A change asked for meanwhile is refused with the same page, not half done.
        assert_unavailable_page(
            signed_in.post(f"/regions/{region_code}/nominate", data=nomination))
        # Pages that need no database still work.
        assert anonymous.get("/accessibility").status_code == 200
    finally:
        outage.end()

    # Back: the same app, not restarted, serves again from its first request on.
    assert anonymous.get("/readyz").status_code == 200
    for client in (anonymous, signed_in):
        assert client.get("/regions").status_code == 200
    response = signed_in.post(f"/regions/{region_code}/nominate", data=nomination)
    assert response.status_code == 302, response.get_data(as_text=True)
    with install.session() as session:
        saved = session.scalars(select(Nomination).where(Nomination.person_id == someone.id)).all()
        assert len(saved) == 1  # the refused attempt left nothing; the new one is there once
    assert install.engine.pool.checkedout() == 0


@pytest.mark.postgresql
def test_a_pool_of_connections_the_server_dropped_is_replaced_without_an_error(
    own_database, installs
):
    """A database restart leaves every pooled connection dead. With pre-ping the pool finds
    out before using one: the requests that come next all succeed, at once and in
    parallel, without a single 503."""
    url = own_database("postgresql")
    install = installs(url)
    with install.session() as session:
        secretariat = staff(session)
    # Five connections in the pool, as after five requests at the same time.
    held = [install.engine.connect() for _ in range(5)]
    for connection in held:
        connection.execute(text("SELECT 1"))
    for connection in held:
        connection.close()
    statuses: list[int] = []

    def visit(path: str) -> None:
        statuses.append(install.client(secretariat).get(path).status_code)

    pooled = backend_pids(url)
    assert len(pooled) == 5 and install.engine.pool.checkedin() == 5

    terminate(pooled)  # the server restarted: every connection in the pool is dead
    wait_until(lambda: not backend_pids(url), what="the server to end the connections")

    statuses.clear()
    threads = [threading.Thread(target=visit, args=(path,))
               for path in ("/regions", "/meetings", "/", "/regions/12", "/readyz") * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200] * 10
    # Fresh connections replaced the dead ones, and all went back to the pool.
    assert set(backend_pids(url)).isdisjoint(pooled)
    assert install.engine.pool.checkedout() == 0


# --- nothing half-written -------------------------------------------------------------------


def a_move(install: Install, codes=("01", "03", "05")):
    """A staff account, a meeting of the politicians' forum and its members with e-mail:
    moving it changes the meeting, writes an audit entry and queues a mail per member."""
    with install.session() as session:
        secretariat = staff(session)
        people = members(install, session, list(codes))
        found = meeting(install, session)
        new_day = found.start_at.date() + timedelta(days=7)
        return secretariat, people, found, move_form(found, day=new_day)


def written_by_the_move(install: Install, found: Meeting) -> dict:
    with install.session() as session:
        current = session.get(Meeting, found.id)
        return {
            "start_at": current.start_at,
            "revision": current.revision,
            "moved": session.scalar(select(func.count()).select_from(AuditEntry)
                                    .where(AuditEntry.action == "meeting_moved")),
            "outbox": session.scalar(select(func.count()).select_from(OutboxMessage)),
        }


def a_nomination(install: Install):
    with install.session() as session:
        secretariat = staff(session)
        someone = person(session, "Karin", "Sjöholm", email="karin.sjoholm@regiongavleborg.se")
        form = {"person_id": str(someone.id), "seat_id": str(seat(session).id), "party": "S",
                "start_date": "2025-03-01", "end_date": "", "nominated_by_id": "", "note": ""}
        return secretariat, someone, form


def written_by_the_nomination(install: Install, someone: Person) -> dict:
    with install.session() as session:
        return {
            "nominations": session.scalar(select(func.count()).select_from(Nomination)
                                          .where(Nomination.person_id == someone.id)),
            "audit": session.scalar(select(func.count()).select_from(AuditEntry)
                                    .where(AuditEntry.action == "nomination_created",
                                           AuditEntry.person_id == someone.id)),
        }


@pytest.mark.postgresql
@pytest.mark.parametrize("change", ["nomination", "meeting move"])
def test_a_change_cut_off_by_the_database_mid_transaction_leaves_neither_part(
    own_database, installs, change
):
    """The server ends the connection after the first rows of a change were written and
    before the last: the visitor gets the 503 page, and none of it is there afterwards."""
    install = installs(own_database("postgresql"))
    if change == "nomination":
        secretariat, someone, form = a_nomination(install)
        url, last_table = "/regions/21/nominate", "audit_log"
        before = written_by_the_nomination(install, someone)
        after = lambda: written_by_the_nomination(install, someone)
    else:
        secretariat, people, found, form = a_move(install)
        url, last_table = f"/meetings/{found.id}/edit", "outbox"
        before = written_by_the_move(install, found)
        after = lambda: written_by_the_move(install, found)
    seen: list[str] = []

    @event.listens_for(install.engine, "before_cursor_execute")
    def cut(connection, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()[:3]))
        if statement.lstrip().upper().startswith(f"INSERT INTO {last_table.upper()} ") and not cut.done:
            cut.done = True
            terminate([connection.connection.dbapi_connection.info.backend_pid])

    cut.done = False
    client = install.client(secretariat)
    response = client.post(url, data=form)
    event.remove(install.engine, "before_cursor_execute", cut)
    assert cut.done, f"the change never reached {last_table}: {seen}"
    # The first part had been written in the same transaction before the cut.
    first = "INSERT INTO nominations" if change == "nomination" else "UPDATE meetings SET"
    assert any(s.startswith(first) for s in seen), seen
    assert_unavailable_page(response)
    assert after() == before

    # The app carries on by itself, and the same change then goes through whole.
    response = client.post(url, data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    done = after()
    if change == "nomination":
        assert done == {"nominations": 1, "audit": 1}
    else:
        assert done["revision"] == before["revision"] + 1 and done["moved"] == 1
        assert done["outbox"] == len(people)


KILLED_WORKER = r"""
import json, sys
sys.path[:0] = [sys.argv[1]]
from sqlalchemy import event
from suite_support import make_test_app

url, folder, user_id, path, form = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
app = make_test_app(url, STORAGE_PATH=folder + "/files", BLOB_STORAGE_PATH=folder + "/blobs")
engine = app.extensions["forum.db"]["engine"]

@event.listens_for(engine, "commit")
def freeze(connection):
    # Everything of the change is written in the transaction: say so, and wait to be killed.
    counts = {table: connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
              for table in ("outbox", "audit_log")}
    counts["revision"] = connection.exec_driver_sql("SELECT max(revision) FROM meetings").scalar()
    print("frozen " + json.dumps(counts), flush=True)
    sys.stdin.read()

client = app.test_client()
with client.session_transaction() as session:
    session["_user_id"] = user_id
    session["_fresh"] = True
client.post(path, data=json.loads(form))
print("finished", flush=True)
"""


def test_a_worker_killed_mid_change_leaves_neither_part(own_database, installs, kind, tmp_path):
    """A worker process is killed (SIGKILL, as the OOM killer or a hard restart would) when
    the meeting's move, its audit entry and its e-mails are written but not committed:
    afterwards the meeting is where it was, and there is no audit entry and no e-mail."""
    url = own_database(kind)
    install = installs(url)
    secretariat, people, found, form = a_move(install)
    before = written_by_the_move(install, found)
    install.close()  # the worker has the database to itself

    worker = subprocess.Popen(
        [sys.executable, "-c", KILLED_WORKER, str(ROOT / "tests"), url, str(tmp_path),
         secretariat.get_id(), f"/meetings/{found.id}/edit", json.dumps(form)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=ROOT,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(worker.stdout), daemon=True)
    reader.start()
    try:
        wait_until(lambda: lines or worker.poll() is not None, timeout=120, what="the worker")
        line = lines[0] if lines else ""
        assert line.startswith("frozen "), line + worker.stderr.read()
        inside = json.loads(line.removeprefix("frozen "))
        # Inside its transaction the whole change was there.
        assert inside == {"outbox": len(people), "audit_log": inside["audit_log"],
                          "revision": before["revision"] + 1}
        assert inside["audit_log"] > 0
        os.kill(worker.pid, signal.SIGKILL)
        assert worker.wait(timeout=30) == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        reader.join(timeout=10)
        worker.stderr.close()
        worker.stdin.close()

    install = installs(url)
    after = wait_until(lambda: written_by_the_move(install, found), what="the database")
    assert after == before
    # The database is whole and the change can be made again.
    response = install.client(secretariat).post(f"/meetings/{found.id}/edit", data=form)
    assert response.status_code == 302
    done = written_by_the_move(install, found)
    assert done["revision"] == before["revision"] + 1 and done["outbox"] == len(people)


# --- the mail server is down ------------------------------------------------------------------


def outbox(install: Install) -> list[OutboxMessage]:
    with install.session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def make_due(install: Install) -> None:
    """As if the backoff had passed for every message that waits."""
    with install.session() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
                        .values(next_attempt_at=utcnow() - timedelta(minutes=1)))
        session.commit()


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def mail_config(server: SmtpServer, delivery: str) -> dict:
    return {"MAIL_BACKEND": "smtp", "MAIL_SERVER": server.host, "MAIL_PORT": server.port,
            "MAIL_DELIVERY": delivery, "MAIL_TIMEOUT": 5}


def a_proposal(install: Install, code: str = "14"):
    """A region's contact with a pending proposal: approving it mails the contact."""
    with install.session() as session:
        contact_person = person(session, "Åsa", "Öberg", email=f"asa.oberg@region{code}.se")
        contact = account(session, contact_person, contact_region_id=region(session, code).id)
        with install.app.test_request_context():
            proposal = proposals.propose(
                session, by=contact, region=region(session, code), seat=seat(session),
                person=None, new_person={"given_name": "Örjan", "family_name": "Ängström"},
                party="S", start_date=date(2027, 3, 1),
                decision_reference="Regionstyrelsen 2027-01-15 § 12", decision_file=None,
            )
        session.commit()
        return contact, proposal


def test_with_the_mail_server_down_changes_save_and_each_mail_goes_out_once_when_it_is_back(
    own_database, installs, kind, smtp
):
    """Production's delivery (a background thread after each commit) against a stopped SMTP
    server: the approval and the move are saved, their mails wait; once the server is back
    the outbox worker (`flask forum outbox`) sends each exactly once."""
    install = installs(own_database(kind), **mail_config(smtp, "thread"))
    contact, proposal = a_proposal(install)
    secretariat, people, found, form = a_move(install, codes=("01", "03", "05", "07"))
    with install.session() as session:
        english = person(session, "Member", "Abroad", email="member.abroad@region10.se")
        nominate(install, session, english, "10")
        account(session, english, language="en")
    people.append(english)
    smtp.stop()
    client = install.client(secretariat, language="en")

    response = client.post(f"/proposals/{proposal.id}/approve")
    assert response.status_code == 302
    # The background delivery tried once and failed; the worker will try again later.
    wait_until(lambda: [m.attempts for m in outbox(install)] == [1], what="the first attempt")
    response = client.post(f"/meetings/{found.id}/edit", data=form)
    assert response.status_code == 302
    assert "every participant was told" in client.get(response.location).get_data(as_text=True)
    wait_until(lambda: sum(m.attempts for m in outbox(install)) == 2, what="the second attempt")

    # Both changes are saved, whatever the mail server does.
    with install.session() as session:
        assert session.get(NominationProposal, proposal.id).status is ProposalStatus.APPROVED
        assert session.get(Meeting, found.id).revision == 1
    waiting = outbox(install)
    assert len(waiting) == 1 + len(people)
    assert all(m.status is OutboxStatus.PENDING and m.sent_at is None for m in waiting)
    failed = [m for m in waiting if m.attempts]
    assert len(failed) == 2 and all("ConnectionRefused" in m.last_error for m in failed)
    assert all(m.next_attempt_at > utcnow() for m in failed)  # backing off

    smtp.start()
    assert smtp.messages == []
    runner = install.app.test_cli_runner()
    make_due(install)
    result = runner.invoke(args=["forum", "outbox"])
    assert result.exit_code == 0, result.output
    assert f"Outbox: {1 + len(people)} sent, 0 failed." in result.output

    # Each recipient got exactly their mails, once, with the Message-ID the outbox gave it.
    received: dict[str, int] = {}
    for message in smtp.messages:
        for address in message.rcpt_tos:
            received[address] = received.get(address, 0) + 1
    assert received == {contact.email: 1} | {p.email: 1 for p in people}
    ids = {m.message_id for m in outbox(install)}
    assert {m["Message-ID"] for m in smtp.messages} == ids
    [english_mail] = smtp.to(english.email)
    assert english_mail["Content-Language"] == "en"
    assert all(m.status is OutboxStatus.SENT for m in outbox(install))

    # Another round sends nothing again.
    make_due(install)
    result = runner.invoke(args=["forum", "outbox"])
    assert "Outbox: 0 sent, 0 failed." in result.output
    assert len(smtp.messages) == 1 + len(people)


def test_two_outbox_workers_at_once_send_each_mail_once(own_database, installs, kind, smtp):
    """Two workers (the `--watch` worker on two machines) start a round at the same moment
    over the same waiting mails: each mail is claimed by one of them and sent once."""
    install = installs(own_database(kind), **mail_config(smtp, "worker"))
    codes = ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14"]
    secretariat, people, found, form = a_move(install, codes=codes)
    response = install.client(secretariat).post(f"/meetings/{found.id}/edit", data=form)
    assert response.status_code == 302
    assert len(outbox(install)) == len(codes)

    barrier = threading.Barrier(2, timeout=30)
    results: list[dict] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(mail.deliver_pending(install.app))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(r["sent"] for r in results) == len(codes)
    assert all(r["failed"] == 0 for r in results)
    assert sorted(a for m in smtp.messages for a in m.rcpt_tos) == sorted(p.email for p in people)
    assert len({m["Message-ID"] for m in smtp.messages}) == len(codes)
    assert mail.deliver_pending(install.app) == {"sent": 0, "failed": 0}


# --- two people take the same seat at the same moment ----------------------------------------


def both_check_before_either_writes(install: Install) -> threading.Barrier:
    """Holds each nomination at its INSERT, after its seat-rule checks, until the other
    has checked too: neither saw the other's nomination when it looked."""
    barrier = threading.Barrier(2, timeout=30)

    @event.listens_for(install.engine, "before_cursor_execute")
    def hold(connection, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO NOMINATIONS"):
            barrier.wait()

    return barrier


def two_candidates(install: Install, code: str):
    with install.session() as session:
        first = person(session, "Anna", "Lindqvist", email="anna.lindqvist@regionvasterbotten.se")
        second = person(session, "Bo", "Nyström", email="bo.nystrom@regionvasterbotten.se")
        return first, second


def nominations_in_the_seat(install: Install, code: str) -> list[Nomination]:
    with install.session() as session:
        return list(session.scalars(
            select(Nomination).where(Nomination.region_id == region(session, code).id,
                                     Nomination.seat_id == seat(session).id)))


@pytest.mark.postgresql
def test_two_nominations_to_one_seat_at_the_same_moment_one_wins_the_other_is_told_why(
    own_database, installs
):
    install = installs(own_database("postgresql"))
    code = "24"
    candidates = two_candidates(install, code)
    both_check_before_either_writes(install)
    outcomes: dict[int, object] = {}

    def nominate_one(candidate: Person) -> None:
        # A request of its own: its own app context, session and pooled connection.
        with install.app.test_request_context(), force_locale("en"):
            session = db.session
            try:
                created = roster.nominate(
                    session, person=session.get(Person, candidate.id), seat=seat(session),
                    region=region(session, code), start_date=date(2026, 1, 1), party="S")
                session.commit()
                outcomes[candidate.id] = created.id
            except roster.RosterError as error:
                session.rollback()
                outcomes[candidate.id] = error
            except BaseException as error:  # noqa: BLE001 - reported below
                outcomes[candidate.id] = error

    threads = [threading.Thread(target=nominate_one, args=(c,)) for c in candidates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    saved = [o for o in outcomes.values() if isinstance(o, int)]
    refused = [o for o in outcomes.values() if isinstance(o, roster.RosterError)]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    [error] = refused
    assert error.field == "start_date"
    assert error.message.startswith("Someone else has just filled the seat "), error.message
    assert "Region Västerbotten" in error.message
    assert error.message.endswith("Reload the region page to see who holds it.")
    [held] = nominations_in_the_seat(install, code)
    assert held.id == saved[0]
    with install.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "nomination_created")) == 1


def test_two_secretaries_nominating_to_one_seat_over_http_one_is_told_why(
    own_database, installs, kind
):
    """The same through two browsers. PostgreSQL makes the second wait for the first and
    then refuses it by its exclusion constraint: the form comes back with the reason.
    SQLite has one writer at a time: the second, which has read already, cannot wait and
    gets the 503 page ("try again"); nothing of it is saved either way, and trying again
    shows the seat taken."""
    install = installs(own_database(kind))
    code = "24"
    candidates = two_candidates(install, code)
    with install.session() as session:
        secretaries = [staff(session, "Kansli", "Ett"), staff(session, "Kansli", "Två")]
        seat_id = seat(session).id
    barrier = both_check_before_either_writes(install)
    responses: dict[int, object] = {}

    def form(candidate) -> dict[str, str]:
        return {"person_id": str(candidate.id), "seat_id": str(seat_id), "party": "S",
                "start_date": "2026-01-01", "end_date": "", "nominated_by_id": "", "note": ""}

    def post(secretary, candidate) -> None:
        try:
            responses[candidate.id] = install.client(secretary, language="en").post(
                f"/regions/{code}/nominate", data=form(candidate))
        except BaseException as error:  # noqa: BLE001 - reported below
            responses[candidate.id] = error

    threads = [threading.Thread(target=post, args=pair) for pair in zip(secretaries, candidates)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not barrier.broken, "the two requests did not both reach the seat check"

    [winner] = [cid for cid, r in responses.items() if r.status_code == 302]
    [loser] = [cid for cid, r in responses.items() if cid != winner]
    told = responses[loser]
    if kind == "postgresql":
        assert told.status_code == 200, told
        page = told.get_data(as_text=True)
        assert 'class="error-summary"' in page
        assert "Someone else has just filled the seat" in page
    else:
        assert_unavailable_page(told, "en")
    [held] = nominations_in_the_seat(install, code)
    assert held.person_id == winner
    with install.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "nomination_created")) == 1

    # Trying again: the seat rules now see the other nomination and say who holds it.
    loser_secretary = secretaries[[c.id for c in candidates].index(loser)]
    again = install.client(loser_secretary, language="en").post(
        f"/regions/{code}/nominate", data=form(next(c for c in candidates if c.id == loser)))
    assert again.status_code == 200
    assert "is already held during this time by" in again.get_data(as_text=True)
    assert len(nominations_in_the_seat(install, code)) == 1
