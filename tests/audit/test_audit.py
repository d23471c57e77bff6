"""The audit log: the secretariat's page with its filters and pages, and a table that the
database itself keeps append-only on SQLite and PostgreSQL alike."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from suite_support import PASSWORD
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from forum.audit.models import AuditEntry
from forum.audit.queries import PAGE_SIZE
from forum.audit.services import record

BASE = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def translated(app, message: str, language: str = "sv", **values) -> str:
    with app.test_request_context(), force_locale(language):
        return gettext(message, **values)


@pytest.fixture
def add_entry(session):
    """add_entry(summary, **fields): an entry as a service would write it, committed."""

    def add(
        summary: str, *, action: str = "something_done", at: datetime = BASE, **fields
    ) -> AuditEntry:
        entry = AuditEntry(
            action=action,
            summary=summary,
            at=at,
            actor_label=fields.pop("actor_label", "system"),
            **fields,
        )
        session.add(entry)
        session.commit()
        return entry

    return add


def summaries(response) -> list[str]:
    """The entries' summaries on the page, in the order shown."""
    assert response.status_code == 200
    return re.findall(r'<span class="meta">(entry-[\w-]+)</span>', response.get_data(as_text=True))


def total_shown(app, response, total: int) -> bool:
    html = response.get_data(as_text=True)
    with app.test_request_context(), force_locale("sv"):
        from flask_babel import ngettext

        return str(escape(ngettext("%(num)d entry", "%(num)d entries", total))) in html


# --- who may read it ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "region_contact", "guest", "plain"])
def test_members_and_contacts_are_refused(app, make_account, login, add_entry, role):
    add_entry("entry-secret")
    client = login(app.test_client(), make_account(role))
    response = client.get("/audit")
    assert response.status_code == 403
    assert "entry-secret" not in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/audit?action=login")
    assert response.status_code == 302
    assert response.location == "/login?next=%2Faudit%3Faction%3Dlogin"


@pytest.mark.parametrize("role", ["secretariat", "admin"])
def test_the_secretariat_and_admins_read_it(app, make_account, login, add_entry, role):
    add_entry("entry-visible", before={"is_admin": False}, after={"is_admin": True})
    client = login(app.test_client(), make_account(role))
    response = client.get("/audit")
    assert summaries(response) == ["entry-visible"]
    html = response.get_data(as_text=True)
    assert "<dt>is_admin</dt><dd>False</dd>" in html and "<dt>is_admin</dt><dd>True</dd>" in html


# --- what a real action leaves behind -------------------------------------------------------


