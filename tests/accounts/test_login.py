"""Logging in and out through real POSTs to /login: passwords, "remember me", safe `next=`,
the same answer for every wrong guess, throttling, a new session at login, and the audit
trail of logins and failed logins."""

from __future__ import annotations

import re

import pytest
from suite_support import PASSWORD
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import select

from forum.accounts.models import Account
from forum.audit.models import AuditEntry
from forum.extensions import limiter
from page_helpers import lang_of


@pytest.fixture
def app_config(request):
    # Tests that need other limits pass them with indirect parametrization.
    return getattr(request, "param", {})


def translated(app, message: str, language: str = "sv", **values) -> str:
    """The message as the app shows it in that language."""
    with app.test_request_context(), force_locale(language):
        return gettext(message, **values)


def shows(response, message: str) -> bool:
    return str(escape(message)) in response.get_data(as_text=True)


def post_login(client, email: str, password: str = PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def signed_in(client) -> bool:
    """Does the app treat this client as signed in? (/profile is for signed-in accounts.)"""
    return client.get("/profile").status_code == 200


WRONG = "The e-mail address or the password is wrong."


# --- logging in -------------------------------------------------------------------------------


def test_the_login_page_keeps_where_to_go_back_to(client):
    page = client.get("/login?next=/regions/12").get_data(as_text=True)
    assert 'name="next"' in page and 'value="/regions/12"' in page


def test_a_member_logs_in_and_goes_back_to_the_page_asked_for(client, session, make_account):
    account = make_account("member")
    response = post_login(client, account.email, next="/regions/12?on=2024-01-01")
    assert response.status_code == 302
    assert response.location == "/regions/12?on=2024-01-01"
    assert signed_in(client)
    session.expire_all()
    assert session.get(Account, account.id).last_login_at is not None


def test_the_address_is_not_case_sensitive(client, make_account):
    account = make_account("member")
    response = post_login(client, "  " + account.email.upper() + " ")
    assert response.status_code == 302
    assert signed_in(client)


def test_staff_without_a_next_page_land_on_the_secretariats_page(client, make_account):
    response = post_login(client, make_account("secretariat").email)
    assert response.location == "/secretariat"
    other = client.application.test_client()
    assert post_login(other, make_account("member").email).location == "/"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example/phish",
        "\\\\evil.example/phish",
        "http:/evil.example",
        "javascript:alert(1)",
        " //evil.example",
        "regions/12",
    ],
)
def test_next_pointing_elsewhere_is_refused(client, make_account, target):
    response = post_login(client, make_account("member").email, next=target)
    assert response.status_code == 302
    assert response.location == "/"
    assert signed_in(client)


def test_a_next_with_a_line_break_cannot_split_the_redirect(client, make_account):
    response = post_login(
        client, make_account("member").email, next="/regions\r\nSet-Cookie: evil=1"
    )
    assert response.status_code == 302
    assert response.location == "/"
    assert "evil" not in " ".join(response.headers.getlist("Set-Cookie"))


def test_wrong_password_and_unknown_address_get_the_same_answer(app, client, make_account):
    account = make_account("member")
    wrong_password = post_login(client, account.email, "not the password")
    unknown = post_login(client, "nobody@test.example", PASSWORD)
    message = translated(app, WRONG)
    for response in (wrong_password, unknown):
        assert response.status_code == 200
        assert shows(response, message)
        assert lang_of(response) == "sv"
    # The pages differ only in the address typed back into the form.
    assert wrong_password.get_data(as_text=True).replace(account.email, "X") == unknown.get_data(
        as_text=True
    ).replace("nobody@test.example", "X")
    assert not signed_in(client)


def test_the_wrong_password_message_is_in_english_for_an_english_visitor(app, client, make_account):
    client.post("/language", data={"lang": "en", "next": "/"})
    response = post_login(client, make_account("member").email, "not the password")
    assert lang_of(response) == "en"
    assert shows(response, WRONG)


def test_a_deactivated_account_cannot_log_in(app, client, session, make_account):
    account = make_account("member")
    account.is_active = False
    session.commit()
    response = post_login(client, account.email)
    assert response.status_code == 200
    assert shows(response, translated(app, WRONG))
    assert not signed_in(client)


