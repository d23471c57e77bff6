"""Links in e-mails: invitations and forgotten passwords. Only a token's SHA-256 is stored;
a link works once, for a limited time, and a newer link replaces an older one. Choosing a
password signs the person in and every older session out."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from suite_support import PASSWORD
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import func, select, update

import forum.models  # noqa: F401  (registers every table)
from forum.accounts import tokens
from forum.accounts.models import Account, AccountToken, TokenPurpose
from forum.audit.models import AuditEntry
from forum.db import Base
from forum.mail_models import OutboxMessage

NEW_PASSWORD = "a brand new passphrase"


def translated(app, message: str, language: str = "sv", **values) -> str:
    with app.test_request_context(), force_locale(language):
        return gettext(message, **values)


def shows(response, message: str) -> bool:
    return str(escape(message)) in response.get_data(as_text=True)


def outbox(session, kind: str | None = None) -> list[OutboxMessage]:
    session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(session.scalars(query))


def link_in(message: OutboxMessage, path: str) -> str:
    """The raw token of the link in a mail; the plain and HTML parts carry the same link."""
    pattern = rf"http://forum\.test/{path}/([A-Za-z0-9_-]+)"
    found = re.findall(pattern, message.text_body)
    assert len(found) == 1, message.text_body
    assert re.findall(pattern, message.html_body) == found
    return found[0]


def token_rows(session, account_id: int) -> list[AccountToken]:
    session.expire_all()
    return list(
        session.scalars(
            select(AccountToken)
            .where(AccountToken.account_id == account_id)
            .order_by(AccountToken.id)
        )
    )


def age(session, raw: str, by: timedelta) -> None:
    """Make a token older by `by`: move its creation and expiry back in time."""
    row = session.scalar(select(AccountToken).where(AccountToken.token_hash == tokens.digest(raw)))
    created, expires = row.created_at - by, row.expires_at - by
    session.execute(
        update(AccountToken)
        .where(AccountToken.id == row.id)
        .values(created_at=created, expires_at=expires)
    )
    session.commit()


def signed_in_as(client) -> str | None:
    """The name in the page header if the client is signed in."""
    response = client.get("/profile")
    if response.status_code != 200:
        return None
    return response.get_data(as_text=True)


def log_in(client, email: str, password: str):
    return client.post("/login", data={"email": email, "password": password})


def choose_password(client, raw: str, kind: str = "invitation", password: str = NEW_PASSWORD):
    path = "invitation" if kind == "invitation" else "password/reset"
    return client.post(f"/{path}/{raw}", data={"password": password, "confirm": password})


# --- invitations --------------------------------------------------------------------------


@pytest.fixture
def invite(admin_client, make_person, session):
    """invite() -> (account, raw token): an invitation made on the admins' page."""

    def make(person=None, email=None, **roles):
        person = person or make_person("Inbjuden", email=None)
        email = email or f"inbjuden.{person.id}@region.example"
        response = admin_client.post(
            "/admin/accounts/invite",
            data={"person_id": str(person.id), "email": email, **roles},
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        account = session.scalar(select(Account).where(Account.person_id == person.id))
        [message] = [m for m in outbox(session, "invitation") if m.to_address == email][-1:]
        return account, link_in(message, "invitation")

    return make


def test_the_invitation_mail_is_in_swedish_with_a_link_under_base_url(
    app, session, invite, make_person
):
    person = make_person("Ylva", "Inbjudensson", email=None)
    account, raw = invite(person, "ylva@region.example")
    [message] = outbox(session)
    assert message.kind == "invitation"
    assert message.to_address == "ylva@region.example"
    assert message.to_name == "Ylva Inbjudensson"
    assert message.language == "sv"
    assert message.subject == translated(
        app, "Your account for the Forum for sustainable regional development"
    )
    assert translated(app, "Hello %(name)s,", name="Ylva Inbjudensson") in message.text_body
    assert f"http://forum.test/invitation/{raw}" in message.text_body
    assert '<html lang="sv">' in message.html_body
    assert account.password_hash is None


def test_a_new_invitation_to_an_english_speaker_is_in_english(app, session, admin_client, invite):
    account, _ = invite()
    account.language = "en"
    session.commit()
    assert admin_client.post(f"/admin/accounts/{account.id}/resend").status_code == 302
    message = outbox(session, "invitation")[-1]
    assert message.language == "en"
    assert message.subject == "Your account for the Forum for sustainable regional development"
    assert "Hello " in message.text_body


def test_only_the_tokens_sha256_is_stored(session, invite):
    account, raw = invite()
    [row] = token_rows(session, account.id)
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert row.purpose is TokenPurpose.INVITATION
    # The link itself is nowhere in the database but in the mail that carries it.
    for table in Base.metadata.sorted_tables:
        if table.name == "outbox":
            continue
        for values in session.execute(select(table)):
            assert not any(isinstance(v, str) and raw in v for v in values), table.name
            assert not any(isinstance(v, dict) and raw in repr(v) for v in values), table.name


def test_the_invitation_link_works_once_and_signs_the_person_in(app, session, invite):
    account, raw = invite()
    client = app.test_client()
    page = client.get(f"/invitation/{raw}")
    assert page.status_code == 200
    assert account.email in page.get_data(as_text=True)

    response = choose_password(client, raw)
    assert response.status_code == 302
    assert response.location == "/profile"
    assert account.person.name in signed_in_as(client)

    again = app.test_client()
    used = again.get(f"/invitation/{raw}")
    assert used.status_code == 404
    assert shows(used, translated(app, "The link is no longer valid"))
    assert choose_password(again, raw, password="somebody else's password").status_code == 404
    assert signed_in_as(again) is None
    # The password chosen is the one that works.
    assert log_in(app.test_client(), account.email, NEW_PASSWORD).status_code == 302
    [row] = token_rows(session, account.id)
    assert row.used_at is not None
    actions = session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.object_id == account.id, AuditEntry.object_type == "Account"
        )
    ).all()
    assert "invitation_accepted" in actions


