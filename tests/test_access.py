"""The access matrix: every route of the URL map, for every kind of visitor, against the
rule the view declares and the object-level rules that follow from the URL.

Routes are found in the app's URL map, so a new route is tested (and must declare its
rule, and get real objects for its URL arguments here) without anyone adding it to a list.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from urllib.parse import quote

import pytest
from flask import url_for
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

import forum.models  # noqa: F401  (registers every table)
from forum import create_app
from forum.access import (
    ADMIN,
    PUBLIC,
    REGION_CONTACT,
    RULES,
    SECRETARIAT,
    SIGNED_IN,
    access,
    rule_of,
)
from forum.accounts import tokens
from forum.calendars import feeds
from forum.material import services as material
from forum.material.models import DocumentKind, Visibility
from forum.strategy.models import Theme
from forum.accounts.models import Account, TokenPurpose
from forum.db import Base
from forum.extensions import limiter
from forum.meetings.models import ActionItem, AgendaItem, Meeting, MeetingGuest
from forum.proposals import services as proposals
from forum.roster.models import Body, Region
from forum.timeutil import STOCKHOLM, today

# Who visits: the anonymous public and one account of each kind. A region's contact is
# tried both for the region the URL names (12) and for another region (01).
ROLES = (
    "anonymous",
    "plain",
    "member",
    "guest",
    "contact_here",
    "contact_elsewhere",
    "secretariat",
    "admin",
)

# URL arguments that name a region, directly or through an object of that region: the
# region's own contact may open them, another region's contact may not.
REGION_BOUND_ARGUMENTS = {"code", "proposal_id", "cooperation_id"}

# URL arguments that name a meeting: where a signed-in visitor acts on it (answering the
# invitation), only its participants may; the matrix's member sits in the meeting's body.
PARTICIPANT_BOUND_ARGUMENTS = {"meeting_id"}

# URL arguments that name a survey: those it asks answer it (the matrix's survey evaluates
# the meeting the member takes part in), and the secretariat enters answers that came
# another way; every other signed-in visitor is refused.
RESPONDENT_BOUND_ARGUMENTS = {"survey_id"}

# What a meeting keeps for its participants: it must not show on a refusal.
ONLINE_LINK = "https://meet.example.se/matrismotet"

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _collection_app():
    # Building the app opens no connection: the URL map is all we read here.
    return create_app(
        {
            "TESTING": True,
            "FORUM_ENV": "development",
            "SECRET_KEY": "collection-only",
            "DATABASE_URL": "sqlite://",
        }
    )


def _routes():
    app = _collection_app()
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods & {"GET", "POST"}):
            found.append(
                (rule.endpoint, rule.rule, method, rule_of(view), frozenset(rule.arguments))
            )
    return found


ROUTES = _routes()


def _params(method: str):
    return [
        pytest.param(endpoint, method, declared, arguments, id=f"{method} {path}")
        for endpoint, path, m, declared, arguments in ROUTES
        if m == method
    ]


def undeclared(app) -> list[str]:
    return sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and rule_of(app.view_functions[rule.endpoint]) is None
    )


def expected(declared: str, arguments: frozenset, role: str) -> str:
    """What a visitor in this role gets: "ok", "login" (sent to log in) or "forbidden"."""
    if declared == PUBLIC:
        return "ok"
    if role == "anonymous":
        return "login"
    if declared == SIGNED_IN:
        if arguments & RESPONDENT_BOUND_ARGUMENTS:
            return "ok" if role in ("member", "secretariat", "admin") else "forbidden"
        if arguments & PARTICIPANT_BOUND_ARGUMENTS:
            return "ok" if role == "member" else "forbidden"
        return "ok"
    if declared == REGION_CONTACT:
        if role in ("secretariat", "admin", "contact_here"):
            return "ok"
        if role == "contact_elsewhere":
            return "forbidden" if arguments & REGION_BOUND_ARGUMENTS else "ok"
        return "forbidden"
    if declared == SECRETARIAT:
        return "ok" if role in ("secretariat", "admin") else "forbidden"
    if declared == ADMIN:
        return "ok" if role == "admin" else "forbidden"
    pytest.fail(f"the access matrix has no expectation for the rule {declared!r}")


# --- real objects for the URL arguments ---------------------------------------------------


@pytest.fixture
def app_config(tmp_path):
    # The proposal's decision PDF is stored here, not in the instance folder.
    return {"STORAGE_PATH": str(tmp_path / "files")}


@pytest.fixture
def objects(app, session, make_person, make_organisation, make_nomination, make_account):
    """Real rows for every URL argument, with contact details that must not leak."""
    organisation = make_organisation("Matrismyndigheten")
    person = make_person(
        "Matris",
        "Personsson",
        email="matris@example.se",
        phone="070-000 00 00",
        organisation=organisation,
    )
    nomination = make_nomination(person, region_code="12", start=date(2023, 1, 1))
    proposer = make_account("region_contact", region_code="12")
    invited = make_account("plain")
    invited.password_hash = None  # invited, has not chosen a password yet
    with app.test_request_context():
        proposal = proposals.propose(
            session,
            by=proposer,
            region=session.scalar(select(Region).where(Region.code == "12")),
            seat=nomination.seat,
            person=None,
            new_person={"given_name": "Föreslagen", "family_name": "Kandidatsson"},
            party="M",
            start_date=date(2030, 1, 1),
            decision_reference="RS 2026-11-12 § 143",
            decision_file=FileStorage(io.BytesIO(PDF), filename="beslut.pdf"),
        )
        invitation = tokens.issue(session, invited, TokenPurpose.INVITATION)
        reset = tokens.issue(session, proposer, TokenPurpose.PASSWORD_RESET)
        calendar = feeds.issue_token(session, invited)
    # A politicians' meeting still to come, so that its participants may answer.
    start = datetime.combine(today() + timedelta(days=60), time(10), tzinfo=STOCKHOLM)
    meeting = Meeting(
        body_id=session.scalar(select(Body.id).where(Body.slug == "politikerforum")),
        title="Matrismötet", start_at=start, end_at=start + timedelta(hours=4),
        venue="Regionhuset Malmö", online_url=ONLINE_LINK,
    )
    session.add(meeting)
    session.flush()
    guest = MeetingGuest(
        meeting_id=meeting.id,
        person_id=make_person("Matris", "Gästsson", organisation=organisation).id,
    )
    item = AgendaItem(meeting_id=meeting.id, position=1, title="Matrispunkt")
    action = ActionItem(meeting_id=meeting.id, body_id=meeting.body_id, what="Matrisuppgift")
    session.add_all([guest, item, action])
    session.flush()
    # A public document with a file, so that every reader may open, download and pack it.
    with app.test_request_context():
        document = material.create(
            session, by=None, title="Matrisunderlag", kind=DocumentKind.BACKGROUND,
            visibility=Visibility.PUBLIC, meeting_id=meeting.id,
            upload=FileStorage(io.BytesIO("Matrisens text om regionerna.".encode()),
                               filename="matris.txt"),
        )
    theme = session.scalar(select(Theme).order_by(Theme.id))
    more: dict = {}
    # --- bodies objects (working groups) ---
    # --- surveys objects ---
    from surveys_fixtures import access_matrix_survey

    more.update(access_matrix_survey(app, session, meeting, person))
    # --- cooperation objects ---
    from cooperation_fixtures import access_matrix_entries

    more["cooperation_id"] = access_matrix_entries(app, session, proposer)
    # --- news objects ---
    from news_fixtures import make_news_item

    more["news_id"] = make_news_item(app, session, title_sv="Matrisnyhet").id
    more["section"], more["page"] = "news", 1
    session.commit()
    return more | {
        "code": "12",
        "person_id": person.id,
        "organisation_id": organisation.id,
        "nomination_id": nomination.id,
        "account_id": invited.id,
        "proposal_id": proposal.id,
        "meeting_id": meeting.id,
        "item_id": item.id,
        "guest_id": guest.id,
        "action_id": action.id,
        "document_id": document.id,
        "number": 1,
        "theme_id": theme.id,
        "token": {
            "accounts.accept_invitation": invitation,
            "accounts.reset_password": reset,
            "calendars.personal_feed": calendar,
        },
        "slug": "politikerforum",
    }


def url_of(app, endpoint: str, objects: dict) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {}
    for name in sorted(rule.arguments):
        value = objects.get(name)
        if isinstance(value, dict):
            value = value.get(endpoint)
        if value is None:
            pytest.fail(
                f"the access matrix cannot fill <{name}> in {rule.rule} ({endpoint}): add a "
                "real object for it to the `objects` fixture in tests/test_access.py"
            )
        values[name] = value
    with app.test_request_context():
        return url_for(endpoint, **values)


@pytest.fixture
def visitor(app, make_account, login, make_nomination):
    """visitor(role) -> a test client for that kind of visitor."""

    def make(role: str):
        client = app.test_client()
        if role == "anonymous":
            return client
        if role == "member":
            account = make_account("member")
            make_nomination(account.person, region_code="01", start=date(2023, 1, 1))
        elif role == "contact_here":
            account = make_account("region_contact", region_code="12")
        elif role == "contact_elsewhere":
            account = make_account("region_contact", region_code="01")
        else:
            account = make_account(role)
        return login(client, account)

    return make


# --- every route declares who may open it -------------------------------------------------


def test_the_matrix_walks_the_whole_url_map(app):
    assert {(e, p, m) for e, p, m, _, _ in ROUTES} == {
        (rule.endpoint, rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods & {"GET", "POST"}
    }
    endpoints = {e for e, *_ in ROUTES}
    # The main pages of each feature are there: the walk over the URL map works.
    assert {
        "public.index",
        "roster.region",
        "roster.nominate",
        "accounts.login",
        "accounts.accounts",
        "accounts.profile",
        "proposals.propose",
        "proposals.decision",
        "audit.log",
        "dashboard.index",
    } <= endpoints
    # Every rule is exercised, so every row of the expectation table is tested.
    assert {declared for *_, declared, _ in ROUTES} == set(RULES)
    # And the object-level rule for participants meets a route that follows it.
    assert any(
        declared == SIGNED_IN and arguments & PARTICIPANT_BOUND_ARGUMENTS
        for *_, declared, arguments in ROUTES
    )


def test_every_endpoint_declares_an_access_rule(app):
    assert undeclared(app) == []
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            assert rule_of(app.view_functions[rule.endpoint]) in RULES, rule.endpoint


def test_a_route_without_a_decision_is_caught_and_refused(database):
    app = create_app(
        {"TESTING": True, "FORUM_ENV": "development", "SECRET_KEY": "x", "DATABASE_URL": database}
    )
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret data")
    assert undeclared(app) == ["forgotten"]
    # And should it slip through, the app fails closed.
    response = app.test_client().get("/forgotten")
    assert response.status_code == 403
    assert b"secret data" not in response.data


def test_an_unknown_rule_is_a_programming_error():
    with pytest.raises(ValueError):
        access("members-only-typo")


def test_a_route_whose_arguments_cannot_be_filled_fails_clearly(app, objects):
    app.add_url_rule(
        "/widgets/<int:widget_id>", "widgets.widget", access(PUBLIC)(lambda widget_id: "")
    )
    with pytest.raises(pytest.fail.Exception, match=r"cannot fill <widget_id> in /widgets"):
        url_of(app, "widgets.widget", objects)


# --- the matrix -----------------------------------------------------------------------------


def assert_outcome(response, outcome: str, url: str, method: str) -> None:
    where = f"{method} {url}"
    if outcome == "login":
        assert response.status_code == 302, where
        assert response.location == f"/login?next={quote(url, safe='')}", where
    elif outcome == "forbidden":
        assert response.status_code == 403, where
        text = response.get_data(as_text=True)
        assert '<html lang="sv">' in text and '<article class="error-page">' in text, where
        # A refusal leaks nothing of what the page would have shown.
        assert "matris@example.se" not in text and "070-000 00 00" not in text, where
        assert "Kandidatsson" not in text, where
        assert ONLINE_LINK not in text, where
    elif method == "GET":
        assert response.status_code == 200, where
    else:
        # An empty submission is answered: the form again, or a redirect, never a crash.
        assert response.status_code in (200, 302, 303, 400), where
        if response.status_code in (302, 303):
            assert not response.location.startswith("/login"), where
        if response.status_code == 400:
            # Only a form's own validation answer, not a bare error page.
            assert 'class="error-summary"' in response.get_data(as_text=True), where


@contextmanager
def isolated(app, session):
    """What one visitor does is undone before the next one comes: their account, their
    changes, their failed logins."""
    session.close()
    savepoint = app.extensions["forum.test_connection"].begin_nested()
    try:
        yield
    finally:
        session.close()
        savepoint.rollback()
        limiter.reset()


@pytest.mark.parametrize(("endpoint", "method", "declared", "arguments"), _params("GET"))
def test_get(app, session, objects, visitor, subtests, endpoint, method, declared, arguments):
    url = url_of(app, endpoint, objects)
    for role in ROLES:
        with subtests.test(role=role), isolated(app, session):
            response = visitor(role).get(url)
            assert_outcome(response, expected(declared, arguments, role), url, method)


@pytest.mark.parametrize(("endpoint", "method", "declared", "arguments"), _params("POST"))
def test_empty_post(
    app, session, objects, visitor, subtests, endpoint, method, declared, arguments
):
    url = url_of(app, endpoint, objects)
    for role in ROLES:
        with subtests.test(role=role), isolated(app, session):
            response = visitor(role).post(url, data={})
            assert_outcome(response, expected(declared, arguments, role), url, method)


def dump(session) -> dict[str, list[tuple]]:
    session.expire_all()
    return {
        table.name: [
            tuple(row)
            for row in session.execute(select(table).order_by(*table.primary_key.columns))
        ]
        for table in Base.metadata.sorted_tables
    }


def best_placed_outsider(declared: str, arguments: frozenset) -> str:
    """The visitor closest to being allowed who still is not."""
    if declared == SIGNED_IN and arguments & (PARTICIPANT_BOUND_ARGUMENTS
                                              | RESPONDENT_BOUND_ARGUMENTS):
        return "plain"  # signed in, but not a participant
    return {
        SIGNED_IN: "anonymous",
        REGION_CONTACT: "contact_elsewhere" if arguments & REGION_BOUND_ARGUMENTS else "member",
        SECRETARIAT: "contact_here",
        ADMIN: "secretariat",
    }[declared]


@pytest.mark.parametrize(
    ("endpoint", "method", "declared", "arguments"),
    [p for p in _params("POST") if p.values[2] != PUBLIC],
)
def test_a_complete_submission_from_an_outsider_changes_nothing(
    app, session, objects, visitor, endpoint, method, declared, arguments
):
    """A valid-looking submission: only the access rule may stop it, and nothing is saved."""
    role = best_placed_outsider(declared, arguments)
    client = visitor(role)
    url = url_of(app, endpoint, objects)
    data = {
        "given_name": "Obehörig",
        "family_name": "Användare",
        "name": "Obehörig myndighet",
        "kind": "agency",
        "end_date": "2030-01-01",
        "start_date": "2030-01-02",
        "person_id": str(objects["person_id"]),
        "party": "S",
        "side": "majority",
        "seat_id": "1",
        "email": "obehorig@example.se",
        "phone": "1",
        "title": "x",
        "language": "en",
        "notify_by_email": "",
        "is_admin": "y",
        "is_secretariat": "y",
        "contact_region_id": "1",
        "active": "0",
        "reason": "Nej.",
        "decision_reference": "RS 1",
        "new_given_name": "A",
        "new_family_name": "B",
        "current": "wrong",
        "password": "a new password 1",
        "confirm": "a new password 1",
    }
    before = dump(session)
    response = client.post(url, data=data)
    assert_outcome(response, expected(declared, arguments, role), url, method)
    assert dump(session) == before


# --- what the pages show follows the same rules ---------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "member", "contact_here"])
def test_secretariat_links_are_hidden_from_others(objects, visitor, role):
    client = visitor(role)
    page = client.get("/").text
    for link in (
        'href="/people"',
        'href="/roster/export"',
        'href="/audit"',
        'href="/secretariat"',
        'href="/admin/accounts"',
    ):
        assert link not in page
    region = client.get("/regions/12").text
    assert f"/nominations/{objects['nomination_id']}/end" not in region
    assert f"/nominations/{objects['nomination_id']}/replace" not in region
    assert "/regions/12/nominate" not in region


def test_secretariat_links_show_for_the_secretariat(objects, visitor):
    client = visitor("secretariat")
    page = client.get("/").text
    assert 'href="/people"' in page and 'href="/roster/export"' in page
    assert 'href="/audit"' in page and 'href="/secretariat"' in page
    assert 'href="/admin/accounts"' not in page  # accounts are the admins'
    region = client.get("/regions/12").text
    assert f"/nominations/{objects['nomination_id']}/end" in region
    assert f"/nominations/{objects['nomination_id']}/replace" in region
    assert 'href="/admin/accounts"' in visitor("admin").get("/").text


@pytest.mark.parametrize(
    ("role", "sees_link", "sees_participants"),
    [
        ("anonymous", False, False),
        ("plain", False, False),
        ("guest", False, False),
        ("contact_here", False, False),
        ("member", True, False),  # a participant: the link, not the others' answers
        ("secretariat", True, True),
        ("admin", True, True),
    ],
)
def test_a_meetings_link_and_participants_follow_the_rules(
    objects, visitor, role, sees_link, sees_participants
):
    page = visitor(role).get(f"/meetings/{objects['meeting_id']}").text
    assert "Matrismötet" in page and "Regionhuset Malmö" in page  # public facts
    assert (ONLINE_LINK in page) is sees_link
    assert ('id="participants-heading"' in page) is sees_participants
    assert ("Gästsson" in page) is sees_participants
    # The answer form is for participants only.
    assert ('id="answer-heading"' in page) is (role == "member")


def test_a_region_contact_sees_only_its_own_regions_proposals(objects, visitor):
    here = visitor("contact_here").get("/proposals").text
    elsewhere = visitor("contact_elsewhere").get("/proposals").text
    assert "Kandidatsson" in here
    assert "Kandidatsson" not in elsewhere


def test_a_deactivated_accounts_session_counts_as_anonymous(
    app, session, objects, make_account, login
):
    """A session whose account was deactivated is treated as anonymous, not as staff."""
    account = make_account("secretariat")
    client = login(app.test_client(), account)
    assert client.get("/people").status_code == 200
    session.get(Account, account.id).is_active = False
    session.commit()
    response = client.get("/people")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