def test_an_account_without_a_password_cannot_log_in(app, client, session, make_account):
    account = make_account("member")
    account.password_hash = None  # invited, has not chosen a password yet
    session.commit()
    for password in (PASSWORD, "", "not a real password"):
        response = post_login(client, account.email, password)
        assert response.status_code == 200
        assert not signed_in(client)
    assert shows(post_login(client, account.email, PASSWORD), translated(app, WRONG))


def test_empty_fields_are_explained_beside_them(app, client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 200
    assert shows(response, translated(app, "Give your e-mail address."))
    assert shows(response, translated(app, "Give your password."))
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}], indirect=True, ids=["csrf"])
def test_the_login_form_needs_its_csrf_token(client, make_account):
    account = make_account("member")
    refused = post_login(client, account.email)
    assert refused.status_code == 400
    assert lang_of(refused) == "sv"
    assert '<article class="error-page">' in refused.get_data(as_text=True)
    assert not signed_in(client)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    accepted = post_login(client, account.email, csrf_token=token)
    assert accepted.status_code == 302
    assert signed_in(client)


# --- the session ------------------------------------------------------------------------------


def test_logging_in_starts_a_new_session(client, make_account):
    with client.session_transaction() as flask_session:
        flask_session["planted"] = "by someone before the login"
        flask_session["_user_id"] = "999999.1"
    account = make_account("member")
    post_login(client, account.email)
    with client.session_transaction() as flask_session:
        assert "planted" not in flask_session
        assert flask_session["_user_id"] == account.get_id()


def test_the_session_takes_the_accounts_language(client, session, make_account):
    account = make_account("member")
    account.language = "en"
    session.commit()
    post_login(client, account.email)
    assert lang_of(client.get("/")) == "en"


def test_without_remember_me_there_is_no_remember_cookie(client, make_account):
    response = post_login(client, make_account("member").email)
    assert "remember_token" not in " ".join(response.headers.getlist("Set-Cookie"))
    assert client.get_cookie("remember_token") is None


def test_remember_me_sets_an_httponly_cookie_that_outlives_the_session(client, make_account):
    response = post_login(client, make_account("member").email, remember="y")
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires=" in cookie
    # The browser closes: the session cookie is gone, the remember cookie signs in again.
    client.delete_cookie("session")
    assert signed_in(client)


def test_logout_is_post_only(client, make_account):
    post_login(client, make_account("member").email)
    assert client.get("/logout").status_code == 405
    assert signed_in(client)


def test_logout_clears_the_session_and_the_remember_cookie(app, client, make_account):
    post_login(client, make_account("member").email, remember="y")
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.location == "/"
    with client.session_transaction() as flask_session:
        assert "_user_id" not in flask_session
    assert client.get_cookie("remember_token") is None
    assert shows(client.get("/"), translated(app, "You are logged out."))
    assert not signed_in(client)


def test_logout_keeps_the_chosen_language(client, make_account):
    post_login(client, make_account("member").email)
    client.post("/language", data={"lang": "en", "next": "/"})
    client.post("/logout")
    assert lang_of(client.get("/")) == "en"


# --- throttling -------------------------------------------------------------------------------


def fail(client, email: str, times: int) -> None:
    for _ in range(times):
        response = post_login(client, email, "not the password")
        assert response.status_code == 200


def test_the_sixth_attempt_for_an_address_is_refused_even_with_the_right_password(
    app, client, make_account
):
    account = make_account("member")
    fail(client, account.email, 5)
    response = post_login(client, account.email)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert lang_of(response) == "sv"
    text = response.get_data(as_text=True)
    assert '<article class="error-page">' in text
    assert str(escape(translated(app, "Too many attempts"))) in text
    assert not signed_in(client)


def test_the_refusal_is_in_english_for_an_english_visitor(client, make_account):
    client.post("/language", data={"lang": "en", "next": "/"})
    account = make_account("member")
    fail(client, account.email, 5)
    response = post_login(client, account.email)
    assert response.status_code == 429
    assert lang_of(response) == "en"
    assert "Too many attempts" in response.get_data(as_text=True)


