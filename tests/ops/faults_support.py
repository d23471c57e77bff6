"""What the fault and load tests share: databases of their own that commit for real (a copy
of a migrated template, on SQLite or on the suite's PostgreSQL server), an install of the
app on one, a few factories that commit, and a TCP proxy on loopback that can be cut to
play a database server that went away.

The tests in tests/ops/test_faults.py and test_load.py cannot use the suite's `app`
fixture: it holds every session on one connection inside a transaction that is rolled
back, and these tests need separate connections, real commits and a server that
disappears."""

from __future__ import annotations

import atexit
import functools
import secrets
import selectors
import shutil
import socket
import tempfile
import threading
from datetime import date
from pathlib import Path

from suite_support import _reset_postgres, make_test_app, postgres_url
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from forum import migrate, reference
from forum.accounts.models import Account
from forum.db import database_url, make_engine
from forum.roster import services as roster
from forum.roster.models import Body, Person, Region, Seat

TEMPLATES = Path(tempfile.mkdtemp(prefix="forum-ops-templates-"))


# --- databases ---------------------------------------------------------------------------


def admin_engine():
    """An AUTOCOMMIT engine on the suite's PostgreSQL database, for CREATE and DROP."""
    suite = postgres_url()
    return create_engine(database_url(suite, "."), isolation_level="AUTOCOMMIT")


def _postgres_name(suffix: str) -> str:
    return f"{make_url(postgres_url()).database}_{suffix}"


def _postgres_url(name: str) -> str:
    return make_url(postgres_url()).set(database=name).render_as_string(hide_password=False)


def _migrate(url: str) -> None:
    engine = make_engine(database_url(url, "."))
    try:
        migrate.upgrade(engine)
        with Session(engine) as session:
            reference.load(session)
            session.commit()
    finally:
        engine.dispose()


@functools.cache
def _template(kind: str) -> str:
    """A database migrated to the head with the reference data: once per run and kind."""
    if kind == "sqlite":
        path = TEMPLATES / "template.sqlite"
        _migrate(f"sqlite:///{path}")
        return str(path)
    name = _postgres_name("ops_template")
    admin = admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = _postgres_url(name)
    _reset_postgres(url)
    _migrate(url)
    atexit.register(drop_database, url)  # at the end of the run
    return name


def fresh_database(kind: str, folder: Path, name: str) -> str:
    """The URL of a database of the test's own, migrated and holding the reference data.
    PostgreSQL: <suite database>_<name>, a copy of the template; SQLite: a file in folder."""
    template = _template(kind)
    if kind == "sqlite":
        path = folder / f"{name}.sqlite"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    database = _postgres_name(name)
    admin = admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{database}" TEMPLATE "{template}"'))
    admin.dispose()
    return _postgres_url(database)


def drop_database(url: str) -> None:
    if make_url(url).get_backend_name() != "postgresql":
        return  # a file in the test's temporary folder
    admin = admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


# --- an install: the app on its own database ------------------------------------------------


class Install:
    """The app on a database of its own; sessions commit for real, each on a connection
    of the engine's pool."""

    def __init__(self, url: str, folder: Path, **config):
        self.url = url
        self.kind = make_url(url).get_backend_name()
        self.app = make_test_app(
            url,
            STORAGE_PATH=str(folder / "files"),
            BLOB_STORAGE_PATH=str(folder / "blobs"),
            **config,
        )

    @property
    def engine(self):
        return self.app.extensions["forum.db"]["engine"]

    def session(self) -> Session:
        return self.app.extensions["forum.db"]["sessionmaker"]()

    def client(self, account: Account | None = None, *, language: str | None = None):
        """A test client, signed in as the account if one is given; ``language="en"``
        chooses English as the language switch does."""
        client = self.app.test_client()
        if account is not None or language is not None:
            with client.session_transaction() as flask_session:
                if account is not None:
                    flask_session["_user_id"] = account.get_id()
                    flask_session["_fresh"] = True
                if language is not None:
                    flask_session["lang"] = language
        return client

    def close(self) -> None:
        self.engine.dispose()


# --- factories that commit -----------------------------------------------------------------


def person(session: Session, given: str, family: str, *, email: str | None = None) -> Person:
    found = Person(given_name=given, family_name=family, email=email)
    session.add(found)
    session.commit()
    return found