def test_a_refused_password_leaves_the_link_usable(app, invite):
    _, raw = invite()
    client = app.test_client()
    short = client.post(f"/invitation/{raw}", data={"password": "short", "confirm": "short"})
    assert short.status_code == 200
    assert shows(short, translated(app, "Use at least %(min)d characters.", min=10))
    differ = client.post(
        f"/invitation/{raw}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"}
    )
    assert shows(differ, translated(app, "The passwords differ."))
    assert signed_in_as(client) is None
    assert choose_password(client, raw).status_code == 302


def test_an_invitation_link_lasts_seven_days(app, session, invite):
    account, raw = invite()
    [row] = token_rows(session, account.id)
    assert row.expires_at - row.created_at == timedelta(days=7)
    age(session, raw, timedelta(days=6, hours=23))
    assert app.test_client().get(f"/invitation/{raw}").status_code == 200
    age(session, raw, timedelta(hours=1, minutes=1))  # now 7 days and a minute old
    client = app.test_client()
    assert client.get(f"/invitation/{raw}").status_code == 404
    assert choose_password(client, raw).status_code == 404
    assert signed_in_as(client) is None


def test_a_newer_invitation_replaces_the_older_link(app, session, admin_client, invite):
    account, first = invite()
    assert admin_client.post(f"/admin/accounts/{account.id}/resend").status_code == 302
    second = link_in(outbox(session, "invitation")[-1], "invitation")
    assert second != first
    client = app.test_client()
    assert client.get(f"/invitation/{first}").status_code == 404
    assert choose_password(client, first).status_code == 404
    assert client.get(f"/invitation/{second}").status_code == 200
    old, new = token_rows(session, account.id)
    assert old.revoked_at is not None and new.revoked_at is None