def test_another_address_still_logs_in_while_one_is_throttled(app, client, make_account):
    throttled = make_account("member")
    other = make_account("member")
    fail(client, throttled.email, 5)
    assert post_login(client, throttled.email).status_code == 429
    # From the same client, and from another one.
    elsewhere = app.test_client()
    assert post_login(elsewhere, throttled.email).status_code == 429
    response = post_login(client, other.email)
    assert response.status_code == 302
    assert signed_in(client)


def test_attempts_count_per_address_however_it_is_typed(client, make_account):
    account = make_account("member")
    for typed in (
        account.email,
        account.email.upper(),
        f" {account.email} ",
        account.email.title(),
        account.email,
    ):
        assert post_login(client, typed, "not the password").status_code == 200
    assert post_login(client, account.email).status_code == 429


def test_unknown_addresses_are_throttled_like_known_ones(client):
    fail(client, "nobody@test.example", 5)
    assert post_login(client, "nobody@test.example").status_code == 429


def test_successful_logins_do_not_count(app, client, make_account):
    account = make_account("member")
    fail(client, account.email, 4)
    for _ in range(5):
        visitor = app.test_client()
        assert post_login(visitor, account.email).status_code == 302
    # Had the five successes counted, this would be the tenth attempt; it is the fifth failure.
    assert post_login(client, account.email, "not the password").status_code == 200
    assert post_login(client, account.email).status_code == 429


def test_only_posts_are_counted(client, make_account):
    account = make_account("member")
    for _ in range(10):
        assert client.get("/login").status_code == 200
    assert post_login(client, account.email).status_code == 302


@pytest.mark.parametrize(
    "app_config", [{"LOGIN_LIMIT_PER_CLIENT": "8 per hour"}], indirect=True, ids=["client-limit"]
)
def test_one_client_guessing_many_addresses_is_throttled_too(app, client, make_account):
    account = make_account("member")
    for n in range(8):
        fail(client, f"guess{n}@test.example", 1)
    assert post_login(client, account.email).status_code == 429
    # Another client (another address on the network) is not held back.
    other = app.test_client()
    response = other.post(
        "/login",
        data={"email": account.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert response.status_code == 302


def test_each_app_starts_with_fresh_counts(database, client, make_account, make_app):
    """What keeps these tests apart: the limiter's memory store is made anew by create_app."""
    account = make_account("member")
    fail(client, account.email, 5)
    assert post_login(client, account.email).status_code == 429
    store = limiter.storage
    other = make_app(database)  # building an app opens no connection
    other.extensions["forum.db"]["engine"].dispose()
    assert limiter.storage is not store
    assert post_login(client, account.email).status_code == 302


# --- the audit log ----------------------------------------------------------------------------


def entries(session, action: str) -> list[AuditEntry]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def test_a_login_is_audited_with_the_address_it_came_from(client, session, make_account):
    account = make_account("member")
    client.post(
        "/login",
        data={"email": account.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    [entry] = entries(session, "login")
    assert entry.actor_account_id == account.id
    assert entry.actor_label == account.email
    assert entry.person_id == account.person_id
    assert (entry.object_type, entry.object_id) == ("Account", account.id)
    assert entry.ip_address == "203.0.113.9"
    assert entries(session, "login_failed") == []


def test_failed_logins_are_audited_with_the_address_and_ip(client, session, make_account):
    account = make_account("member")
    for email in (account.email, "Nobody@Test.example"):
        client.post(
            "/login",
            data={"email": email, "password": "not the password"},
            environ_base={"REMOTE_ADDR": "203.0.113.10"},
        )
    known, unknown = entries(session, "login_failed")
    assert known.person_id == account.person_id
    assert (known.object_type, known.object_id) == ("Account", account.id)
    assert known.summary == account.email
    assert unknown.person_id is None and unknown.object_id is None
    assert unknown.summary == "nobody@test.example"
    for entry in (known, unknown):
        assert entry.ip_address == "203.0.113.10"
        assert entry.actor_account_id is None
        assert entry.actor_label == "anonymous"
        # The password typed is never kept.
        assert "not the password" not in repr((entry.summary, entry.before, entry.after))
    assert entries(session, "login") == []


def test_a_refused_attempt_is_not_a_login(client, session, make_account):
    account = make_account("member")
    fail(client, account.email, 5)
    post_login(client, account.email)  # 429
    assert entries(session, "login") == []
    assert len(entries(session, "login_failed")) == 5
