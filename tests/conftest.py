"""Fixtures for the whole suite: an app per test on a migrated database (SQLite and, when
configured, PostgreSQL), a rollback per test, a client, a CLI runner, factories, and a
query counter."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from forum import create_app, migrate, reference
from forum.db import database_url, make_engine
from forum.roster import services
from forum.roster.models import Body, Organisation, OrganisationKind, Person, Region, Seat

# tests/mail_fixtures.py: the smtp_server fixture; tests/meetings_fixtures.py: bodies, themes;
# tests/calendar_fixtures.py: ical_js, Mozilla's iCalendar parser under Node
pytest_plugins = ["mail_fixtures", "meetings_fixtures", "calendar_fixtures", "calendars_fixtures",
                  "material_fixtures", "news_fixtures", "cooperation_fixtures",
                  "surveys_fixtures", "privacy_fixtures"]

from suite_support import (  # noqa: E402,F401  (re-exported for older imports)
    IN_CI,
    PASSWORD,
    POSTGRES_URL_VARIABLE,
    TEST_FILES,
    _reset_postgres,
    make_test_app,
    postgres_url,
)


def pytest_report_header(config):
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    return f"databases: sqlite{', postgresql at ' + make_url(url).render_as_string() if url else ' only'}"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(request, tmp_path_factory) -> Iterator[str]:
    """A database migrated to the head with the reference data committed: its URL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'forum-test.sqlite'}"
    else:
        url = postgres_url()
        _reset_postgres(url)
    engine = make_engine(database_url(url, "."))
    migrate.upgrade(engine)
    with Session(engine) as session:
        reference.load(session)
        session.commit()
    engine.dispose()
    yield url


@pytest.fixture
def db_name(database) -> str:
    return make_url(database).get_backend_name()


@pytest.fixture
def make_app():
    """Build an app of one's own: make_app(database_url, **config)."""
    return make_test_app


@pytest.fixture
def app_config() -> dict:
    """Override in a module or test to change the app's configuration."""
    return {}


@pytest.fixture
def app(database, app_config, tmp_path):
    """The app, with every session bound to one connection whose transaction is rolled
    back after the test (SAVEPOINTs stand in for the app's commits)."""
    application = make_test_app(database, **app_config)
    state = application.extensions["forum.db"]
    engine: Engine = state["engine"]
    connection = engine.connect()
    transaction = connection.begin()
    state["sessionmaker"].configure(bind=connection, join_transaction_mode="create_savepoint")
    application.extensions["forum.test_connection"] = connection
    yield application
    transaction.rollback()
    connection.close()
    engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app) -> Iterator[Session]:
    """A session of the test's own, on the same connection as the app's requests."""
    with app.extensions["forum.db"]["sessionmaker"]() as s:
        yield s


@pytest.fixture
def ctx(app):
    """A request context, for calling services and formatters directly."""
    with app.test_request_context():
        yield


@contextmanager
def _context(app):
    with app.test_request_context():
        yield


# --- reference data ---------------------------------------------------------------------


@pytest.fixture
def region(session):
    def get(code: str = "12") -> Region:
        return session.scalar(select(Region).where(Region.code == code))

    return get


@pytest.fixture
def seat(session):
    def get(body_slug: str = "politikerforum", seat_slug: str = "majoritet") -> Seat:
        return session.scalar(
            select(Seat).join(Body).where(Body.slug == body_slug, Seat.slug == seat_slug)
        )

    return get


# --- factories --------------------------------------------------------------------------


@pytest.fixture
def make_organisation(session):
    count = 0

    def make(name: str | None = None, kind=OrganisationKind.AGENCY, **fields) -> Organisation:
        nonlocal count
        count += 1
        organisation = Organisation(name=name or f"Testmyndigheten {count}", kind=kind, **fields)
        session.add(organisation)
        session.commit()
        return organisation

    return make


@pytest.fixture
def make_person(session):
    count = 0

    def make(given_name: str = "Test", family_name: str | None = None, **fields) -> Person:
        nonlocal count
        count += 1
        person = Person(
            given_name=given_name,
            family_name=family_name or f"Testsson{count}",
            **fields,
        )
        session.add(person)
        session.commit()
        return person

    return make


@pytest.fixture
def make_nomination(app, session, make_person, region, seat):
    """Nominate through the service, so that factories obey the same rules as users."""

    def make(
        person: Person | None = None,
        *,
        region_code: str = "12",
        body: str = "politikerforum",
        seat_slug: str = "majoritet",
        start: date = date(2023, 1, 1),
        end: date | None = None,
        party: str | None = None,
    ):
        chosen_seat = seat(body, seat_slug)
        with _context(app):
            nomination = services.nominate(
                session,
                person=person or make_person(),
                seat=chosen_seat,
                region=region(region_code),
                start_date=start,
                end_date=end,
                party=party if party is not None else ("S" if chosen_seat.is_political else ""),
            )
        session.commit()
        return nomination

    return make


# --- accounts and logging in ------------------------------------------------------------



@pytest.fixture(scope="session")
def password_hash() -> str:
    # argon2 is slow on purpose; hash the test password once for the whole run.
    from forum.accounts.passwords import hash_password

    return hash_password(PASSWORD)


ROLES = {
    "admin": {"is_admin": True, "is_secretariat": True},
    "secretariat": {"is_secretariat": True},
    "region_contact": {},  # contact_region_id is set by make_account
    "member": {},
    "guest": {},
    "plain": {},
}


@pytest.fixture
def make_account(session, make_person, password_hash, region):
    """make_account("secretariat") -> an active account with the test PASSWORD.

    Roles: admin, secretariat, region_contact (for region 12 unless region_code is given);
    member, guest and plain are plain accounts: membership comes from a nomination, and
    guests from an invitation, which the test makes itself.
    """
    from forum.accounts.models import Account

    def make(role: str = "plain", *, person=None, region_code: str = "12", **fields):
        person = person or make_person(email=None)
        values = dict(ROLES[role])
        if role == "region_contact":
            values["contact_region_id"] = region(region_code).id
        values.update(fields)
        values.setdefault("password_hash", password_hash)  # None: invited, no password yet
        email = values.pop("email", None) or f"{role}.{person.id}@test.example"
        account = Account(person_id=person.id, email=email, **values)
        session.add(account)
        session.commit()
        return account

    return make


@pytest.fixture
def login():
    """login(client, account): the client is signed in as the account from now on."""

    def sign_in(client, account):
        with client.session_transaction() as flask_session:
            flask_session["_user_id"] = account.get_id()
            flask_session["_fresh"] = True
        return client

    return sign_in


@pytest.fixture
def staff_client(app, make_account, login):
    """A client signed in as a member of the secretariat."""
    return login(app.test_client(), make_account("secretariat"))


@pytest.fixture
def admin_client(app, make_account, login):
    return login(app.test_client(), make_account("admin"))


# --- query counting -----------------------------------------------------------------------


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counter:` counts the SQL statements sent meanwhile."""
    engine = app.extensions["forum.db"]["engine"]

    @contextmanager
    def counting():
        counter = QueryCounter()

        def record(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                counter.statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting


ROOT = Path(__file__).resolve().parent.parent