def test_inviting_the_same_person_again_replaces_the_older_link(app, session, invite, make_person):
    person = make_person("Två", "Gångersson", email=None)
    account, first = invite(person, "tva@region.example")
    again, second = invite(person, "tva.ny@region.example")
    assert again.id == account.id
    assert again.email == "tva.ny@region.example"
    assert app.test_client().get(f"/invitation/{first}").status_code == 404
    assert app.test_client().get(f"/invitation/{second}").status_code == 200


def test_a_deactivated_accounts_link_does_nothing(app, session, admin_client, invite):
    account, _ = invite()
    admin_client.post(f"/admin/accounts/{account.id}/active", data={"active": "0"})
    # Even a link made after the deactivation (deactivating revokes the older ones).
    with app.test_request_context():
        raw = tokens.issue(session, account, TokenPurpose.INVITATION)
    session.commit()
    client = app.test_client()
    assert client.get(f"/invitation/{raw}").status_code == 404
    assert choose_password(client, raw).status_code == 404
    session.expire_all()
    assert session.get(Account, account.id).password_hash is None
    assert signed_in_as(client) is None


@pytest.mark.parametrize("raw", ["not-a-token", "x" * 300, "%00"])
def test_a_made_up_link_is_not_valid(app, client, raw):
    response = client.get(f"/invitation/{raw}")
    assert response.status_code in (400, 404)
    assert signed_in_as(client) is None


def test_an_invitation_token_is_not_a_reset_token(app, invite):
    _, raw = invite()
    assert app.test_client().get(f"/password/reset/{raw}").status_code == 404


# --- forgotten passwords ------------------------------------------------------------------


def forgot(client, email: str):
    return client.post("/password/forgot", data={"email": email})


def test_forgotten_password_answers_the_same_whether_or_not_the_address_exists(
    app, session, make_account
):
    account = make_account("member")
    known_client, unknown_client = app.test_client(), app.test_client()
    known = forgot(known_client, account.email)
    unknown = forgot(unknown_client, "nobody@region.example")
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location == "/login"
    known_page = known_client.get("/login").get_data(as_text=True)
    unknown_page = unknown_client.get("/login").get_data(as_text=True)
    message = translated(
        app,
        "If %(email)s has an account, a link to choose a new password is on its way.",
        email="nobody@region.example",
    )
    assert str(escape(message)) in unknown_page
    assert known_page.replace(account.email, "X") == unknown_page.replace(
        "nobody@region.example", "X"
    )
    # Only the existing address gets a mail.
    [message] = outbox(session)
    assert message.kind == "password_reset"
    assert message.to_address == account.email
    assert message.subject == translated(app, "Choose a new password")


def test_a_deactivated_account_gets_no_reset_mail(client, session, make_account):
    account = make_account("member")
    account.is_active = False
    session.commit()
    assert forgot(client, account.email).status_code == 302
    assert outbox(session) == []


def test_the_reset_mail_is_in_the_accounts_language(session, client, make_account):
    account = make_account("member")
    account.language = "en"
    session.commit()
    forgot(client, account.email)
    [message] = outbox(session)
    assert message.language == "en"
    assert message.subject == "Choose a new password"


def test_a_reset_link_works_once(app, session, make_account):
    account = make_account("member")
    forgot(app.test_client(), account.email)
    raw = link_in(outbox(session)[0], "password/reset")
    [row] = token_rows(session, account.id)
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    client = app.test_client()
    assert client.get(f"/password/reset/{raw}").status_code == 200
    assert choose_password(client, raw, "reset").status_code == 302
    assert account.person.name in signed_in_as(client)
    assert client.get(f"/password/reset/{raw}").status_code == 404
    assert (
        choose_password(app.test_client(), raw, "reset", "yet another passphrase").status_code
        == 404
    )
    assert log_in(app.test_client(), account.email, PASSWORD).status_code == 200
    assert log_in(app.test_client(), account.email, NEW_PASSWORD).status_code == 302