def account(session: Session, someone: Person, *, language: str = "sv", **roles) -> Account:
    """An active account of the person; roles: is_secretariat=True, contact_region_id=…"""
    found = Account(
        person_id=someone.id,
        email=someone.email or f"konto.{someone.id}.{secrets.token_hex(3)}@test.example",
        password_hash=None,
        language=language,
        **roles,
    )
    session.add(found)
    session.commit()
    return found


def staff(session: Session, given: str = "Kansli", family: str = "Handläggare") -> Account:
    someone = person(session, given, family, email=f"{given.lower()}.{secrets.token_hex(3)}@kansliet.se")
    return account(session, someone, is_secretariat=True)


def region(session: Session, code: str) -> Region:
    return session.scalar(select(Region).where(Region.code == code))


def seat(session: Session, body: str = "politikerforum", slug: str = "majoritet") -> Seat:
    return session.scalar(select(Seat).join(Body).where(Body.slug == body, Seat.slug == slug))


def nominate(install: Install, session: Session, someone: Person, code: str, *,
             seat_slug: str = "majoritet", start: date = date(2024, 1, 1), party: str = "S"):
    """Nominate through the service and commit, as the secretariat's form would."""
    with install.app.test_request_context():
        nomination = roster.nominate(
            session, person=someone, seat=seat(session, "politikerforum", seat_slug),
            region=region(session, code), start_date=start, party=party,
        )
    session.commit()
    return nomination


# --- a database server that can go away ------------------------------------------------------


class TcpProxy:
    """Forwards a port on loopback to the database server. ``stop()`` closes the port and
    cuts every connection through it, as a crashed server or a broken network would;
    ``start()`` opens the same port again."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def url_for(self, url: str) -> str:
        return make_url(url).set(host="127.0.0.1", port=self.port).render_as_string(
            hide_password=False)

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.2)
        self._listener = listener
        self._stopping.clear()
        self._thread = threading.Thread(target=self._accept, name="db-proxy", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._listener is not None:
            self._listener.close()
        self._listener = self._thread = None
        with self._lock:
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._sockets.clear()

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._sockets) // 2

    def _accept(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            server.settimeout(None)
            with self._lock:
                self._sockets.update((client, server))
            threading.Thread(target=self._pipe, args=(client, server), daemon=True).start()

    def _pipe(self, client: socket.socket, server: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, server)
        selector.register(server, selectors.EVENT_READ, client)
        try:
            while True:
                for key, _ in selector.select(timeout=0.5):
                    data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                    if not data:
                        return
                    key.data.sendall(data)
                if client.fileno() < 0 or server.fileno() < 0:
                    return
        except (OSError, ValueError):
            return
        finally:
            selector.close()
            with self._lock:
                for sock in (client, server):
                    if sock in self._sockets:
                        self._sockets.discard(sock)
                        sock.close()


# --- a meeting with people to tell ------------------------------------------------------------


def members(install: Install, session: Session, codes: list[str], *, english: set[str] = frozenset()):
    """A majority politician with an e-mail address for each region code, nominated from
    2024 on: members of the politicians' forum, so participants of its meetings. Those of
    the regions in ``english`` have accounts that read English."""
    people = []
    for code in codes:
        someone = person(session, "Ledamot", f"Region{code}", email=f"ledamot.{code}@region{code}.se")
        nominate(install, session, someone, code)
        if code in english:
            account(session, someone, language="en")
        people.append(someone)
    return people


def meeting(install: Install, session: Session, *, days_ahead: int = 60, title: str = "Forummöte"):
    """A politicians' forum meeting that many days ahead, 10–15 Swedish time."""
    from datetime import datetime, time, timedelta

    from forum.meetings import services as meetings
    from forum.timeutil import STOCKHOLM, today

    start = datetime.combine(today() + timedelta(days=days_ahead), time(10), tzinfo=STOCKHOLM)
    with install.app.test_request_context():
        found = meetings.create(
            session, body_id=session.scalar(select(Body.id).where(Body.slug == "politikerforum")),
            title=title, start_at=start, end_at=start + timedelta(hours=5),
            venue="Regionhuset Malmö",
        )
    session.commit()
    return found


def move_form(found, *, day: date, start: str = "13:00", end: str = "16:00") -> dict[str, str]:
    """What the meeting's edit form sends to move it."""
    return {
        "body_id": str(found.body_id), "theme_id": "", "title": found.title,
        "day": day.isoformat(), "start_time": start, "end_time": end,
        "venue": found.venue, "address": "", "host_region_id": "", "online_url": "",
        "description": "", "prepares_id": "", "material_deadline": "",
    }