def test_a_login_shows_in_the_log_with_who_when_and_from_where(app, staff_client, make_account):
    member = make_account("member")
    app.test_client().post(
        "/login",
        data={"email": member.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.44"},
    )
    app.test_client().post(
        "/login",
        data={"email": member.email, "password": "wrong"},
        environ_base={"REMOTE_ADDR": "192.0.2.45"},
    )
    logged_in, failed_login = translated(app, "Logged in"), translated(app, "Failed login")
    html = staff_client.get("/audit?action=login").get_data(as_text=True)
    assert f"<td>{escape(logged_in)}<" in html
    assert "192.0.2.44" in html and member.email in html
    assert f"<td>{escape(failed_login)}<" not in html
    failed = staff_client.get("/audit?action=login_failed").get_data(as_text=True)
    assert f"<td>{escape(failed_login)}<" in failed
    assert "192.0.2.45" in failed and "192.0.2.44" not in failed


# --- filters --------------------------------------------------------------------------------


def test_filter_by_person(staff_client, make_person, add_entry):
    anna, bertil = make_person("Anna", "Filtersson"), make_person("Bertil", "Filtersson")
    add_entry("entry-anna-1", person_id=anna.id, at=BASE)
    add_entry("entry-bertil", person_id=bertil.id, at=BASE + timedelta(minutes=1))
    add_entry("entry-anna-2", person_id=anna.id, at=BASE + timedelta(minutes=2))
    add_entry("entry-nobody", at=BASE + timedelta(minutes=3))
    assert summaries(staff_client.get(f"/audit?person={anna.id}")) == [
        "entry-anna-2",
        "entry-anna-1",
    ]
    assert summaries(staff_client.get(f"/audit?person={bertil.id}")) == ["entry-bertil"]
    assert len(summaries(staff_client.get("/audit"))) == 4


def test_filter_by_action(app, staff_client, add_entry):
    add_entry("entry-role", action="roles_changed")
    add_entry("entry-login", action="login", at=BASE + timedelta(minutes=1))
    page = staff_client.get("/audit?action=roles_changed")
    assert summaries(page) == ["entry-role"]
    # The filter offers the events that happened, in words.
    html = page.get_data(as_text=True)
    assert f'<option value="login">{escape(translated(app, "Logged in"))}</option>' in html
    roles_changed = escape(translated(app, "Roles changed"))
    assert f'<option selected value="roles_changed">{roles_changed}</option>' in html


def test_filter_by_object(staff_client, add_entry):
    add_entry("entry-account-7", object_type="Account", object_id=7)
    add_entry("entry-account-8", object_type="Account", object_id=8, at=BASE + timedelta(minutes=1))
    add_entry(
        "entry-nomination-7", object_type="Nomination", object_id=7, at=BASE + timedelta(minutes=2)
    )
    assert summaries(staff_client.get("/audit?object_type=Account&object_id=7")) == [
        "entry-account-7"
    ]
    assert summaries(staff_client.get("/audit?object_type=Account")) == [
        "entry-account-8",
        "entry-account-7",
    ]
    assert summaries(staff_client.get("/audit?object_id=7")) == [
        "entry-nomination-7",
        "entry-account-7",
    ]


def test_filter_by_date_in_swedish_time(staff_client, add_entry):
    # 23:30 UTC on 31 December is already New Year's Day in Stockholm.
    add_entry("entry-old-year", at=datetime(2025, 12, 31, 22, 30, tzinfo=UTC))
    add_entry("entry-new-year", at=datetime(2025, 12, 31, 23, 30, tzinfo=UTC))
    add_entry("entry-mid-january", at=datetime(2026, 1, 15, 12, 0, tzinfo=UTC))
    add_entry("entry-end-of-january", at=datetime(2026, 1, 31, 22, 59, tzinfo=UTC))
    add_entry("entry-february", at=datetime(2026, 1, 31, 23, 0, tzinfo=UTC))
    january = staff_client.get("/audit?since=2026-01-01&until=2026-01-31")
    assert summaries(january) == ["entry-end-of-january", "entry-mid-january", "entry-new-year"]
    assert summaries(staff_client.get("/audit?until=2025-12-31")) == ["entry-old-year"]
    assert summaries(staff_client.get("/audit?since=2026-02-01")) == ["entry-february"]


def test_filters_combine(staff_client, make_person, add_entry):
    person = make_person()
    add_entry(
        "entry-match", action="login", person_id=person.id, at=datetime(2026, 5, 5, 10, tzinfo=UTC)
    )
    add_entry(
        "entry-wrong-day",
        action="login",
        person_id=person.id,
        at=datetime(2026, 5, 6, 10, tzinfo=UTC),
    )
    add_entry(
        "entry-wrong-action",
        action="logout",
        person_id=person.id,
        at=datetime(2026, 5, 5, 11, tzinfo=UTC),
    )
    add_entry("entry-wrong-person", action="login", at=datetime(2026, 5, 5, 12, tzinfo=UTC))
    url = f"/audit?person={person.id}&action=login&since=2026-05-05&until=2026-05-05"
    assert summaries(staff_client.get(url)) == ["entry-match"]


def test_a_bad_filter_is_explained_not_a_crash(app, staff_client, add_entry):
    add_entry("entry-any")
    response = staff_client.get("/audit?since=31/12/2026&object_id=-3")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert str(escape(translated(app, "Write the date as YYYY-MM-DD, e.g. 2026-11-24."))) in html
    assert str(escape(translated(app, "Give a positive number."))) in html
    assert 'value="31/12/2026"' in html  # what was typed is kept


# --- pages and queries ----------------------------------------------------------------------


def test_pages_of_fifty_newest_first_keeping_the_filter(app, staff_client, add_entry):
    total = 2 * PAGE_SIZE + 20
    for n in range(total):
        add_entry(f"entry-{n:03d}", action="paged", at=BASE + timedelta(minutes=n))
    add_entry("entry-other", action="other")
    first = staff_client.get("/audit?action=paged")
    assert summaries(first) == [
        f"entry-{n:03d}" for n in range(total - 1, total - 1 - PAGE_SIZE, -1)
    ]
    assert total_shown(app, first, total)
    html = first.get_data(as_text=True)
    assert str(escape(translated(app, "Page %(page)d of %(pages)d", page=1, pages=3))) in html
    older = re.search(
        r'<a href="(/audit\?[^"]+)">' + re.escape(str(escape(translated(app, "Older")))), html
    )
    assert older, "no link to older entries"
    link = older.group(1).replace("&amp;", "&")
    assert "action=paged" in link and "page=2" in link
    second = staff_client.get(link)
    assert summaries(second)[0] == f"entry-{total - 1 - PAGE_SIZE:03d}"
    last = staff_client.get("/audit?action=paged&page=3")
    assert summaries(last) == [f"entry-{n:03d}" for n in range(19, -1, -1)]
    assert f"{translated(app, 'Older')}</a>" not in last.get_data(as_text=True)
    # A page past the end is empty, and a nonsense page number is the first page.
    assert summaries(staff_client.get("/audit?action=paged&page=9")) == []
    assert summaries(staff_client.get("/audit?action=paged&page=abc")) == summaries(first)


def test_the_page_costs_the_same_queries_however_many_entries(
    app, staff_client, session, make_account, make_person, add_entry, count_queries
):
    def fill(start: int, count: int) -> None:
        for n in range(start, start + count):
            actor = make_account("plain")
            add_entry(
                f"entry-{n:03d}",
                action=f"action_{n % 7}",
                actor_account_id=actor.id,
                actor_label=actor.email,
                person_id=actor.person_id,
                object_type="Account",
                object_id=actor.id,
                before={"n": n},
                after={"n": n + 1},
                at=BASE + timedelta(minutes=n),
            )

    fill(0, 3)
    with count_queries() as few:
        assert len(summaries(staff_client.get("/audit"))) == 3
    fill(3, PAGE_SIZE)
    with count_queries() as many:
        assert len(summaries(staff_client.get("/audit"))) == PAGE_SIZE
    assert many.count == few.count, many.statements


# --- append-only ----------------------------------------------------------------------------


@pytest.fixture
def stored(app, session, make_account):
    """An entry written the way every service writes one."""
    account = make_account("secretariat")
    with app.test_request_context():
        entry = record(
            session,
            "roles_changed",
            target=account,
            person_id=account.person_id,
            before={"is_admin": False},
            after={"is_admin": True},
            actor=account,
        )
    session.commit()
    return entry.id


def snapshot(session, entry_id: int):
    return (
        session.connection()
        .execute(
            text("SELECT action, summary, actor_label FROM audit_log WHERE id = :id"),
            {"id": entry_id},
        )
        .one_or_none()
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET action = 'nothing_happened' WHERE id = :id",
        "UPDATE audit_log SET summary = 'rewritten'",
        "DELETE FROM audit_log WHERE id = :id",
        "DELETE FROM audit_log",
    ],
)
def test_the_database_refuses_to_change_or_delete_entries(session, stored, statement):
    before = snapshot(session, stored)
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.connection().execute(text(statement), {"id": stored})
    assert snapshot(session, stored) == before
    assert session.scalar(select(func.count()).select_from(AuditEntry)) >= 1


def test_the_orm_cannot_delete_an_entry_either(session, stored):
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.delete(session.get(AuditEntry, stored))
        session.flush()
    session.expire_all()
    assert session.get(AuditEntry, stored) is not None


def test_the_database_accepts_new_entries(session, stored):
    session.connection().execute(
        text(
            "INSERT INTO audit_log (at, actor_label, action, object_type, summary, ip_address) "
            "VALUES (:at, 'system', 'inserted_by_hand', '', 'entry-raw', '')"
        ),
        {"at": BASE},
    )
    session.commit()
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "inserted_by_hand")
        )
        == 1
    )
    assert snapshot(session, stored) is not None