def test_a_reset_link_lasts_two_hours(app, session, make_account):
    account = make_account("member")
    forgot(app.test_client(), account.email)
    raw = link_in(outbox(session)[0], "password/reset")
    [row] = token_rows(session, account.id)
    assert row.expires_at - row.created_at == timedelta(hours=2)
    age(session, raw, timedelta(hours=1, minutes=59))
    assert app.test_client().get(f"/password/reset/{raw}").status_code == 200
    age(session, raw, timedelta(minutes=2))
    client = app.test_client()
    assert client.get(f"/password/reset/{raw}").status_code == 404
    assert choose_password(client, raw, "reset").status_code == 404
    assert log_in(app.test_client(), account.email, PASSWORD).status_code == 302


def test_a_second_request_replaces_the_first_link(app, session, make_account):
    account = make_account("member")
    forgot(app.test_client(), account.email)
    forgot(app.test_client(), account.email)
    first, second = (link_in(m, "password/reset") for m in outbox(session))
    assert app.test_client().get(f"/password/reset/{first}").status_code == 404
    assert app.test_client().get(f"/password/reset/{second}").status_code == 200


def test_a_reset_signs_out_every_older_session(app, session, make_account, login):
    account = make_account("member")
    old = login(app.test_client(), account)
    assert signed_in_as(old)
    remembered = app.test_client()
    log_in_response = remembered.post(
        "/login", data={"email": account.email, "password": PASSWORD, "remember": "y"}
    )
    assert log_in_response.status_code == 302
    version = account.session_version

    forgot(app.test_client(), account.email)
    raw = link_in(outbox(session)[0], "password/reset")
    fresh = app.test_client()
    assert choose_password(fresh, raw, "reset").status_code == 302

    session.expire_all()
    assert session.get(Account, account.id).session_version > version
    assert signed_in_as(fresh)
    assert signed_in_as(old) is None
    assert signed_in_as(remembered) is None
    # Not even the remember-me cookie brings the old session back.
    remembered.delete_cookie("session")
    assert signed_in_as(remembered) is None


def test_a_reset_revokes_an_unused_invitation(app, session, make_account):
    account = make_account("member")
    with app.test_request_context():
        invitation = tokens.issue(session, account, TokenPurpose.INVITATION)
    session.commit()
    forgot(app.test_client(), account.email)
    raw = link_in(outbox(session)[0], "password/reset")
    assert choose_password(app.test_client(), raw, "reset").status_code == 302
    assert app.test_client().get(f"/invitation/{invitation}").status_code == 404


# --- changing one's password --------------------------------------------------------------


def change(client, current: str, new: str = NEW_PASSWORD):
    return client.post(
        "/profile/password", data={"current": current, "password": new, "confirm": new}
    )


def test_changing_the_password_needs_the_current_one(app, session, make_account, login):
    account = make_account("member")
    client = login(app.test_client(), account)
    before = account.password_hash
    response = change(client, "not my password")
    assert response.status_code == 200
    assert shows(response, translated(app, "That is not your current password."))
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Account, account.id).password_hash == before
    assert signed_in_as(client)


def test_changing_the_password_keeps_this_device_and_signs_out_the_others(
    app, session, make_account, login
):
    account = make_account("member")
    other_device = login(app.test_client(), account)
    this_device = login(app.test_client(), account)
    response = change(this_device, PASSWORD)
    assert response.status_code == 302
    assert response.location == "/profile"
    assert signed_in_as(this_device)
    assert signed_in_as(other_device) is None
    assert log_in(app.test_client(), account.email, PASSWORD).status_code == 200
    assert log_in(app.test_client(), account.email, NEW_PASSWORD).status_code == 302
    session.expire_all()
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "password_changed", AuditEntry.object_id == account.id)
        )
        == 1
    )


def test_a_new_password_must_be_long_enough(app, make_account, login):
    account = make_account("member")
    client = login(app.test_client(), account)
    response = change(client, PASSWORD, "short")
    assert response.status_code == 200
    assert shows(response, translated(app, "Use at least %(min)d characters.", min=10))
    assert log_in(app.test_client(), account.email, PASSWORD).status_code == 302
